package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.pattern.ContextFilter;
import dev.kiln.core.port.PathFilter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryWalkerTest {
  @TempDir Path root;

  @Test
  void emit_tree_depthFirstWithNamesInUtf8ByteOrder() throws Exception {
    for (String f : List.of("a/b", "a-c", "B", "é", "a/a", "z")) {
      Trees.file(root, f, f, 0644);
    }

    List<String> paths = DirectoryWalker.of(root).toList().stream().map(LayerEntry::path).toList();

    assertThat(paths).containsExactly("B", "a", "a/a", "a/b", "a-c", "z", "é");
  }

  @Test
  void emit_specialFiles_readsModesOwnersLinksDevicesAndXattrs() throws Exception {
    Trees.file(root, "suid", "x", 06755);
    Files.setAttribute(root.resolve("suid"), "unix:uid", 1234);
    Files.setAttribute(root.resolve("suid"), "unix:gid", 99);
    Files.setAttribute(root.resolve("suid"), "unix:mode", 06755); // chown cleared setuid
    Trees.xattr(root.resolve("suid"), "mime", "text/plain");
    Trees.dir(root, "sticky", 01777);
    Files.createSymbolicLink(root.resolve("ln"), Path.of("../nowhere"));
    Files.createLink(root.resolve("suid2"), root.resolve("suid"));
    Trees.run("mknod", root.resolve("blk").toString(), "b", "259", "70000");
    Trees.run("mkfifo", root.resolve("fifo").toString());

    Map<String, LayerEntry> byPath =
        DirectoryWalker.of(root).toList().stream()
            .collect(Collectors.toMap(LayerEntry::path, e -> e));

    LayerEntry suid = byPath.get("suid");
    assertThat(suid.type()).isEqualTo(EntryType.FILE);
    assertThat(suid.mode()).isEqualTo(06755);
    assertThat(suid.uid()).isEqualTo(1234);
    assertThat(suid.gid()).isEqualTo(99);
    assertThat(suid.size()).isEqualTo(1);
    assertThat(suid.uname()).isEmpty();
    assertThat(new String(suid.xattrs().get("user.mime"), StandardCharsets.UTF_8))
        .isEqualTo("text/plain");
    assertThat(suid.fileId()).isNotNull().isEqualTo(byPath.get("suid2").fileId());
    assertThat(byPath.get("sticky").mode()).isEqualTo(01777);
    assertThat(byPath.get("ln").type()).isEqualTo(EntryType.SYMLINK);
    assertThat(byPath.get("ln").linkTarget()).isEqualTo("../nowhere");
    assertThat(byPath.get("blk").type()).isEqualTo(EntryType.BLOCK_DEVICE);
    assertThat(byPath.get("blk").devMajor()).isEqualTo(259);
    assertThat(byPath.get("blk").devMinor()).isEqualTo(70000);
    assertThat(byPath.get("fifo").type()).isEqualTo(EntryType.FIFO);
    try (var in = suid.content().open()) {
      assertThat(in.readAllBytes()).containsExactly('x');
    }
  }

  @Test
  void emit_socket_skippedOrWithSocketsAsEmptyFilesAnEmptyFileWithItsMode() throws Exception {
    Trees.file(root, "a", "", 0644);
    Trees.socket(root, "sock", 0750);

    List<LayerEntry> entries = DirectoryWalker.of(root).socketsAsEmptyFiles().toList();

    assertThat(entries).extracting(LayerEntry::path).containsExactly("a", "sock");
    LayerEntry sock = entries.get(1);
    assertThat(sock.type()).isEqualTo(EntryType.FILE);
    assertThat(sock.size()).isZero();
    assertThat(sock.mode()).isEqualTo(0750);
    try (var in = sock.content().open()) {
      assertThat(in.readAllBytes()).isEmpty();
    }
    assertThat(DirectoryWalker.of(root).toList()).extracting(LayerEntry::path).containsExactly("a");
  }

  @Test
  void filter_excludedDirectory_subtreeSkipped() throws Exception {
    Trees.file(root, "keep/a", "", 0644);
    Trees.file(root, "node_modules/x/y", "", 0644);
    Trees.file(root, "keep/node_modules", "", 0644);

    assertThat(paths(ContextFilter.of(List.of(), List.of("node_modules"))))
        .containsExactly("keep", "keep/a", "keep/node_modules");
  }

  @Test
  void filter_reincludedBelowExcludedDirectories_parentsEmittedBeforeItWithTheirModes()
      throws Exception {
    Trees.file(root, "a/b/keep.txt", "k", 0644);
    Trees.file(root, "a/b/drop.txt", "d", 0644);
    Trees.file(root, "a/other/x", "", 0644);
    Trees.dir(root, "a/empty", 0755);
    Trees.file(root, "top", "", 0644);
    Files.setAttribute(root.resolve("a"), "unix:mode", 0710);

    List<LayerEntry> entries =
        DirectoryWalker.of(root)
            .filter(ContextFilter.of(List.of(), List.of("*", "!a/b/keep.txt")))
            .toList();

    assertThat(entries).extracting(LayerEntry::path).containsExactly("a", "a/b", "a/b/keep.txt");
    assertThat(entries.get(0).mode()).isEqualTo(0710);
    assertThat(entries.get(0).type()).isEqualTo(EntryType.DIRECTORY);
  }

  private List<String> paths(PathFilter filter) throws Exception {
    return DirectoryWalker.of(root).filter(filter).toList().stream().map(LayerEntry::path).toList();
  }

  @Test
  void emit_writtenTwice_identicalDigestsDespiteTreeMtimesBeyondClamp() throws Exception {
    Trees.file(root, "f", "content", 0644);
    LayerWriter w =
        new LayerWriter(
            LayerWriter.Options.defaults().withSourceDateEpoch(Trees.T0.minusSeconds(10)));
    LayerBlob a =
        w.write(DirectoryWalker.of(root), root.resolveSibling(root.getFileName() + "-out"));
    Files.setLastModifiedTime(
        root.resolve("f"), java.nio.file.attribute.FileTime.from(Trees.T0.plusSeconds(99)));
    LayerBlob b =
        w.write(DirectoryWalker.of(root), root.resolveSibling(root.getFileName() + "-out"));

    assertThat(b.digest()).isEqualTo(a.digest());
  }
}
