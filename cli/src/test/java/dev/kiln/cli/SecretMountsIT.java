package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.oci.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code RUN --mount=type=secret} with {@code --secret}: the RUN reads the value (checked by its
 * hash, never printed), and the value is found nowhere afterwards — not in any file under {@code
 * --root} (blobs decompressed), not in the exported image (layers decompressed), not on standard
 * output or error with plain or rawjson progress, not left in {@code /dev/shm}.
 */
class SecretMountsIT extends RunFixture {

  String fileSecret;
  String envSecret;

  @BeforeEach
  void secrets() throws Exception {
    fileSecret = "kiln-file-secret-" + UUID.randomUUID();
    envSecret = "kiln-env-secret-" + UUID.randomUUID();
    Files.writeString(tmp.resolve("secret.txt"), fileSecret);
  }

  private Kiln.Run build(String dockerfile, String... extra) throws Exception {
    Files.writeString(context.resolve("Dockerfile"), dockerfile);
    List<String> args = new ArrayList<>(List.of("build", "--root", root.toString(), "--build-arg"));
    args.add("BASE=" + base);
    args.addAll(List.of(extra));
    args.add(context.toString());
    return Kiln.run(tmp, Map.of("TOKEN_SOURCE", envSecret), args.toArray(String[]::new));
  }

  static final String DOCKERFILE =
      """
      ARG BASE
      FROM ${BASE}
      RUN --mount=type=secret,id=mysecret sha256sum /run/secrets/mysecret | cut -d' ' -f1 \\
          > /file-hash && stat -c '%a %u %g' /run/secrets/mysecret > /file-stat
      RUN --mount=type=secret,id=mysecret,target=/etc/app.key,uid=1000,gid=50,mode=0440 \\
          stat -c '%a %u %g' /etc/app.key > /target-stat
      RUN --mount=type=secret,id=envtok,env=TOKEN printf %s "$TOKEN" | sha256sum \\
          | cut -d' ' -f1 > /env-hash && { [ -f /run/secrets/envtok ] || echo no-file > /env-file; }
      RUN --mount=type=secret,id=optional-and-missing \\
          cat /run/secrets/optional-and-missing 2>/dev/null || echo absent > /optional
      """;

  @Test
  void secrets_readableByTheStep_foundNowhereAfterwards() throws Exception {
    Path oci = tmp.resolve("image.tar");
    Kiln.Run plain =
        build(
            DOCKERFILE,
            "--progress=plain",
            "--secret",
            "id=mysecret,src=" + tmp.resolve("secret.txt"),
            "--secret",
            "id=envtok,env=TOKEN_SOURCE",
            "-o",
            "type=oci,dest=" + oci);
    assertThat(plain.exitCode()).as(plain.err()).isZero();
    Kiln.Run rawjson =
        build(
            DOCKERFILE,
            "--progress=rawjson",
            "--no-cache",
            "--secret",
            "id=mysecret,src=" + tmp.resolve("secret.txt"),
            "--secret",
            "id=envtok,env=TOKEN_SOURCE",
            "-o",
            "type=local,dest=" + tmp.resolve("fs"));
    assertThat(rawjson.exitCode()).as(rawjson.err()).isZero();

    ImageTree image = ImageTree.ofOciTar(oci);
    assertThat(image.text("file-hash")).isEqualTo(Digests.sha256(fileSecret).hex() + "\n");
    assertThat(image.text("file-stat")).isEqualTo("400 0 0\n");
    assertThat(image.text("target-stat")).isEqualTo("440 1000 50\n");
    assertThat(image.text("env-hash")).isEqualTo(Digests.sha256(envSecret).hex() + "\n");
    assertThat(image.text("env-file")).isEqualTo("no-file\n");
    assertThat(image.text("optional")).isEqualTo("absent\n");
    assertThat(image.entries()).doesNotContainKeys("run", "run/secrets", "etc/app.key");

    for (String secret : List.of(fileSecret, envSecret)) {
      byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
      assertThat(plain.out() + plain.err()).doesNotContain(secret);
      assertThat(rawjson.out() + rawjson.err()).doesNotContain(secret);
      assertThat(filesContaining(root, needle)).as("files under --root").isEmpty();
      assertThat(filesContaining(tmp.resolve("fs"), needle)).as("local output").isEmpty();
      assertThat(contains(Files.readAllBytes(oci), needle))
          .as("OCI tar, layers unpacked")
          .isFalse();
    }
    try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
      assertThat(shm.map(p -> p.getFileName().toString()))
          .as("nothing left in /dev/shm")
          .noneMatch(n -> n.startsWith("kiln-"));
    }
  }

  @Test
  void requiredSecretMissing_failsNamingIt() throws Exception {
    Kiln.Run r =
        build(
            "ARG BASE\nFROM ${BASE}\nRUN --mount=type=secret,required,id=mysecret true\n",
            "--progress=plain");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(String.join("\n", r.errors()))
        .contains("secret mysecret: not found (pass --secret id=mysecret,src=FILE");
  }

  /** The regular files under {@code dir} whose bytes (gunzipped when gzip) hold {@code needle}. */
  private static List<Path> filesContaining(Path dir, byte[] needle) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (contains(Files.readAllBytes(f), needle)) {
          out.add(f);
        }
      }
    }
    return out;
  }

  /** Whether {@code data} holds {@code needle}, looking inside gzip streams and tar entries. */
  private static boolean contains(byte[] data, byte[] needle) throws IOException {
    if (indexOf(data, needle) >= 0) {
      return true;
    }
    if (data.length > 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
        return contains(in.readAllBytes(), needle);
      } catch (IOException e) {
        return false;
      }
    }
    if (data.length >= 512 && new String(data, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
      try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(data))) {
        TarArchiveEntry e;
        while ((e = t.getNextEntry()) != null) {
          if (e.isFile() && contains(t.readAllBytes(), needle)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] data, byte[] needle) {
    outer:
    for (int i = 0; i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
