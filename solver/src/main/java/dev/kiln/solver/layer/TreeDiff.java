package dev.kiln.solver.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The changes from a lower to an upper directory tree as layer entries, for the native (copying)
 * snapshotter; both trees are walked together in the order of {@link DirectoryWalker}.
 *
 * <ul>
 *   <li>only in upper: the entry (and, for a directory, its whole subtree);
 *   <li>only in lower: a whiteout {@code .wh.NAME} (one for a whole deleted directory);
 *   <li>in both, different type: the upper entry, which replaces the lower one when applied (a
 *       directory replaced by a file is removed whole; a file replaced by a directory gets the
 *       whole new subtree);
 *   <li>in both, same type: emitted when type, mode, owner, size, mtime (not of symlinks, whose
 *       times Java cannot always set and nothing reads), device numbers, symlink target or {@code
 *       user.*} xattrs differ; if all of these are equal and the mtime has a non-zero nanosecond
 *       part the file is taken as unchanged (containerd's rule: a copy that kept nanosecond mtimes
 *       is the same file), otherwise the contents are compared, streamed.
 * </ul>
 *
 * A changed entry is preceded by its parent directories not already emitted, so the layer carries
 * their metadata (as containerd's archive writer does).
 *
 * <p>When {@code upper} is an overlay mount over {@code lower}, {@link #changedOnlyIn} gives the
 * same entries while visiting only what the mount's upper directory holds: a name present in both
 * trees but absent from the upper directory was not touched (overlayfs copies up anything written,
 * and marks deletions there), so it is skipped without being read; deletions, also those hidden by
 * an opaque directory, show as names in {@code lower} missing from {@code upper}. Immutable; not
 * thread-safe while emitting.
 */
public final class TreeDiff implements EntrySource {
  private final Path lower;
  private final Path upper;
  private final Path touched;

  private TreeDiff(Path lower, Path upper, Path touched) {
    this.lower = Objects.requireNonNull(lower, "lower");
    this.upper = Objects.requireNonNull(upper, "upper");
    this.touched = touched;
  }

  /** The diff turning the tree at {@code lower} into the tree at {@code upper}. */
  public static TreeDiff of(Path lower, Path upper) {
    return new TreeDiff(lower, upper, null);
  }

  /**
   * The same diff, for an {@code upper} that is an overlay mount whose only lower layers make up
   * {@code lower} and whose upper directory is {@code overlayUpper}: only the directories present
   * in {@code overlayUpper} are compared, which gives the same entries in the same order.
   */
  public TreeDiff changedOnlyIn(Path overlayUpper) {
    return new TreeDiff(lower, upper, Objects.requireNonNull(overlayUpper, "overlayUpper"));
  }

  @Override
  public void emit(EntrySink sink) throws IOException {
    diffDir(lower, upper, touched, "", new ArrayDeque<>(), sink);
  }

  private void diffDir(
      Path l, Path u, Path t, String prefix, Deque<LayerEntry> parents, EntrySink sink)
      throws IOException {
    List<String> ln = DirectoryWalker.sortedNames(l);
    List<String> un = DirectoryWalker.sortedNames(u);
    Set<String> tn = t == null ? null : new HashSet<>(DirectoryWalker.sortedNames(t));
    int i = 0;
    int j = 0;
    while (i < ln.size() || j < un.size()) {
      int c = i == ln.size() ? 1 : j == un.size() ? -1 : Stat.compareNames(ln.get(i), un.get(j));
      if (c < 0) {
        flush(parents, sink);
        sink.accept(LayerEntry.whiteout(prefix + ln.get(i++)));
      } else if (c > 0) {
        String name = un.get(j++);
        flush(parents, sink);
        added(u.resolve(name), prefix + name, sink);
      } else {
        String name = un.get(j++);
        i++;
        if (tn == null) {
          both(l.resolve(name), u.resolve(name), null, prefix + name, parents, sink);
        } else if (tn.contains(name)) {
          both(l.resolve(name), u.resolve(name), t.resolve(name), prefix + name, parents, sink);
        }
      }
    }
  }

  private void both(Path l, Path u, Path t, String rel, Deque<LayerEntry> parents, EntrySink sink)
      throws IOException {
    Stat ls = Stat.of(l);
    Stat us = Stat.of(u);
    if (us == null) {
      if (ls != null) {
        flush(parents, sink);
        sink.accept(LayerEntry.whiteout(rel));
      }
      return;
    }
    if (ls == null) {
      flush(parents, sink);
      added(u, rel, sink);
      return;
    }
    if (ls.type() == EntryType.DIRECTORY && us.type() == EntryType.DIRECTORY) {
      LayerEntry entry = us.toEntry(rel, u);
      if (!sameMetadata(ls, us, l, u)) {
        flush(parents, sink);
        sink.accept(entry);
      } else {
        parents.addLast(entry);
      }
      diffDir(l, u, t, rel + "/", parents, sink);
      if (parents.peekLast() == entry) {
        parents.removeLast();
      }
    } else if (us.type() == EntryType.DIRECTORY || ls.type() != us.type()) {
      flush(parents, sink);
      added(u, rel, sink);
    } else if (!sameMetadata(ls, us, l, u) || !sameContent(ls, us, l, u)) {
      flush(parents, sink);
      sink.accept(us.toEntry(rel, u));
    }
  }

  private static void added(Path u, String rel, EntrySink sink) throws IOException {
    Stat st = Stat.of(u);
    if (st == null) {
      return; // a socket
    }
    sink.accept(st.toEntry(rel, u));
    if (st.type() == EntryType.DIRECTORY) {
      DirectoryWalker.walkAll(u, rel + "/", sink);
    }
  }

  private static void flush(Deque<LayerEntry> parents, EntrySink sink) throws IOException {
    while (!parents.isEmpty()) {
      sink.accept(parents.removeFirst());
    }
  }

  private static boolean sameMetadata(Stat a, Stat b, Path pa, Path pb) throws IOException {
    if (a.type() != b.type()
        || a.mode() != b.mode()
        || a.uid() != b.uid()
        || a.gid() != b.gid()
        || (a.type() != EntryType.SYMLINK && !a.mtime().equals(b.mtime()))
        || a.rdev() != b.rdev()
        || (a.type() == EntryType.FILE && a.size() != b.size())) {
      return false;
    }
    if (a.type() == EntryType.SYMLINK) {
      return Files.readSymbolicLink(pa).equals(Files.readSymbolicLink(pb));
    }
    if (a.type() == EntryType.FILE || a.type() == EntryType.DIRECTORY) {
      return sameXattrs(Stat.userXattrs(pa), Stat.userXattrs(pb));
    }
    return true;
  }

  private static boolean sameXattrs(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameContent(Stat a, Stat b, Path pa, Path pb) throws IOException {
    if (a.type() != EntryType.FILE || a.mtime().getNano() != 0) {
      return true;
    }
    byte[] ba = new byte[64 * 1024];
    byte[] bb = new byte[64 * 1024];
    try (InputStream ia = Files.newInputStream(pa);
        InputStream ib = Files.newInputStream(pb)) {
      while (true) {
        int na = ia.readNBytes(ba, 0, ba.length);
        int nb = ib.readNBytes(bb, 0, bb.length);
        if (na != nb || !Arrays.equals(ba, 0, na, bb, 0, nb)) {
          return false;
        }
        if (na < ba.length) {
          return true;
        }
      }
    }
  }
}
