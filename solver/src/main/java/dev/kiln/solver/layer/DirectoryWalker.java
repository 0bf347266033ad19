package dev.kiln.solver.layer;

import dev.kiln.core.port.PathFilter;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An {@link EntrySource} over a directory tree: depth first, the names of each directory sorted by
 * their UTF-8 bytes (parents before children, the order Go's {@code filepath.Walk} and so
 * containerd use). Metadata is read with {@code lstat} ({@code unix:} attributes, never following
 * symlinks); files are opened only when the writer streams them; sockets are skipped (or sent as
 * empty files, {@link #socketsAsEmptyFiles}). The root itself is not an entry. Owner and group
 * names are left empty so the layer does not depend on the host's user database. Immutable; each
 * {@link #emit} walks again.
 */
public final class DirectoryWalker implements EntrySource {
  private final Path root;
  private final PathFilter filter;
  private final boolean socketsAsFiles;

  private DirectoryWalker(Path root, PathFilter filter, boolean socketsAsFiles) {
    this.root = Objects.requireNonNull(root, "root");
    this.filter = Objects.requireNonNull(filter, "filter");
    this.socketsAsFiles = socketsAsFiles;
  }

  /** A walker over the whole tree below {@code root}. */
  public static DirectoryWalker of(Path root) {
    return new DirectoryWalker(root, PathFilter.ALL, false);
  }

  /**
   * The same walker emitting each socket as an empty regular file with the socket's permissions, as
   * BuildKit's context transfer (fsutil) sends it, instead of skipping it.
   */
  public DirectoryWalker socketsAsEmptyFiles() {
    return new DirectoryWalker(root, filter, true);
  }

  /**
   * The same walker keeping only what {@code filter} lets take part (replacing any earlier filter):
   * a directory the filter leaves out but descends is emitted just before the first entry below it
   * that is emitted, and not at all when there is none; a pruned directory is not read.
   */
  public DirectoryWalker filter(PathFilter filter) {
    return new DirectoryWalker(root, filter, socketsAsFiles);
  }

  @Override
  public void emit(EntrySink sink) throws IOException {
    Stat top = Stat.of(root);
    if (top == null || top.type() != EntryType.DIRECTORY) {
      throw new IOException("not a directory: " + root);
    }
    walk(root, "", filter, socketsAsFiles, true, new ArrayDeque<>(), sink);
  }

  /**
   * Walks {@code dir} ({@code included}: whether it takes part by itself). {@code pending} holds
   * the directories above that were left out but descended and not emitted yet (outermost first);
   * they are emitted before the first entry that is.
   */
  private static void walk(
      Path dir,
      String prefix,
      PathFilter filter,
      boolean socketsAsFiles,
      boolean included,
      Deque<LayerEntry> pending,
      EntrySink sink)
      throws IOException {
    List<String> names;
    try {
      names = sortedNames(dir);
    } catch (AccessDeniedException e) {
      if (included) {
        throw e;
      }
      // An unreadable directory that was left out is skipped, as BuildKit's walker does.
      return;
    }
    for (String name : names) {
      String rel = prefix + name;
      Path p = dir.resolve(name);
      Stat st = Stat.of(p, socketsAsFiles);
      if (st == null) {
        continue;
      }
      boolean isDir = st.type() == EntryType.DIRECTORY;
      PathFilter.Match m = filter.match(rel, isDir);
      if (isDir && m.below() == null) {
        continue;
      }
      if (!m.included()) {
        if (isDir) {
          LayerEntry e = st.toEntry(rel, p);
          pending.addLast(e);
          walk(p, rel + "/", m.below(), socketsAsFiles, false, pending, sink);
          if (!pending.isEmpty() && pending.peekLast() == e) {
            pending.removeLast();
          }
        }
        continue;
      }
      while (!pending.isEmpty()) {
        sink.accept(pending.removeFirst());
      }
      sink.accept(st.toEntry(rel, p));
      if (isDir) {
        walk(p, rel + "/", m.below(), socketsAsFiles, true, pending, sink);
      }
    }
  }

  /** Emits everything below {@code dir}, paths prefixed with {@code prefix} (e.g. {@code a/b/}). */
  static void walkAll(Path dir, String prefix, EntrySink sink) throws IOException {
    walk(dir, prefix, PathFilter.ALL, false, true, new ArrayDeque<>(), sink);
  }

  /** The names in {@code dir} in UTF-8 byte order. */
  static List<String> sortedNames(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    names.sort(Stat::compareNames);
    return names;
  }
}
