package dev.kiln.solver.worker;

import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.Descriptor;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.fileop.FileOpException;
import dev.kiln.solver.fileop.FileOpExecutor;
import dev.kiln.solver.fileop.FileOpInput;
import dev.kiln.solver.layer.TreeDiff;
import dev.kiln.solver.snapshot.NativeSnapshotter;
import dev.kiln.solver.snapshot.OverlaySnapshotter;
import dev.kiln.solver.snapshot.SnapshotChanges;
import dev.kiln.solver.snapshot.SnapshotException;
import dev.kiln.solver.snapshot.SnapshotHandle;
import dev.kiln.solver.snapshot.Snapshotter;
import dev.kiln.solver.worker.Chains.Chain;
import dev.kiln.solver.worker.Views.View;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * File and merge ops on stacked snapshots. A file op on scratch writes straight into the new
 * snapshot's directory (a whole tree). Otherwise the actions run on a root file system stacked on
 * the base chain — an overlay mount with a fresh upper directory, or, natively, hard links of the
 * base tree (the executor replaces files, never writes into them) — and the snapshot's diff
 * directory is what {@link TreeDiff} finds changed against the base, taken out of the upper
 * directory or linked from the tree without copying (see {@link DiffBuilder}); so its layer is
 * exactly the diff as the worker always wrote it, also when empty. A merge is a snapshot naming its
 * inputs: their chains stacked, nothing copied. Thread-safe.
 */
final class FileRunner {

  private final SnapshotStore store;
  private final Chains chains;
  private final Views views;
  private final SnapshotMode mode;
  private final FileOpExecutor executor;

  FileRunner(
      SnapshotStore store, Chains chains, Views views, SnapshotMode mode, FileOpExecutor executor) {
    this.store = store;
    this.chains = chains;
    this.views = views;
    this.mode = mode;
    this.executor = executor;
  }

  CacheResult file(Vertex vertex, FileOp op, List<CacheResult> inputs) throws IOException {
    Chain base = chains.of(inputs.get(0));
    List<View> opened = new ArrayList<>();
    try {
      List<FileOpInput> sources = new ArrayList<>();
      sources.add(null);
      for (int i = 1; i < inputs.size(); i++) {
        View v = views.open(chains.of(inputs.get(i)));
        opened.add(v);
        sources.add(input(vertex, i, v.root()));
      }
      if (base.isEmpty()) {
        sources.set(0, input(vertex, 0, mode.empty()));
        return onScratch(op, sources);
      }
      View baseView = views.open(base);
      opened.add(baseView);
      sources.set(0, input(vertex, 0, baseView.root()));
      return onBase(op, sources, base, baseView.root());
    } finally {
      close(opened);
    }
  }

  private static FileOpInput input(Vertex vertex, int i, Path root) {
    boolean context = vertex.inputs().get(i).vertex().op() instanceof LocalOp;
    return context ? FileOpInput.context(root) : FileOpInput.of(i, root);
  }

  /** Scratch: the actions write the new snapshot's whole tree directly. */
  private CacheResult onScratch(FileOp op, List<FileOpInput> sources) throws IOException {
    Path temp = store.newTemp();
    try {
      execute(op, SnapshotStore.createRoot(temp.resolve("d")), sources);
      String id = SnapshotStore.newId();
      store.commit(temp, id, SnapshotMeta.tree());
      return CacheResult.ofSnapshot(id);
    } catch (IOException | RuntimeException e) {
      SnapshotStore.deleteTree(temp);
      throw e;
    }
  }

  /**
   * The actions on a root file system stacked on {@code base}; the new snapshot's diff directory is
   * what changed against {@code baseRoot} (the base's view).
   */
  private CacheResult onBase(FileOp op, List<FileOpInput> sources, Chain base, Path baseRoot)
      throws IOException {
    Snapshotter s = mode.snapshotter();
    boolean overlay = s instanceof OverlaySnapshotter;
    String key = "file-" + UUID.randomUUID();
    Path temp = null;
    try {
      if (overlay) {
        OverlaySnapshotter o = (OverlaySnapshotter) s;
        SnapshotHandle h = o.prepare(key, views.lowers(base));
        execute(op, h.rootfs(), sources);
        TreeDiff diff = TreeDiff.of(baseRoot, h.rootfs()).changedOnlyIn(o.upperDir(key));
        List<DiffBuilder.Change> changes = DiffBuilder.collect(diff, baseRoot, h.rootfs());
        SnapshotChanges c = o.commit(key);
        temp = store.newTemp();
        Path d = SnapshotStore.createRoot(temp.resolve("d"));
        DiffBuilder.write(changes, c.changes(), d, true, mode.format(), mode.privileged());
      } else {
        // The executor replaces files and never writes into one: hard links are safe.
        SnapshotHandle h =
            ((NativeSnapshotter) s).prepareLinked(key, List.of(mode.empty(), baseRoot));
        execute(op, h.rootfs(), sources);
        temp = commitNative(baseRoot, h.rootfs());
      }
      String id = SnapshotStore.newId();
      store.commit(
          temp, id, SnapshotMeta.diff(base.top(), !overlay && !mode.format().overlayForm()));
      return CacheResult.ofSnapshot(id);
    } catch (SnapshotException e) {
      throw new IOException(e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      if (temp != null) {
        SnapshotStore.deleteTree(temp);
      }
      throw e;
    } finally {
      remove(s, key);
    }
  }

  /**
   * A new temp snapshot holding the diff of {@code tree} against {@code baseTree} as {@code d/}
   * (hard links) and {@code tree} itself, moved, as its cached view {@code v/}.
   */
  Path commitNative(Path baseTree, Path tree) throws IOException {
    Path temp = store.newTemp();
    try {
      List<DiffBuilder.Change> changes =
          DiffBuilder.collect(TreeDiff.of(baseTree, tree), baseTree, tree);
      Path d = SnapshotStore.createRoot(temp.resolve("d"));
      DiffBuilder.write(changes, tree, d, false, mode.format(), mode.privileged());
      java.nio.file.Files.move(tree, temp.resolve("v"));
      return temp;
    } catch (IOException | RuntimeException e) {
      SnapshotStore.deleteTree(temp);
      throw e;
    }
  }

  private void execute(FileOp op, Path destination, List<FileOpInput> sources) throws IOException {
    try {
      executor.execute(op, destination, sources);
    } catch (FileOpException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * A merge: its inputs' chains one on top of the other. When every input is known by its layer
   * descriptors (images, results whose blobs were exported), the merge is too, and nothing is
   * unpacked; otherwise it is a snapshot naming its inputs' snapshots.
   */
  CacheResult merge(List<CacheResult> inputs) throws IOException {
    List<CacheResult> layered = new ArrayList<>();
    for (CacheResult in : inputs) {
      if (!(in.snapshotId().isEmpty() && in.layers().isEmpty())) {
        layered.add(in);
      }
    }
    if (layered.isEmpty()) {
      return CacheResult.EMPTY;
    }
    if (layered.size() == 1) {
      return layered.get(0);
    }
    if (layered.stream().allMatch(r -> r.snapshotId().isEmpty())) {
      List<Descriptor> all = new ArrayList<>();
      layered.forEach(r -> all.addAll(r.layers()));
      return new CacheResult("", all);
    }
    List<String> parents = new ArrayList<>();
    for (CacheResult in : layered) {
      parents.add(chains.of(in).top());
    }
    String id = SnapshotStore.mergeId(parents);
    if (!store.exists(id)) {
      Path temp = store.newTemp();
      try {
        store.commit(temp, id, SnapshotMeta.merge(parents));
      } catch (IOException | RuntimeException e) {
        SnapshotStore.deleteTree(temp);
        throw e;
      }
    }
    return CacheResult.ofSnapshot(id);
  }

  static void remove(Snapshotter s, String key) throws IOException {
    try {
      s.remove(key);
    } catch (SnapshotException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  static void close(List<View> views) throws IOException {
    IOException first = null;
    for (View v : new LinkedHashSet<>(views)) {
      try {
        v.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
