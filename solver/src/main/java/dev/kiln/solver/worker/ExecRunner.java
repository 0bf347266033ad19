package dev.kiln.solver.worker;

import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.core.port.ProgressListener.LogStream;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.exec.ExecException;
import dev.kiln.solver.exec.ExecRequest;
import dev.kiln.solver.exec.NetworkMode;
import dev.kiln.solver.exec.OutputListener;
import dev.kiln.solver.exec.RuncExecutor;
import dev.kiln.solver.layer.EntrySource;
import dev.kiln.solver.layer.LayerException;
import dev.kiln.solver.layer.OpaqueProbe;
import dev.kiln.solver.layer.OverlayUpperConverter;
import dev.kiln.solver.layer.TreeDiff;
import dev.kiln.solver.snapshot.SnapshotChanges;
import dev.kiln.solver.snapshot.SnapshotException;
import dev.kiln.solver.snapshot.SnapshotHandle;
import dev.kiln.solver.snapshot.Snapshotter;
import dev.kiln.solver.snapshot.Snapshotters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Runs {@code RUN} ({@link ExecOp}): a writable rootfs is prepared by the {@link Snapshotter} over
 * the base snapshot (its lower directory, never modified), the other inputs are bind-mounted
 * read-only, the process runs under runc, and what it changed becomes ONE layer appended to the
 * base's chain. The new snapshot is built like any other (a copy of the base plus that layer,
 * renamed into place), so it always equals its layers applied. The prepared snapshot is removed in
 * every case. Thread-safe; the snapshotter and executor are created on first use.
 */
final class ExecRunner {

  private final SnapshotStore snapshots;
  private final FileRunner layers;
  private final ProgressListener progress;
  private final String snapshotterName;
  private final Path snapshotterRoot;
  private final Path execRoot;
  private final ExecMounts.Sources mountSources;
  private RuncExecutor executor;
  private Snapshotter snapshotter;

  ExecRunner(
      SnapshotStore snapshots,
      FileRunner layers,
      ProgressListener progress,
      String snapshotterName,
      Path snapshotterRoot,
      RuncExecutor executor,
      Path execRoot,
      ExecMounts.Sources mountSources) {
    this.mountSources = mountSources;
    this.snapshots = snapshots;
    this.layers = layers;
    this.progress = progress;
    this.snapshotterName = snapshotterName;
    this.snapshotterRoot = snapshotterRoot;
    this.executor = executor;
    this.execRoot = execRoot;
  }

  CacheResult run(Vertex vertex, ExecOp op, List<CacheResult> inputs)
      throws IOException, InterruptedException {
    dev.kiln.core.graph.Mount rootMount = op.mounts().get(0);
    if (!rootMount.selector().equals("/")) {
      throw new IOException("RUN with a root mount selector other than '/' is not supported");
    }
    CacheResult baseResult = inputs.get(rootMount.input());
    Path base = snapshots.materialize(baseResult);
    List<Descriptor> chain = new ArrayList<>(layers.layersOf(baseResult, base));
    RuncExecutor exec = executor();
    try {
      exec.checkAvailable(); // before the snapshotter: its probe needs root too, with a vaguer
      // message
    } catch (ExecException e) {
      throw new IOException(e.getMessage(), e);
    }
    Snapshotter snap = snapshotter();
    String key = "run-" + UUID.randomUUID();
    Descriptor layer;
    try (ExecMounts extra = ExecMounts.prepare(op, inputs, mountSources, this::writableView)) {
      SnapshotHandle handle = prepare(snap, key, base);
      ExecRequest req = request(op, handle.rootfs(), extra.mounts());
      if (!extra.env().isEmpty()) {
        List<String> env = new ArrayList<>(req.env());
        env.addAll(extra.env()); // secrets as variables: in the process only, never in the graph
        req = req.withEnv(env);
      }
      exec.run(req, output(vertex.digest()));
      layer = layers.writeLayer(changes(commit(snap, key), base));
    } catch (ExecException e) {
      throw new IOException(e.getMessage(), e);
    } finally {
      remove(snap, key);
    }
    chain.add(layer);
    String id = SnapshotStore.chainId(chain);
    if (snapshots.exists(id)) {
      return new CacheResult(id, chain);
    }
    Path temp = snapshots.newTemp();
    try {
      Path rootfs = temp.resolve("rootfs");
      SnapshotStore.copyTree(base, rootfs);
      snapshots.applyOne(layer, rootfs, SnapshotStore.diffId(layer));
      snapshots.commit(temp, id, chain);
      return new CacheResult(id, chain);
    } catch (IOException | RuntimeException | InterruptedException e) {
      SnapshotStore.deleteTree(temp);
      throw e;
    }
  }

  /**
   * A throwaway writable view of {@code source} (a {@code rw} bind mount), from the snapshotter.
   */
  private ExecMounts.WritableViews.View writableView(Path source) throws IOException {
    Snapshotter snap = snapshotter();
    String key = "rw-" + UUID.randomUUID();
    SnapshotHandle handle = prepare(snap, key, source);
    return new ExecMounts.WritableViews.View() {
      @Override
      public Path dir() {
        return handle.rootfs();
      }

      @Override
      public void close() throws IOException {
        remove(snap, key);
      }
    };
  }

  private static ExecRequest request(
      ExecOp op, Path rootfs, List<dev.kiln.solver.exec.Mount> mounts) {
    ExecMeta meta = op.meta();
    // the proxy settings come last, as BuildKit appends its ProxyEnv to the process env
    List<String> env = new ArrayList<>(meta.env());
    env.addAll(meta.proxyEnv());
    List<ExecRequest.HostEntry> hosts = new ArrayList<>();
    meta.extraHosts().forEach(h -> hosts.add(new ExecRequest.HostEntry(h.host(), h.ip())));
    return ExecRequest.of(rootfs, meta.args())
        .withEnv(env)
        .withCwd(meta.cwd())
        .withUser(meta.user())
        .withHostname(meta.hostname().isEmpty() ? ExecRequest.DEFAULT_HOSTNAME : meta.hostname())
        .withExtraHosts(hosts)
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

  private static EntrySource changes(SnapshotChanges c, Path base) throws IOException {
    if (c.kind() == SnapshotChanges.Kind.OVERLAY_UPPERDIR) {
      try {
        OpaqueProbe probe = OpaqueProbe.getfattr();
        UpperPruner.prune(c.changes(), base, probe);
        return new OverlayUpperConverter(c.changes(), probe);
      } catch (LayerException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return TreeDiff.of(base, c.changes());
  }

  private static SnapshotHandle prepare(Snapshotter s, String key, Path base) throws IOException {
    try {
      return s.prepare(key, List.of(base));
    } catch (SnapshotException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static SnapshotChanges commit(Snapshotter s, String key) throws IOException {
    try {
      return s.commit(key);
    } catch (SnapshotException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static void remove(Snapshotter s, String key) throws IOException {
    try {
      s.remove(key);
    } catch (SnapshotException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private synchronized RuncExecutor executor() {
    if (executor == null) {
      executor = new RuncExecutor(execRoot);
    }
    return executor;
  }

  private synchronized Snapshotter snapshotter() throws IOException {
    if (snapshotter == null) {
      Files.createDirectories(snapshotterRoot);
      try {
        snapshotter = Snapshotters.select(snapshotterName, snapshotterRoot);
      } catch (SnapshotException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return snapshotter;
  }
}
