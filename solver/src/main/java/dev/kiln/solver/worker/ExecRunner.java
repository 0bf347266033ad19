package dev.kiln.solver.worker;

import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.core.port.ProgressListener.LogStream;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.exec.ExecException;
import dev.kiln.solver.exec.ExecRequest;
import dev.kiln.solver.exec.Mount;
import dev.kiln.solver.exec.NetworkMode;
import dev.kiln.solver.exec.OutputListener;
import dev.kiln.solver.exec.RuncExecutor;
import dev.kiln.solver.layer.LayerException;
import dev.kiln.solver.layer.OpaqueProbe;
import dev.kiln.solver.snapshot.OverlaySnapshotter;
import dev.kiln.solver.snapshot.SnapshotChanges;
import dev.kiln.solver.snapshot.SnapshotException;
import dev.kiln.solver.snapshot.SnapshotHandle;
import dev.kiln.solver.snapshot.Snapshotter;
import dev.kiln.solver.worker.Chains.Chain;
import dev.kiln.solver.worker.Views.View;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Runs {@code RUN} ({@link ExecOp}) on a stacked snapshot: the {@link Snapshotter} prepares a
 * writable root file system over the base chain (an overlay mount of its diff directories with a
 * fresh upper directory, or a native copy of its tree), the other inputs are bind-mounted read-only
 * from their views, the process runs under runc, and what it changed becomes the new snapshot's
 * diff directory by a rename: the pruned upper directory (see {@link UpperPruner}), or natively the
 * tree diff hard-linked out of the copy, which becomes the snapshot's cached tree. No tar and no
 * compression: the layer is made when an output asks for it. The prepared snapshot is removed in
 * every case. Thread-safe; the executor is created on first use.
 */
final class ExecRunner {

  private final SnapshotStore store;
  private final Chains chains;
  private final Views views;
  private final SnapshotMode mode;
  private final FileRunner files;
  private final ProgressListener progress;
  private final Path execRoot;
  private RuncExecutor executor;

  ExecRunner(
      SnapshotStore store,
      Chains chains,
      Views views,
      SnapshotMode mode,
      FileRunner files,
      ProgressListener progress,
      RuncExecutor executor,
      Path execRoot) {
    this.store = store;
    this.chains = chains;
    this.views = views;
    this.mode = mode;
    this.files = files;
    this.progress = progress;
    this.executor = executor;
    this.execRoot = execRoot;
  }

  CacheResult run(Vertex vertex, ExecOp op, List<CacheResult> inputs)
      throws IOException, InterruptedException {
    dev.kiln.core.graph.Mount rootMount = op.mounts().get(0);
    if (!rootMount.selector().equals("/")) {
      throw new IOException("RUN with a root mount selector other than '/' is not supported");
    }
    RuncExecutor exec = executor();
    try {
      // Before the snapshotter: its probe needs root too, with a vaguer message.
      exec.checkAvailable();
    } catch (ExecException e) {
      throw new IOException(e.getMessage(), e);
    }
    Chain base = chains.of(inputs.get(rootMount.input()));
    List<View> opened = new ArrayList<>();
    Snapshotter snap = mode.snapshotter();
    String key = "run-" + UUID.randomUUID();
    Path temp = null;
    try {
      List<Mount> mounts = mounts(op, inputs, opened);
      boolean overlay = snap instanceof OverlaySnapshotter;
      Path baseTree = overlay ? null : views.nativeTree(base);
      SnapshotHandle handle =
          snap.prepare(
              key, overlay ? (base.isEmpty() ? List.of() : views.lowers(base)) : List.of(baseTree));
      exec.run(request(op, handle.rootfs(), mounts), output(vertex.digest()));
      SnapshotChanges changes = snap.commit(key);
      if (overlay) {
        temp = store.newTemp();
        prune(changes.changes(), base);
        Files.move(changes.changes(), temp.resolve("d"));
      } else {
        temp = files.commitNative(baseTree, changes.changes());
      }
      String id = SnapshotStore.newId();
      store.commit(
          temp, id, SnapshotMeta.diff(base.top(), !overlay && !mode.format().overlayForm()));
      return CacheResult.ofSnapshot(id);
    } catch (ExecException | SnapshotException e) {
      throw new IOException(e.getMessage(), e);
    } catch (IOException | RuntimeException | InterruptedException e) {
      if (temp != null) {
        SnapshotStore.deleteTree(temp);
      }
      throw e;
    } finally {
      try {
        FileRunner.remove(snap, key);
      } finally {
        FileRunner.close(opened);
      }
    }
  }

  /** Drops from the upper directory what overlayfs copied up without a change. */
  private void prune(Path upper, Chain base) throws IOException {
    try (View v = views.open(base)) {
      UpperPruner.prune(upper, v.root(), OpaqueProbe.scan(upper));
    } catch (LayerException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The extra mounts: read-only binds of other inputs' views, and tmpfs. */
  private List<Mount> mounts(ExecOp op, List<CacheResult> inputs, List<View> opened)
      throws IOException {
    List<Mount> out = new ArrayList<>();
    for (dev.kiln.core.graph.Mount m : op.mounts().subList(1, op.mounts().size())) {
      switch (m.type()) {
        case TMPFS -> out.add(Mount.tmpfs(m.target()));
        case BIND -> {
          if (!m.readOnly() || m.input() < 0) {
            throw new IOException(
                "RUN mount '"
                    + m.target()
                    + "': only read-only bind mounts of an input are supported besides '/'");
          }
          View v = views.open(chains.of(inputs.get(m.input())));
          opened.add(v);
          out.add(Mount.bind(source(v.root(), m), m.target(), true));
        }
        case CACHE ->
            throw new IOException(
                "RUN mount '" + m.target() + "': cache mounts are not supported yet");
      }
    }
    return out;
  }

  /** The selected path inside an input snapshot; a symlink may not lead outside it. */
  private static Path source(Path root, dev.kiln.core.graph.Mount m) throws IOException {
    Path real = root.resolve(m.selector().substring(1)).toRealPath();
    if (!real.startsWith(root.toRealPath())) {
      throw new IOException(
          "RUN mount '" + m.target() + "': selector " + m.selector() + " leads outside its input");
    }
    return real;
  }

  private static ExecRequest request(ExecOp op, Path rootfs, List<Mount> mounts) {
    ExecMeta meta = op.meta();
    return ExecRequest.of(rootfs, meta.args())
        .withEnv(meta.env())
        .withCwd(meta.cwd())
        .withUser(meta.user())
        .withNetwork(network(op.network()))
        .withMounts(mounts);
  }

  /**
   * Only {@code RUN --network=host} shares the host's network. Without CNI there is no private
   * network with outbound access, so the default sandbox mode is a namespace with loopback only,
   * like {@code none}: builds are hermetic unless a step asks for the host's network.
   */
  private static NetworkMode network(dev.kiln.core.graph.NetworkMode mode) {
    return mode == dev.kiln.core.graph.NetworkMode.HOST ? NetworkMode.HOST : NetworkMode.NONE;
  }

  private OutputListener output(Digest vertex) {
    return (stream, line) ->
        progress.log(
            vertex,
            stream == OutputListener.Stream.STDOUT ? LogStream.STDOUT : LogStream.STDERR,
            line);
  }

  private synchronized RuncExecutor executor() {
    if (executor == null) {
      executor = new RuncExecutor(execRoot);
    }
    return executor;
  }
}
