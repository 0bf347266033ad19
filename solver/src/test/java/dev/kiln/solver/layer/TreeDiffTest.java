package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeDiffTest {
  @TempDir Path tmp;

  @Test
  void emit_lowerAndUpper_expectedEntriesAndApplyGivesUpper() throws Exception {
    Path lower = Files.createDirectory(tmp.resolve("lower"));
    Path upper = Files.createDirectory(tmp.resolve("upper"));
    for (Path t : List.of(lower, upper)) {
      Trees.file(t, "same/unchanged", "same", 0644);
      Trees.file(t, "etc/hosts", "aaaa", 0644);
      Trees.file(t, "etc/chmod", "x", 0644);
      Trees.file(t, "deleted-file", "bye", 0644);
      Trees.file(t, "deleted-dir/a/b", "bye", 0644);
      Trees.file(t, "dir-to-file/x", "x", 0644);
      Trees.file(t, "file-to-dir", "x", 0644);
    }
    // Same size, same whole-second mtime, different bytes: only content comparison sees it.
    Trees.file(upper, "etc/hosts", "bbbb", 0644);
    Files.setAttribute(upper.resolve("etc/chmod"), "unix:mode", 0600);
    Files.delete(upper.resolve("deleted-file"));
    EntryExtractor.deleteTree(upper.resolve("deleted-dir"));
    EntryExtractor.deleteTree(upper.resolve("dir-to-file"));
    Trees.file(upper, "dir-to-file", "now a file", 0644);
    Files.delete(upper.resolve("file-to-dir"));
    Trees.file(upper, "file-to-dir/inner", "in", 0644);
    Trees.file(upper, "new/file", "new", 0644);
    Trees.settleDirTimes(lower);
    Trees.settleDirTimes(upper);
    Files.setLastModifiedTime(upper.resolve("same"), FileTime.from(Trees.T0));

    List<String> paths = TreeDiff.of(lower, upper).toList().stream().map(LayerEntry::path).toList();

    assertThat(paths)
        .containsExactly(
            ".wh.deleted-dir",
            ".wh.deleted-file",
            "dir-to-file",
            "etc",
            "etc/chmod",
            "etc/hosts",
            "file-to-dir",
            "file-to-dir/inner",
            "new",
            "new/file");

    Path snapshot = Files.createDirectory(tmp.resolve("snap"));
    copy(lower, snapshot);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    new LayerWriter(LayerWriter.Options.defaults()).writeTar(TreeDiff.of(lower, upper), tar);
    new LayerApplier(LayerApplier.Options.detect())
        .apply("diff", new ByteArrayInputStream(tar.toByteArray()), snapshot, null);
    Trees.settleDirTimes(snapshot);
    Trees.settleDirTimes(upper);
    assertThat(Trees.describe(snapshot)).isEqualTo(Trees.describe(upper));
  }

  @Test
  void changedOnlyIn_touchedPaths_sameEntriesAsTheWholeDiffWithoutReadingTheRest()
      throws Exception {
    Path lower = Files.createDirectory(tmp.resolve("lower"));
    Path upper = Files.createDirectory(tmp.resolve("upper"));
    for (Path t : List.of(lower, upper)) {
      Trees.file(t, "same/unchanged", "same", 0644);
      Trees.file(t, "etc/hosts", "aaaa", 0644);
      Trees.file(t, "etc/keep", "k", 0644);
      Trees.file(t, "gone/x", "x", 0644);
      Trees.file(t, "replaced/old", "old", 0644);
    }
    Trees.file(upper, "etc/hosts", "bbbb", 0644);
    EntryExtractor.deleteTree(upper.resolve("gone"));
    // A directory removed and made again: overlayfs marks it opaque, its old child is gone.
    EntryExtractor.deleteTree(upper.resolve("replaced"));
    Trees.file(upper, "replaced/new", "new", 0644);
    Trees.file(upper, "added/deep/file", "new", 0644);
    Trees.settleDirTimes(lower);
    Trees.settleDirTimes(upper);
    // What an overlay upper directory would hold: the touched paths only (and the whiteout).
    Path touched = Files.createDirectory(tmp.resolve("touched"));
    Trees.file(touched, "etc/hosts", "bbbb", 0644);
    Trees.file(touched, "gone", "", 0);
    Trees.file(touched, "replaced/new", "new", 0644);
    Trees.file(touched, "added/deep/file", "new", 0644);

    List<String> whole = describe(TreeDiff.of(lower, upper));
    List<String> hinted = describe(TreeDiff.of(lower, upper).changedOnlyIn(touched));

    assertThat(hinted).isEqualTo(whole);
    assertThat(TreeDiff.of(lower, upper).toList().stream().map(LayerEntry::path))
        .containsExactly(
            "added",
            "added/deep",
            "added/deep/file",
            "etc",
            "etc/hosts",
            ".wh.gone",
            "replaced",
            "replaced/new",
            "replaced/.wh.old");
    // A change outside the touched paths is not looked at: the upper directory is the contract.
    Trees.file(upper, "same/unchanged", "SAME", 0644);
    assertThat(describe(TreeDiff.of(lower, upper).changedOnlyIn(touched))).isEqualTo(whole);
  }

  private static List<String> describe(EntrySource source) throws Exception {
    return source.toList().stream()
        .map(e -> e.path() + " " + e.type() + " " + e.mode() + " " + e.mtime() + " " + e.size())
        .toList();
  }

  @Test
  void emit_identicalTrees_noEntries() throws Exception {
    Path lower = Files.createDirectory(tmp.resolve("l"));
    Path upper = Files.createDirectory(tmp.resolve("u"));
    for (Path t : List.of(lower, upper)) {
      Trees.file(t, "a/b/c", "same", 0644);
      Files.createSymbolicLink(t.resolve("a/link"), Path.of("b"));
      Trees.settleDirTimes(t);
    }

    assertThat(TreeDiff.of(lower, upper).toList()).isEmpty();
  }

  @Test
  void emit_changeDeepInside_parentsEmittedOnceBeforeIt() throws Exception {
    Path lower = Files.createDirectory(tmp.resolve("l"));
    Path upper = Files.createDirectory(tmp.resolve("u"));
    for (Path t : List.of(lower, upper)) {
      Trees.file(t, "a/b/c", "same", 0644);
      Trees.file(t, "a/b/d", "same", 0644);
      Trees.settleDirTimes(t);
    }
    Trees.file(upper, "a/b/c", "diff", 0644);
    Trees.file(upper, "a/b/d", "diff", 0644);
    Trees.settleDirTimes(upper);

    List<String> paths = TreeDiff.of(lower, upper).toList().stream().map(LayerEntry::path).toList();

    assertThat(paths).containsExactly("a", "a/b", "a/b/c", "a/b/d");
  }

  private static void copy(Path from, Path to) throws Exception {
    Trees.run("cp", "-a", from + "/.", to.toString());
  }
}
