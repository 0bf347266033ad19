package dev.kiln.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.pattern.ContextFilter;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathFilter;
import dev.kiln.core.port.PathSelector;
import dev.kiln.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryChecksummerTest {

  private final DirectoryChecksummer checksummer = new DirectoryChecksummer();

  @TempDir Path a;
  @TempDir Path b;

  @BeforeEach
  void populate() throws IOException {
    for (Path root : List.of(a, b)) {
      write(root.resolve("app/main.txt"), "hello");
      write(root.resolve("app/lib/util.txt"), "util");
      write(root.resolve("README.md"), "readme");
      Files.createSymbolicLink(root.resolve("app/link"), Path.of("main.txt"));
    }
  }

  private static void write(Path p, String s) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, s, StandardCharsets.UTF_8);
  }

  private Digest sum(Path root) throws IOException {
    return checksummer.checksum(root, ContentSelection.all(), PathFilter.ALL);
  }

  private Digest sum(Path root, String path) throws IOException {
    return checksummer.checksum(
        root, new ContentSelection(List.of(new PathSelector(path, true, true))), PathFilter.ALL);
  }

  @Test
  void checksum_sameContentDifferentMtimes_equal() throws IOException {
    Files.setLastModifiedTime(b.resolve("app/main.txt"), FileTime.fromMillis(0));
    Files.setLastModifiedTime(b.resolve("app"), FileTime.fromMillis(12345));

    assertThat(sum(b)).isEqualTo(sum(a));
  }

  @Test
  void checksum_contentChanged_differs() throws IOException {
    write(b.resolve("app/lib/util.txt"), "util2");

    assertThat(sum(b)).isNotEqualTo(sum(a));
    assertThat(sum(b, "/app/main.txt")).isEqualTo(sum(a, "/app/main.txt"));
  }

  @Test
  void checksum_modeChanged_differs() throws IOException {
    Files.setPosixFilePermissions(
        b.resolve("README.md"), PosixFilePermissions.fromString("rwx------"));

    assertThat(sum(b)).isNotEqualTo(sum(a));
  }

  @Test
  void checksum_renamed_differs() throws IOException {
    Files.move(b.resolve("README.md"), b.resolve("README.txt"));

    assertThat(sum(b)).isNotEqualTo(sum(a));
  }

  @Test
  void checksum_emptyDirectoryAdded_differs() throws IOException {
    Files.createDirectory(b.resolve("empty"));

    assertThat(sum(b)).isNotEqualTo(sum(a));
  }

  @Test
  void checksum_excludedFilesChanged_ignored() throws Exception {
    write(b.resolve("README.md"), "changed");
    write(b.resolve("app/lib/extra.md"), "new");
    PathFilter noMarkdown = ContextFilter.of(List.of(), List.of("**/*.md"));

    Digest da = checksummer.checksum(a, ContentSelection.all(), noMarkdown);
    Digest db = checksummer.checksum(b, ContentSelection.all(), noMarkdown);

    assertThat(db).isEqualTo(da);
    assertThat(sum(b)).isNotEqualTo(sum(a));
  }

  @Test
  void checksum_includePatterns_onlyMatchingFilesCount() throws Exception {
    write(b.resolve("README.md"), "changed");
    PathFilter onlyApp = ContextFilter.of(List.of("app"), List.of());

    assertThat(checksummer.checksum(b, ContentSelection.all(), onlyApp))
        .isEqualTo(checksummer.checksum(a, ContentSelection.all(), onlyApp));
  }

  @Test
  void checksum_reincludedFile_countsWithItsExcludedParentsOnly() throws Exception {
    PathFilter onlyLib = ContextFilter.of(List.of(), List.of("*", "!app/lib"));
    Digest before = checksummer.checksum(a, ContentSelection.all(), onlyLib);

    write(b.resolve("app/main.txt"), "excluded, changed");
    write(b.resolve("app/other/new.txt"), "excluded, new");
    Files.createDirectories(b.resolve("empty-excluded"));
    assertThat(checksummer.checksum(b, ContentSelection.all(), onlyLib)).isEqualTo(before);

    write(b.resolve("app/lib/util.txt"), "re-included, changed");
    assertThat(checksummer.checksum(b, ContentSelection.all(), onlyLib)).isNotEqualTo(before);
  }

  @Test
  void checksum_excludedParentModeChanged_differsWhenSomethingBelowIsIncluded() throws Exception {
    PathFilter onlyLib = ContextFilter.of(List.of(), List.of("*", "!app/lib"));
    PathFilter noApp = ContextFilter.of(List.of(), List.of("app"));
    Files.setAttribute(b.resolve("app"), "unix:mode", 0700);
    Files.setAttribute(a.resolve("app"), "unix:mode", 0755);

    assertThat(checksummer.checksum(b, ContentSelection.all(), onlyLib))
        .isNotEqualTo(checksummer.checksum(a, ContentSelection.all(), onlyLib));
    assertThat(checksummer.checksum(b, ContentSelection.all(), noApp))
        .isEqualTo(checksummer.checksum(a, ContentSelection.all(), noApp));
  }

  @Test
  void checksum_everythingExcluded_differsFromNothingExcluded() throws Exception {
    PathFilter none = ContextFilter.of(List.of(), List.of("*"));

    assertThat(checksummer.checksum(a, ContentSelection.all(), none)).isNotEqualTo(sum(a));
    write(b.resolve("app/new.txt"), "x");
    assertThat(checksummer.checksum(b, ContentSelection.all(), none))
        .isEqualTo(checksummer.checksum(a, ContentSelection.all(), none));
  }

  @Test
  void checksum_wildcardSelector_matchesAsCopyDoes() throws IOException {
    // Go's filepath.Match: "[!a]" is the class {'!', 'a'} (java.nio's glob would negate it)
    for (Path root : List.of(a, b)) {
      write(root.resolve("w/a.txt"), "a");
      write(root.resolve("w/b.txt"), "b");
    }
    write(b.resolve("w/b.txt"), "b changed");

    assertThat(sum(b, "/w/[!a].txt")).isEqualTo(sum(a, "/w/[!a].txt"));
    write(b.resolve("w/a.txt"), "a changed");
    assertThat(sum(b, "/w/[!a].txt")).isNotEqualTo(sum(a, "/w/[!a].txt"));
  }

  /**
   * Digests of a fixed tree, computed by the implementation before {@code .dockerignore} patterns
   * were supported: without patterns every content key of an existing cache must stay the same.
   */
  @Test
  void checksum_fixedTreeWithoutFilter_sameDigestsAsBefore() throws Exception {
    Path root = Files.createTempDirectory(a, "golden");
    golden(root, "a.txt", "alpha\n", 0644);
    golden(root, "bin/run", "#!/bin/sh\n", 0755);
    golden(root, "dir/sub/deep.txt", "deep", 0600);
    golden(root, "\u00e9.txt", "utf8", 0644);
    Files.createDirectories(root.resolve("empty"));
    Files.createSymbolicLink(root.resolve("link"), Path.of("a.txt"));
    Files.setAttribute(root.resolve("empty"), "unix:mode", 0750);
    Files.setAttribute(root.resolve("dir/sub"), "unix:mode", 0711);
    Files.setAttribute(root.resolve("dir"), "unix:mode", 0755);
    Files.setAttribute(root.resolve("bin"), "unix:mode", 0755);
    Files.setAttribute(root, "unix:mode", 0755);

    assertThat(sum(root).toString())
        .isEqualTo("sha256:324734c78ff58520b70c793a23b1c0df1f8e921f7ded69012b3476daff5e34c5");
    assertThat(sum(root, "/dir").toString())
        .isEqualTo("sha256:018bd3da39592b52965ad116bc6093decc2dee989898b1d0a56f3dfe00f4c360");
    assertThat(sum(root, "/*.txt").toString())
        .isEqualTo("sha256:5c11d2aa104fe2c87112e54cb37b53e536eb53c5b6e7f2bc26dcb5e5987422ef");
    assertThat(
            checksummer.checksum(
                root, ContentSelection.all(), ContextFilter.of(List.of(), List.of())))
        .isEqualTo(sum(root));
  }

  private static void golden(Path root, String rel, String content, int mode) throws IOException {
    write(root.resolve(rel), content);
    Files.setAttribute(root.resolve(rel), "unix:mode", mode);
  }

  @Test
  void checksum_symlink_hashedByTargetTextNotTargetContent() throws IOException {
    write(b.resolve("app/main.txt"), "changed");
    ContentSelection link =
        new ContentSelection(List.of(new PathSelector("/app/link", false, false)));

    assertThat(checksummer.checksum(b, link, PathFilter.ALL))
        .isEqualTo(checksummer.checksum(a, link, PathFilter.ALL));

    Files.delete(b.resolve("app/link"));
    Files.createSymbolicLink(b.resolve("app/link"), Path.of("lib/util.txt"));
    assertThat(checksummer.checksum(b, link, PathFilter.ALL))
        .isNotEqualTo(checksummer.checksum(a, link, PathFilter.ALL));
  }

  @Test
  void checksum_followSymlinks_hashesTarget() throws IOException {
    ContentSelection followed =
        new ContentSelection(List.of(new PathSelector("/app/link", true, false)));

    assertThat(checksummer.checksum(a, followed, PathFilter.ALL))
        .isEqualTo(sum(a, "/app/main.txt"));
  }

  @Test
  void checksum_absoluteSymlink_resolvedInsideRoot() throws IOException {
    Files.createSymbolicLink(a.resolve("escape"), Path.of("/app/main.txt"));
    Files.createSymbolicLink(a.resolve("up"), Path.of("../../../../app/main.txt"));

    assertThat(sum(a, "/escape")).isEqualTo(sum(a, "/app/main.txt"));
    assertThat(sum(a, "/up")).isEqualTo(sum(a, "/app/main.txt"));
  }

  @Test
  void checksum_symlinkLoop_failsWithMessage() throws IOException {
    Files.createSymbolicLink(a.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(a.resolve("loop2"), Path.of("loop1"));

    assertThatThrownBy(() -> sum(a, "/loop1"))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("symbolic links");
  }

  @Test
  void checksum_wildcard_matchesSelectedEntries() throws IOException {
    write(b.resolve("app/other.bin"), "binary");

    assertThat(sum(b, "/app/*.txt")).isEqualTo(sum(a, "/app/*.txt"));
    assertThat(sum(b, "/app/*")).isNotEqualTo(sum(a, "/app/*"));
    assertThat(sum(a, "/app/*.nothing")).isNotEqualTo(sum(a, "/app/*.txt"));
  }

  @Test
  void checksum_missingPath_noSuchFile() {
    assertThatThrownBy(
            () ->
                checksummer.checksum(
                    a,
                    new ContentSelection(List.of(new PathSelector("/nope", true, false))),
                    PathFilter.ALL))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("/nope");
  }

  @Test
  void checksum_selectionOrder_irrelevant() throws IOException {
    PathSelector x = new PathSelector("/README.md", true, false);
    PathSelector y = new PathSelector("/app", true, false);

    assertThat(checksummer.checksum(a, new ContentSelection(List.of(x, y)), PathFilter.ALL))
        .isEqualTo(checksummer.checksum(a, new ContentSelection(List.of(y, x, y)), PathFilter.ALL));
  }

  @Test
  void checksum_largeFile_streamedAndContentSensitive() throws IOException {
    byte[] chunk = new byte[1 << 20];
    try (var out = Files.newOutputStream(a.resolve("big"))) {
      for (int i = 0; i < 8; i++) {
        out.write(chunk);
      }
    }
    try (var out = Files.newOutputStream(b.resolve("big"))) {
      for (int i = 0; i < 8; i++) {
        chunk[chunk.length - 1] = (byte) (i == 7 ? 1 : 0);
        out.write(chunk);
      }
    }

    assertThat(sum(b, "/big")).isNotEqualTo(sum(a, "/big"));
  }
}
