package dev.kiln.solver.worker;

import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentStore;
import dev.kiln.oci.Descriptor;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.fileop.FileOpException;
import dev.kiln.solver.fileop.FileOpExecutor;
import dev.kiln.solver.fileop.FileOpInput;
import dev.kiln.solver.layer.DirectoryWalker;
import dev.kiln.solver.layer.EntrySource;
import dev.kiln.solver.layer.LayerBlob;
import dev.kiln.solver.layer.LayerException;
import dev.kiln.solver.layer.LayerWriter;
import dev.kiln.solver.layer.TreeDiff;
import dev.kiln.solver.store.LocalContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * File and merge ops on snapshots. A file op copies the base tree ({@code cp -a --reflink=auto}:
 * the executor writes in place, so hard links to the immutable base would corrupt it), runs the
 * actions, and writes the diff against the base as one new layer on top of the base's chain — also
 * when the diff is empty, as BuildKit does (an empty tar). A merge concatenates its inputs' chains
 * and builds its tree by copying input 0 and applying the other inputs' layers. Thread-safe.
 */
final class FileRunner {

  private final SnapshotStore snapshots;
  private final ContentStore store;
  private final LayerWriter writer;
  private final FileOpExecutor executor;

  FileRunner(
      SnapshotStore snapshots, ContentStore store, LayerWriter writer, FileOpExecutor executor) {
    this.snapshots = snapshots;
    this.store = store;
    this.writer = writer;
    this.executor = executor;
  }

  CacheResult file(Vertex vertex, FileOp op, List<CacheResult> inputs)
      throws IOException, InterruptedException {
    Path base = snapshots.materialize(inputs.get(0));
    List<FileOpInput> sources = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Path root = i == 0 ? base : snapshots.materialize(inputs.get(i));
      boolean context = vertex.inputs().get(i).vertex().op() instanceof LocalOp;
      sources.add(context ? FileOpInput.context(root) : FileOpInput.of(i, root));
    }
    List<Descriptor> layers = new ArrayList<>(layersOf(inputs.get(0), base));
    Path temp = snapshots.newTemp();
    try {
      Path rootfs = temp.resolve("rootfs");
      SnapshotStore.copyTree(base, rootfs);
      try {
        executor.execute(op, rootfs, sources);
      } catch (FileOpException e) {
        throw new IOException(e.getMessage(), e);
      }
      layers.add(writeLayer(TreeDiff.of(base, rootfs)));
      String id = SnapshotStore.chainId(layers);
      snapshots.commit(temp, id, layers);
      return new CacheResult(id, layers);
    } catch (IOException | RuntimeException | InterruptedException e) {
      SnapshotStore.deleteTree(temp);
      throw e;
    }
  }

  CacheResult merge(List<CacheResult> inputs) throws IOException, InterruptedException {
    List<Path> roots = new ArrayList<>();
    List<List<Descriptor>> chains = new ArrayList<>();
    List<Descriptor> layers = new ArrayList<>();
    for (CacheResult in : inputs) {
      Path root = snapshots.materialize(in);
      List<Descriptor> chain = layersOf(in, root);
      roots.add(root);
      chains.add(chain);
      layers.addAll(chain);
    }
    String id = SnapshotStore.chainId(layers);
    if (snapshots.exists(id)) {
      return new CacheResult(id, layers);
    }
    Path temp = snapshots.newTemp();
    try {
      Path rootfs = temp.resolve("rootfs");
      SnapshotStore.copyTree(roots.get(0), rootfs);
      for (int i = 1; i < chains.size(); i++) {
        if (Thread.interrupted()) {
          throw new InterruptedException("merge cancelled");
        }
        snapshots.applyAll(chains.get(i), rootfs);
      }
      snapshots.commit(temp, id, layers);
      return new CacheResult(id, layers);
    } catch (IOException | RuntimeException | InterruptedException e) {
      SnapshotStore.deleteTree(temp);
      throw e;
    }
  }

  /**
   * The layer chain of a result. A build-context result has none (it is never exported on its own),
   * so when it becomes part of a layered result its whole tree is written as one layer.
   */
  List<Descriptor> layersOf(CacheResult result, Path root) throws IOException {
    if (result.snapshotId().startsWith(SnapshotStore.LOCAL_PREFIX)) {
      return List.of(writeLayer(DirectoryWalker.of(root)));
    }
    return result.layers();
  }

  /** Writes a layer into the content store; its descriptor carries the diffID annotation. */
  Descriptor writeLayer(EntrySource entries) throws IOException {
    Path dir = snapshots.tmpDir().resolve("layer-" + UUID.randomUUID());
    try {
      LayerBlob blob = writer.write(entries, dir);
      if (store instanceof LocalContentStore local) {
        // The writer hashed the blob while writing it: move it in instead of copying it.
        local.adopt(blob.path(), blob.digest());
      } else {
        try (InputStream in = Files.newInputStream(blob.path())) {
          store.write(in, blob.digest());
        }
      }
      return Descriptor.of(blob.mediaType(), blob.digest(), blob.size())
          .withAnnotation(SnapshotStore.UNCOMPRESSED, blob.diffId().toString());
    } catch (LayerException e) {
      throw new IOException(e.getMessage(), e);
    } finally {
      SnapshotStore.deleteTree(dir);
    }
  }
}
