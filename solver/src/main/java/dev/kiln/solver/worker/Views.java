package dev.kiln.solver.worker;

import dev.kiln.oci.Digests;
import dev.kiln.solver.snapshot.NativeSnapshotter;
import dev.kiln.solver.snapshot.SnapshotException;
import dev.kiln.solver.snapshot.SnapshotHandle;
import dev.kiln.solver.snapshot.Snapshotter;
import dev.kiln.solver.worker.Chains.Chain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read-only views of snapshot chains and the lower directories of writable ones.
 *
 * <p>With overlay, a view is a lowerdir-only overlay mount of the chain (a single whole-tree layer
 * is its own directory), released by {@link View#close}; a writable root file system gets the same
 * lowers. The kernel takes one page of mount options and at most 500 lowers, so a chain of more
 * than {@value #MAX_LOWERS} distinct layers is mounted as one flattened tree of a prefix plus the
 * rest: the prefix, in blocks of {@value #BLOCK} layers, is merged into {@code f<id>} snapshots of
 * hard links (built once, shared by every longer chain with that prefix). A layer met twice (a
 * merge of stages sharing a base) is mounted where it occurs last, which gives the same tree.
 *
 * <p>With the native snapshotter, the view of a chain is the full tree cached as {@code v/} of its
 * top snapshot: a step's own tree once it is committed, or hard links of the nearest cached
 * ancestor plus the layers above it. Views are never written; thread-safe.
 */
final class Views {

  static final int MAX_LOWERS = 64;
  static final int BLOCK = 32;

  /** A read-only root file system; closing releases it. */
  interface View extends AutoCloseable {
    Path root();

    @Override
    void close() throws IOException;
  }

  private final SnapshotStore store;
  private final SnapshotMode mode;
  private final NativeSnapshotter linker;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  Views(SnapshotStore store, SnapshotMode mode) throws IOException {
    this.store = store;
    this.mode = mode;
    this.linker = new NativeSnapshotter(Files.createDirectories(store.root().resolve("runs")));
  }

  /** A read-only view of {@code chain}. */
  View open(Chain chain) throws IOException {
    if (chain.isEmpty()) {
      return fixed(mode.empty());
    }
    if (!mode.overlay()) {
      return fixed(nativeTree(chain));
    }
    List<Path> lowers = lowers(chain);
    if (lowers.size() == 1 && wholeTree(lowers.get(0))) {
      return fixed(lowers.get(0));
    }
    if (lowers.size() == 1) {
      lowers = List.of(mode.empty(), lowers.get(0));
    }
    Snapshotter s = mode.snapshotter();
    String key = "view-" + UUID.randomUUID();
    SnapshotHandle h;
    try {
      h = s.view(key, lowers);
    } catch (SnapshotException e) {
      throw new IOException(e.getMessage(), e);
    }
    return new View() {
      @Override
      public Path root() {
        return h.rootfs();
      }

      @Override
      public void close() throws IOException {
        try {
          s.remove(key);
        } catch (SnapshotException e) {
          throw new IOException(e.getMessage(), e);
        }
      }
    };
  }

  private static View fixed(Path dir) {
    return new View() {
      @Override
      public Path root() {
        return dir;
      }

      @Override
      public void close() {}
    };
  }

  /** True for a lower that is a whole tree without whiteout markers (a context, a flat). */
  private boolean wholeTree(Path lower) throws IOException {
    String id = lower.getParent().getFileName().toString();
    SnapshotMeta.Kind k = store.meta(id).kind();
    return k == SnapshotMeta.Kind.TREE || k == SnapshotMeta.Kind.FLAT;
  }

  /**
   * The overlay lower directories of {@code chain}, bottom first: each distinct layer's diff
   * directory where it occurs last, a flattened prefix when there are more than {@link
   * #MAX_LOWERS}.
   */
  List<Path> lowers(Chain chain) throws IOException {
    List<String> distinct = distinct(chain.layers());
    List<Path> out = new ArrayList<>();
    int from = 0;
    if (distinct.size() > MAX_LOWERS) {
      from = (distinct.size() - BLOCK) / BLOCK * BLOCK;
      out.add(flat(distinct.subList(0, from)));
    }
    for (String id : distinct.subList(from, distinct.size())) {
      out.add(store.diffDir(id));
    }
    return out;
  }

  /** The layers with repeats dropped, each kept where it occurs last. */
  static List<String> distinct(List<String> layers) {
    Set<String> seen = new HashSet<>();
    List<String> reversed = new ArrayList<>();
    for (int i = layers.size() - 1; i >= 0; i--) {
      if (seen.add(layers.get(i))) {
        reversed.add(layers.get(i));
      }
    }
    List<String> out = new ArrayList<>(reversed.size());
    for (int i = reversed.size() - 1; i >= 0; i--) {
      out.add(reversed.get(i));
    }
    return out;
  }

  /** The diff directory of the flattened tree of {@code layers} (a multiple of BLOCK long). */
  private Path flat(List<String> layers) throws IOException {
    String id = SnapshotStore.id('f', Digests.sha256("kiln.flat.v1\0" + String.join("\0", layers)));
    if (store.exists(id)) {
      return store.diffDir(id);
    }
    synchronized (locks.computeIfAbsent(id, k -> new Object())) {
      if (!store.exists(id)) {
        List<Path> lowers = new ArrayList<>();
        int from = 0;
        if (layers.size() > BLOCK) {
          from = layers.size() - BLOCK;
          lowers.add(flat(layers.subList(0, from)));
        } else {
          lowers.add(mode.empty());
        }
        for (String l : layers.subList(from, layers.size())) {
          lowers.add(store.diffDir(l));
        }
        Path temp = store.newTemp();
        try {
          Files.move(linked(lowers), temp.resolve("d"));
          store.commit(temp, id, SnapshotMeta.flat());
        } catch (IOException | RuntimeException e) {
          SnapshotStore.deleteTree(temp);
          throw e;
        }
      }
    }
    return store.diffDir(id);
  }

  /**
   * The full tree of {@code chain} for the native snapshotter, cached as {@code v/} of its top
   * snapshot.
   */
  Path nativeTree(Chain chain) throws IOException {
    if (chain.isEmpty()) {
      return mode.empty();
    }
    if (chain.layers().size() == 1 && wholeTree(store.diffDir(chain.layers().get(0)))) {
      return store.diffDir(chain.layers().get(0));
    }
    Path cached = store.dir(chain.top()).resolve("v");
    if (Files.isDirectory(cached, LinkOption.NOFOLLOW_LINKS)) {
      return cached;
    }
    synchronized (locks.computeIfAbsent(chain.top(), k -> new Object())) {
      if (Files.isDirectory(cached, LinkOption.NOFOLLOW_LINKS)) {
        return cached;
      }
      // The nearest layer of the chain with a cached tree, then the layers above it.
      List<String> layers = chain.layers();
      List<Path> lowers = new ArrayList<>();
      int from = 0;
      for (int i = layers.size() - 2; i >= 0; i--) {
        Path v = store.dir(layers.get(i)).resolve("v");
        // A layer's own tree is the tree of this prefix only when its chain is the prefix (not
        // so for the first layer of a merge's second input).
        if (Files.isDirectory(v, LinkOption.NOFOLLOW_LINKS)
            && store.layers(layers.get(i)).equals(layers.subList(0, i + 1))) {
          lowers.add(v);
          from = i + 1;
          break;
        }
      }
      if (lowers.isEmpty()) {
        lowers.add(mode.empty());
      }
      for (String l : layers.subList(from, layers.size())) {
        lowers.add(store.diffDir(l));
      }
      return store.attach(chain.top(), "v", linked(lowers));
    }
  }

  /** A new directory merging {@code lowers} (at least two) with hard links, in the runs dir. */
  private Path linked(List<Path> lowers) throws IOException {
    String key = "link-" + UUID.randomUUID();
    try {
      SnapshotHandle h = linker.view(key, lowers);
      Path out = store.tmpDir().resolve(key);
      Files.move(h.rootfs(), out);
      linker.remove(key);
      return out;
    } catch (SnapshotException e) {
      try {
        linker.remove(key);
      } catch (SnapshotException ignored) {
        // The first failure is the one to report.
      }
      throw new IOException(e.getMessage(), e);
    }
  }
}
