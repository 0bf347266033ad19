package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.oci.Platform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flag handling of {@code kiln} and {@code kiln build}: usage errors, version, help. */
class CommandLineTest {

  @TempDir Path tmp;

  @Test
  void version_printsTheVersion() {
    Kiln.Run r = Kiln.run(tmp, Map.of(), "--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("kiln ");
  }

  @Test
  void buildHelp_listsTheBuildxFlags() {
    Kiln.Run r = Kiln.run(tmp, Map.of(), "build", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("--file", "--tag", "--push", "--output", "--target", "--build-arg")
        .contains("--platform", "--no-cache", "--progress", "--root", "--debug");
  }

  @Test
  void unknownFlag_exitTwoWithOneErrorLine() {
    Kiln.Run r = Kiln.run(tmp, Map.of(), "build", "--bogus", ".");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errors()).singleElement().asString().contains("--bogus");
  }

  @Test
  void noCommand_isAUsageError() {
    Kiln.Run r = Kiln.run(tmp, Map.of());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errors()).singleElement().asString().contains("kiln build");
  }

  @Test
  void foreignPlatform_namesTheNativeOne() {
    Kiln.Run r =
        Kiln.run(tmp, Map.of(), "build", "--root", tmp.toString(), "--platform", "plan9/mips", ".");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors())
        .singleElement()
        .asString()
        .contains("plan9/mips")
        .contains(Platform.current().toString());
  }

  @Test
  void nativePlatform_isAccepted() throws Exception {
    Files.writeString(tmp.resolve("Dockerfile"), "FROM scratch\n");
    Kiln.Run r =
        Kiln.run(
            tmp,
            Map.of(),
            "build",
            "--root",
            tmp.resolve("root").toString(),
            "--platform",
            Platform.current().toString(),
            ".");
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  @Test
  void badProgressValue_listsTheValues() {
    Kiln.Run r = Kiln.run(tmp, Map.of(), "build", "--progress=fancy", ".");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("plain").contains("rawjson");
  }

  @Test
  void contextNotADirectory_saysSo() {
    Kiln.Run r = Kiln.run(tmp, Map.of(), "build", "missing-dir");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("missing-dir");
  }

  @Test
  void badSourceDateEpoch_namesTheVariable() throws Exception {
    Files.writeString(tmp.resolve("Dockerfile"), "FROM scratch\n");
    Kiln.Run r = Kiln.run(tmp, Map.of("SOURCE_DATE_EPOCH", "yesterday"), "build", ".");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("SOURCE_DATE_EPOCH");
  }

  @Test
  void pushWithoutTag_asksForATag() throws Exception {
    Files.writeString(tmp.resolve("Dockerfile"), "FROM scratch\n");
    Kiln.Run r =
        Kiln.run(tmp, Map.of(), "build", "--root", tmp.resolve("r").toString(), "--push", ".");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("-t");
  }

  @Test
  void badOutput_namesTheOutput() throws Exception {
    Files.writeString(tmp.resolve("Dockerfile"), "FROM scratch\n");
    Kiln.Run r =
        Kiln.run(
            tmp, Map.of(), "build", "--root", tmp.resolve("r").toString(), "-o", "type=tape", ".");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("--output").contains("tape");
  }

  @Test
  void defaultRoot_followsXdgDataHome() throws Exception {
    Files.writeString(tmp.resolve("Dockerfile"), "FROM scratch\n");
    Kiln.Run r =
        Kiln.run(tmp, Map.of("XDG_DATA_HOME", tmp.resolve("xdg").toString()), "build", ".");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("xdg/kiln/cache")).isDirectory();
  }

  @Test
  void buildArgWithoutValue_takesItFromTheEnvironment() throws Exception {
    Files.writeString(
        tmp.resolve("Dockerfile"), "FROM scratch\nARG WHO\nCOPY <<EOF /who.txt\n${WHO}\nEOF\n");
    Kiln.Run r =
        Kiln.run(
            tmp,
            Map.of("WHO", "env-value"),
            "build",
            "--root",
            tmp.resolve("r").toString(),
            "--build-arg",
            "WHO",
            "-o",
            tmp.resolve("out").toString(),
            ".");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(tmp.resolve("out/who.txt")).hasContent("env-value");
  }

  @Test
  void copyHeredoc_mode0644_and0664UnderBuildkitV011Keys() throws Exception {
    Files.writeString(tmp.resolve("Dockerfile"), "FROM scratch\nCOPY <<EOF /doc.txt\nhi\nEOF\n");
    for (String keys : List.of("buildkit-v0.32", "kiln", "buildkit-v0.11")) {
      Path out = tmp.resolve("out-" + keys);
      Kiln.Run r =
          Kiln.run(
              tmp,
              Map.of(),
              "build",
              "--root",
              tmp.resolve("r").toString(),
              "--cache-keys",
              keys,
              "-o",
              out.toString(),
              ".");
      assertThat(r.exitCode()).as(r.err()).isZero();
      // v0.11's frontend made the document 0664; kiln builds what the keys' BuildKit builds
      String mode = keys.equals("buildkit-v0.11") ? "rw-rw-r--" : "rw-r--r--";
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("doc.txt"))))
          .as(keys)
          .isEqualTo(mode);
    }
  }

  @Test
  void badNetwork_listsTheModes() {
    Kiln.Run r = Kiln.run(tmp, Map.of(), "build", "--network=bridge", ".");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errors()).singleElement().asString().contains("default, none, host");
  }
}
