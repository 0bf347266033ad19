package dev.kiln.solver.layer;

import static dev.kiln.solver.layer.TestArchives.dir;
import static dev.kiln.solver.layer.TestArchives.file;
import static dev.kiln.solver.layer.TestArchives.hardlink;
import static dev.kiln.solver.layer.TestArchives.symlink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.solver.layer.TestArchives.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Ownership assertions need root: CI runs as root, and these tests fail (not skip) otherwise. */
class ArchiveUnpackerTest {
  @TempDir Path tmp;
  private Path dest;
  private Path outside;
  private final ArchiveUnpacker unpacker =
      new ArchiveUnpacker(new LayerApplier.Options(true, LayerApplier.DEFAULT_MAX_HEADER_BYTES));

  @BeforeEach
  void dirs() throws IOException {
    dest = Files.createDirectories(tmp.resolve("dest"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("passwd"), "original");
  }

  private static int attr(Path p, String name) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void unpack_eachCompression_extractsTreeKeepingModesMtimesAndOwners(Kind kind) throws Exception {
    Path archive =
        TestArchives.write(
            tmp.resolve("in/app.bin"),
            kind,
            dir("bin/", 0750).owned(10, 20),
            file("bin/tool", "#!/bin/sh\n", 04755).owned(1000, 2000),
            hardlink("bin/tool-again", "bin/tool"),
            symlink("current", "bin/tool"),
            file("etc/conf", "a=1\n", 0600));

    assertThat(ArchiveUnpacker.isArchive(archive)).isTrue();
    int entries = unpacker.unpack(archive, "app.bin", dest, -1, -1);

    assertThat(entries).isEqualTo(5);
    Path tool = dest.resolve("bin/tool");
    assertThat(Files.readString(tool)).isEqualTo("#!/bin/sh\n");
    assertThat(attr(tool, "mode") & 07777).isEqualTo(04755);
    assertThat(attr(tool, "uid")).isEqualTo(1000);
    assertThat(attr(tool, "gid")).isEqualTo(2000);
    assertThat(Files.getLastModifiedTime(tool)).isEqualTo(TestArchives.MTIME);
    assertThat(attr(dest.resolve("bin"), "mode") & 07777).isEqualTo(0750);
    assertThat(attr(dest.resolve("bin"), "uid")).isEqualTo(10);
    assertThat(Files.getLastModifiedTime(dest.resolve("bin"))).isEqualTo(TestArchives.MTIME);
    assertThat(Files.isSameFile(tool, dest.resolve("bin/tool-again"))).isTrue();
    assertThat(Files.readSymbolicLink(dest.resolve("current"))).isEqualTo(Path.of("bin/tool"));
    assertThat(attr(dest.resolve("etc/conf"), "mode") & 07777).isEqualTo(0600);
  }

  @Test
  void isArchive_contentNotATar_false() throws Exception {
    Path named = Files.writeString(tmp.resolve("foo.tar"), "just text, named like a tar\n");
    Path empty = Files.createFile(tmp.resolve("empty.tar"));
    Path zeros = Files.write(tmp.resolve("zeros.tar"), new byte[1024]);
    Path bzLike = Files.writeString(tmp.resolve("notes.txt"), "BZh is how this text starts");
    Path gzText = tmp.resolve("text.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzText))) {
      out.write("hello, not a tar".repeat(100).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    Path real = TestArchives.write(tmp.resolve("real.tar"), Kind.TAR, file("a", "a", 0644));
    Path link = Files.createSymbolicLink(tmp.resolve("link.tar"), real);

    assertThat(ArchiveUnpacker.isArchive(named)).isFalse();
    assertThat(ArchiveUnpacker.isArchive(empty)).isFalse();
    assertThat(ArchiveUnpacker.isArchive(zeros)).isFalse();
    assertThat(ArchiveUnpacker.isArchive(bzLike)).isFalse();
    assertThat(ArchiveUnpacker.isArchive(gzText)).isFalse();
    assertThat(ArchiveUnpacker.isArchive(tmp)).isFalse();
    assertThat(ArchiveUnpacker.isArchive(link)).isFalse();
    assertThat(ArchiveUnpacker.isArchive(tmp.resolve("missing.tar"))).isFalse();
    assertThat(ArchiveUnpacker.isArchive(real)).isTrue();
  }

  @Test
  void unpack_dotDotClimbingOut_rejectedNamingArchiveAndEntry() throws Exception {
    Path evil =
        TestArchives.write(
            tmp.resolve("evil.tar"), Kind.GZIP, file("a/../../outside/passwd", "pwned", 0644));

    assertThatThrownBy(() -> unpacker.unpack(evil, "evil.tar", dest, -1, -1))
        .isInstanceOf(UnsafeLayerException.class)
        .hasMessage(
            "archive evil.tar: entry 'a/../../outside/passwd' escapes the destination directory");
    assertThat(Files.readString(outside.resolve("passwd"))).isEqualTo("original");
  }

  @Test
  void unpack_hardLinkClimbingOut_rejected() throws Exception {
    Path evil =
        TestArchives.write(tmp.resolve("evil.tar"), Kind.TAR, hardlink("h", "../outside/passwd"));

    assertThatThrownBy(() -> unpacker.unpack(evil, "evil.tar", dest, -1, -1))
        .isInstanceOf(UnsafeLayerException.class)
        .hasMessageContaining("archive evil.tar: entry '../outside/passwd' escapes");
  }

  @Test
  void unpack_pathThroughSymlinkPointingOut_rejected() throws Exception {
    Path evil =
        TestArchives.write(
            tmp.resolve("evil.tar"),
            Kind.TAR,
            symlink("esc", "../outside"),
            file("esc/passwd", "pwned", 0644));

    assertThatThrownBy(() -> unpacker.unpack(evil, "evil.tar", dest, -1, -1))
        .isInstanceOf(UnsafeLayerException.class)
        .hasMessage(
            "archive evil.tar: entry 'esc/passwd' goes through a symlink that points outside the"
                + " destination directory");
    assertThat(Files.readString(outside.resolve("passwd"))).isEqualTo("original");
  }

  @Test
  void unpack_absoluteNamesAndTargets_stayInsideDestinationAsInBuildKit() throws Exception {
    Path archive =
        TestArchives.write(
            tmp.resolve("abs.tar"),
            Kind.TAR,
            file("/etc/passwd", "inside", 0644),
            symlink("root", "/"),
            file("root/via-link", "v", 0644),
            file("a/../b", "lexical", 0644));

    unpacker.unpack(archive, "abs.tar", dest, -1, -1);

    assertThat(Files.readString(dest.resolve("etc/passwd"))).isEqualTo("inside");
    assertThat(Files.readString(dest.resolve("via-link"))).isEqualTo("v");
    assertThat(Files.readString(dest.resolve("b"))).isEqualTo("lexical");
    assertThat(Files.readString(outside.resolve("passwd"))).isEqualTo("original");
  }

  @Test
  void unpack_whiteoutNames_extractedAsOrdinaryFiles() throws Exception {
    Files.writeString(Files.createDirectories(dest.resolve("d")).resolve("keep"), "lower");
    Files.writeString(dest.resolve("gone"), "lower");
    Path archive =
        TestArchives.write(
            tmp.resolve("wh.tar"),
            Kind.TAR,
            file(".wh.gone", "", 0644),
            file("d/.wh..wh..opq", "", 0644));

    unpacker.unpack(archive, "wh.tar", dest, -1, -1);

    assertThat(dest.resolve("gone")).hasContent("lower");
    assertThat(dest.resolve("d/keep")).hasContent("lower");
    assertThat(dest.resolve(".wh.gone")).isRegularFile();
    assertThat(dest.resolve("d/.wh..wh..opq")).isRegularFile();
  }

  @Test
  void unpack_explicitOwner_replacesArchiveOwners() throws Exception {
    Path archive =
        TestArchives.write(
            tmp.resolve("o.tar"),
            Kind.TAR,
            dir("d/", 0755).owned(5, 6),
            file("d/f", "f", 0644).owned(1000, 2000),
            symlink("d/l", "f").owned(7, 8));

    unpacker.unpack(archive, "o.tar", dest, 1234, 2345);

    for (String p : new String[] {"d", "d/f", "d/l"}) {
      assertThat(attr(dest.resolve(p), "uid")).as(p).isEqualTo(1234);
      assertThat(attr(dest.resolve(p), "gid")).as(p).isEqualTo(2345);
    }
  }

  @Test
  void unpack_corruptAfterFirstHeader_failsNamingArchive() throws Exception {
    Path good =
        TestArchives.write(
            tmp.resolve("good.tar"), Kind.TAR, file("a", "x".repeat(4000), 0644), file("b", "", 0));
    byte[] bytes = Files.readAllBytes(good);
    Path cut = Files.write(tmp.resolve("cut.tar"), java.util.Arrays.copyOf(bytes, 2048));

    assertThat(ArchiveUnpacker.isArchive(cut)).isTrue();
    assertThatThrownBy(() -> unpacker.unpack(cut, "cut.tar", dest, -1, -1))
        .isInstanceOf(LayerException.class)
        .hasMessageContaining("archive cut.tar");
  }
}
