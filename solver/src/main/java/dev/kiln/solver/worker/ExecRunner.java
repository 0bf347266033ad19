package dev.kiln.solver.worker;

import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.core.port.ProgressListener.LogStream;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.exec.DirMetadata;
import dev.kiln.solver.exec.ExecException;
import dev.kiln.solver.exec.ExecRequest;
import dev.kiln.solver.exec.ExecResult;
import dev.kiln.solver.exec.Mount;
import dev.kiln.solver.exec.NetworkMode;
import dev.kiln.solver.exec.OutputListener;
import dev.kiln.solver.exec.RuncExecutor;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs {@code RUN} ({@link ExecOp}) on a stacked snapshot: the {@link Snapshotter} prepares a
 * writable root file system over the base chain (an overlay mount of its diff directories with a
 * fresh upper directory, or a native copy of its tree), the other inputs are bind-mounted read-only
 * from their views (or, for {@code rw} binds, from a throwaway prepared snapshot), cache, secret
 * and SSH mounts come from {@link ExecMounts}, the process runs under runc, and what it changed
 * becomes the new snapshot's diff directory by a rename: the pruned upper directory (see {@link
 * UpperPruner}), or natively the tree diff hard-linked out of the copy, which becomes the
 * snapshot's cached tree. No tar and no compression: the layer is made when an output asks for it.
 * The prepared snapshot is removed in every case. Thread-safe; the executor is created on first
 * use.
 */
final class ExecRunner {

  private final SnapshotStore store;
  private final Chains chains;
  private final Views views;
  private final SnapshotMode mode;
  private final FileRunner files;
  private final ProgressListener progress;
  private final Path execRoot;
  private final ExecMounts.Sources mountSources;
  private RuncExecutor executor;

  ExecRunner(
      SnapshotStore store,
      Chains chains,
      Views views,
      SnapshotMode mode,
      FileRunner files,
      ProgressListener progress,
      RuncExecutor executor,
      Path execRoot,
      ExecMounts.Sources mountSources) {
    this.mountSources = mountSources;
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
    Snapshotter snap = mode.snapshotter();
    String key = "run-" + UUID.randomUUID();
    Path temp = null;
    try (ExecMounts extra = ExecMounts.prepare(op, inputs, mountSources, new Roots(snap))) {
      boolean overlay = snap instanceof OverlaySnapshotter;
      Path baseTree = overlay ? null : views.nativeTree(base);
      SnapshotHandle handle = snap.prepare(key, lowers(snap, base, baseTree));
      ExecRequest req = request(op, handle.rootfs(), extra.mounts());
      if (!extra.env().isEmpty()) {
        List<String> env = new ArrayList<>(req.env());
        env.addAll(extra.env()); // secrets as variables: in the process only, never in the graph
        req = req.withEnv(env);
      }
      ExecResult ran = exec.run(req, output(vertex.digest()));
      SnapshotChanges changes = snap.commit(key);
      if (overlay) {
        temp = store.newTemp();
        prune(changes.changes(), base, ran.stubParents());
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
      FileRunner.remove(snap, key);
    }
  }

  /** What a prepared snapshot over {@code chain} is made from: overlay lowers, or its tree. */
  private List<Path> lowers(Snapshotter snap, Chain chain, Path nativeTree) throws IOException {
    if (snap instanceof OverlaySnapshotter) {
      return chain.isEmpty() ? List.of() : views.lowers(chain);
    }
    return List.of(nativeTree != null ? nativeTree : views.nativeTree(chain));
  }

  /**
   * The other inputs' roots for {@link ExecMounts}: read-only views, and for {@code rw} binds a
   * throwaway prepared snapshot whose changes are discarded.
   */
  private final class Roots implements ExecMounts.InputRoots {
    private final Snapshotter snap;

    Roots(Snapshotter snap) {
      this.snap = snap;
    }

    @Override
    public Root readOnly(CacheResult input) throws IOException {
      View v = views.open(chains.of(input));
      return new Root() {
        @Override
        public Path dir() {
          return v.root();
        }

        @Override
        public void close() throws IOException {
          v.close();
        }
      };
    }

    @Override
    public Root writable(CacheResult input) throws IOException {
      String key = "rw-" + UUID.randomUUID();
      SnapshotHandle handle;
      try {
        handle = snap.prepare(key, lowers(snap, chains.of(input), null));
      } catch (SnapshotException e) {
        FileRunner.remove(snap, key);
        throw new IOException(e.getMessage(), e);
      }
      return new Root() {
        @Override
        public Path dir() {
          return handle.rootfs();
        }

        @Override
        public void close() throws IOException {
          FileRunner.remove(snap, key);
        }
      };
    }
  }

  /**
   * Drops from the upper directory what overlayfs copied up without a change. Only directories can
   * be such copies. The directories that only received mount-point stubs are known from the run
   * ({@code stubParents}, the usual copies: {@code /etc} of an image without {@code /etc/hosts}); a
   * base view is mounted only for another directory, and opaque markers are read only if such a
   * directory could go.
   */
  private void prune(Path upper, Chain base, Map<String, DirMetadata> stubParents)
      throws IOException {
    if (!UpperPruner.hasDirectory(upper)) {
      return;
    }
    View[] view = new View[1];
    try {
      UpperPruner.prune(
          upper,
          new UpperPruner.Lower() {
            @Override
            public DirMetadata directory(String path) throws IOException {
              DirMetadata known = stubParents.get(path);
              if (known != null) {
                return known;
              }
              if (view[0] == null) {
                view[0] = views.open(base);
              }
              Path below = view[0].root().resolve(path);
              return Files.isDirectory(below, LinkOption.NOFOLLOW_LINKS)
                  ? DirMetadata.of(below)
                  : null;
            }

            @Override
            public boolean knownCopyUp(String path) {
              return stubParents.containsKey(path);
            }
          },
          UpperPruner.lazy(() -> OpaqueProbe.scan(upper)));
    } finally {
      if (view[0] != null) {
        view[0].close();
      }
    }
  }

  private static ExecRequest request(ExecOp op, Path rootfs, List<Mount> mounts) {
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

  private synchronized RuncExecutor executor() {
    if (executor == null) {
      executor = new RuncExecutor(execRoot);
    }
    return executor;
  }
}
