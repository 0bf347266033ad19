package dev.kiln.solver.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An {@link EntrySource} over a directory tree: depth first, the names of each directory sorted by
 * their UTF-8 bytes (parents before children, the order Go's {@code filepath.Walk} and so
 * containerd use). Metadata is read with {@code lstat} ({@code unix:} attributes, never following
 * symlinks); files are opened only when the writer streams them; sockets are skipped. The root
 * itself is not an entry. Owner and group names are left empty so the layer does not depend on the
 * host's user database. Immutable; each {@link #emit} walks again.
 */
public final class DirectoryWalker implements EntrySource {
  private final Path root;
  private final Predicate<String> include;

  private DirectoryWalker(Path root, Predicate<String> include) {
    this.root = Objects.requireNonNull(root, "root");
    this.include = Objects.requireNonNull(include, "include");
  }

  /** A walker over the whole tree below {@code root}. */
  public static DirectoryWalker of(Path root) {
    return new DirectoryWalker(root, p -> true);
  }

  /**
   * The same walker keeping only relative paths that {@code include} accepts; an excluded directory
   * is not descended into.
   */
  public DirectoryWalker filter(Predicate<String> include) {
    return new DirectoryWalker(root, this.include.and(include));
  }

  @Override
  public void emit(EntrySink sink) throws IOException {
    Stat top = Stat.of(root);
    if (top == null || top.type() != EntryType.DIRECTORY) {
      throw new IOException("not a directory: " + root);
    }
    walk(root, "", sink);
  }

  private void walk(Path dir, String prefix, EntrySink sink) throws IOException {
    for (String name : sortedNames(dir)) {
      String rel = prefix + name;
      if (!include.test(rel)) {
        continue;
      }
      Path p = dir.resolve(name);
      Stat st = Stat.of(p);
      if (st == null) {
        continue;
      }
      sink.accept(st.toEntry(rel, p));
      if (st.type() == EntryType.DIRECTORY) {
        walk(p, rel + "/", sink);
      }
    }
  }

  /** Emits everything below {@code dir}, paths prefixed with {@code prefix} (e.g. {@code a/b/}). */
  static void walkAll(Path dir, String prefix, EntrySink sink) throws IOException {
    new DirectoryWalker(dir, p -> true).walk(dir, prefix, sink);
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
