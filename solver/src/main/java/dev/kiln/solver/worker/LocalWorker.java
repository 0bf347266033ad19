package dev.kiln.solver.worker;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.KeyFormulas;
import dev.kiln.core.cache.buildkit.BuildkitChecksummer;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.MergeOp;
import dev.kiln.core.graph.Op;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.PathFilter;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.exec.RuncExecutor;
import dev.kiln.solver.fileop.FileOpExecutor;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.layer.LayerWriter;
import dev.kiln.solver.scheduler.CancellationToken;
import dev.kiln.solver.scheduler.OpRunner;
import dev.kiln.solver.snapshot.Snapshotters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local worker: runs every op on the host file system ({@code RUN} in runc), for the {@link
 * dev.kiln.solver.scheduler.Scheduler}. Results are immutable snapshot directories under {@code
 * <root>/snapshots/<id>} plus their layer chain (blobs in the {@link ContentStore}, each descriptor
 * annotated with its diffID in {@code containerd.io/uncompressed}); see {@code solver/WORKER.md}.
 *
 * <p>Thread-safe: the scheduler runs independent vertices concurrently. A failed or cancelled op
 * leaves nothing behind but a temp directory that is removed (or, after a crash, removed when the
 * next worker opens the root).
 */
public final class LocalWorker implements OpRunner {

  private static final BuildkitChecksummer BUILDKIT_CHECKSUMMER = new BuildkitChecksummer();

  private final SnapshotStore snapshots;
  private final ImageSource images;
  private final Map<String, Path> locals;
  private final ImagePuller puller;
  private final FileRunner files;
  private final ExecRunner execs;
  private final HttpSource http;
  private final Map<Digest, ResolvedImage> resolved = new ConcurrentHashMap<>();

  private LocalWorker(Builder b) throws IOException {
    LayerApplier applier =
        new LayerApplier(
            new LayerApplier.Options(b.privileged, LayerApplier.DEFAULT_MAX_HEADER_BYTES));
    this.snapshots = new SnapshotStore(b.root, b.store, applier);
    this.images = b.images;
    this.locals = Map.copyOf(b.locals);
    this.puller = new ImagePuller(b.images, b.store, snapshots, b.progress);
    this.files =
        new FileRunner(
            snapshots,
            b.store,
            new LayerWriter(b.layers),
            new FileOpExecutor(new FileOpExecutor.Options(b.privileged, null)));
    this.execs =
        new ExecRunner(
            snapshots,
            files,
            b.progress,
            b.snapshotter,
            b.root.resolve("runs"),
            b.executor,
            b.root.resolve("exec"),
            new ExecMounts.Sources(
                snapshots,
                new CacheMounts(b.root.resolve(CACHE_MOUNTS)),
                Map.copyOf(b.secrets),
                Map.copyOf(b.sshAgents),
                snapshots.tmpDir()));
    this.http = new HttpSource(snapshots, b.root.resolve("http"));
  }

  /** Where the persistent {@code RUN --mount=type=cache} directories live under the root. */
  private static final String CACHE_MOUNTS = "cachemounts";

  /**
   * Deletes every cache mount ({@code RUN --mount=type=cache}) of the worker state under {@code
   * root}; returns how many there were. No worker may be using that state meanwhile.
   */
  public static int pruneCacheMounts(Path root) throws IOException {
    return CacheMounts.prune(root.resolve(CACHE_MOUNTS));
  }

  /**
   * Starts building a worker keeping its state under {@code root} and its blobs in {@code store}.
   */
  public static Builder builder(Path root, ContentStore store) {
    return new Builder(root, store);
  }

  @Override
  public List<CacheMap> cacheMaps(Vertex vertex, KeyFormulas keys, CancellationToken cancel)
      throws IOException, InterruptedException {
    Op op = vertex.op();
    if (op instanceof ImageOp image) {
      ResolvedImage r = resolve(vertex.digest(), image);
      return keys.forImage(image, r);
    }
    if (op instanceof HttpOp h) {
      return List.of(http.cacheMap(vertex, h));
    }
    if (op instanceof LocalOp local) {
      // Keyed by the selected content: an unchanged context keeps every key, a touched mtime too.
      Digest content = LocalContext.checksum(local, contextDir(local));
      return List.of(keys.forLocal(local, "content:" + content));
    }
    return keys.cacheMaps(vertex);
  }

  @Override
  public List<CacheResult> run(Vertex vertex, List<CacheResult> inputs, CancellationToken cancel)
      throws IOException, InterruptedException {
    Op op = vertex.op();
    CacheResult result;
    if (op instanceof ScratchOp) {
      result = scratch();
    } else if (op instanceof LocalOp local) {
      result = local(local);
    } else if (op instanceof ImageOp image) {
      result = puller.pull(vertex.digest(), resolve(vertex.digest(), image));
    } else if (op instanceof HttpOp h) {
      result = http.run(vertex, h);
    } else if (op instanceof FileOp file) {
      result = files.file(vertex, file, inputs);
    } else if (op instanceof MergeOp) {
      result = files.merge(inputs);
    } else if (op instanceof ExecOp exec) {
      result = execs.run(vertex, exec, inputs);
    } else {
      throw new IOException("the local worker cannot run " + op.getClass().getSimpleName());
    }
    return List.of(result);
  }

  @Override
  public Optional<Digest> contentChecksum(
      Vertex vertex,
      int input,
      CacheResult inputResult,
      ContentSelection selection,
      CancellationToken cancel)
      throws IOException, InterruptedException {
    Path root = snapshot(inputResult);
    try {
      if (BuildkitChecksummer.supports(selection.algorithm())) {
        return Optional.of(BUILDKIT_CHECKSUMMER.checksum(root, selection, PathFilter.ALL));
      }
      return Optional.of(LocalContext.checksum(root, selection));
    } catch (NoSuchFileException e) {
      // A missing COPY source: no content key; running the op reports it clearly.
      return Optional.empty();
    }
  }

  /**
   * The root file system of {@code result} as a read-only-by-convention directory. When its
   * snapshot directory is missing (deleted, or a cache from another machine), it is rebuilt by
   * applying the result's layers from the content store. Must not be modified by the caller.
   *
   * @throws IOException if the snapshot is missing and cannot be rebuilt: a build-context result
   *     (it has no layers) or a layer blob missing from the store; the message says to rebuild with
   *     {@code --no-cache}
   */
  public Path snapshot(CacheResult result) throws IOException {
    return snapshots.materialize(result);
  }

  /**
   * The layers of {@code result} as an {@link ExportLayer} list for an image exporter: each blob's
   * descriptor without the worker's internal annotations, with its diffID, and no origin.
   *
   * @throws IOException if a layer lacks its diffID (a corrupt cache record; rebuild with {@code
   *     --no-cache})
   */
  public List<ExportLayer> exportLayers(CacheResult result) throws IOException {
    List<ExportLayer> out = new java.util.ArrayList<>();
    for (Descriptor d : result.layers()) {
      Digest diffId;
      try {
        diffId = SnapshotStore.diffId(d);
      } catch (IllegalArgumentException e) {
        throw new IOException(e.getMessage() + "; rebuild with --no-cache", e);
      }
      // Internal annotations stay out of manifests, as BuildKit strips them.
      out.add(
          ExportLayer.of(
              new Descriptor(d.mediaType(), d.digest(), d.size(), d.urls(), null, null, null, null),
              diffId));
    }
    return out;
  }

  private CacheResult scratch() throws IOException {
    String id = SnapshotStore.chainId(List.of());
    if (!snapshots.exists(id)) {
      snapshots.commit(snapshots.newTemp(), id, List.of());
    }
    return new CacheResult(id, List.of());
  }

  private CacheResult local(LocalOp op) throws IOException {
    Path dir = contextDir(op);
    Path temp = snapshots.newTemp();
    try {
      Path rootfs = temp.resolve("rootfs");
      LocalContext.copy(op, dir, rootfs, snapshots.applier(), snapshots.tmpDir());
      // The id comes from what was copied, not from what the key saw (the context may change).
      String id = SnapshotStore.LOCAL_PREFIX + LocalContext.checksum(rootfs).hex();
      snapshots.commit(temp, id, List.of());
      return new CacheResult(id, List.of());
    } catch (IOException | RuntimeException e) {
      SnapshotStore.deleteTree(temp);
      throw e;
    }
  }

  private Path contextDir(LocalOp op) throws IOException {
    Path dir = locals.get(op.name());
    if (dir == null) {
      throw new IOException(
          "no directory was provided for local source '"
              + op.name()
              + "' (provided: "
              + String.join(", ", locals.keySet())
              + ")");
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("local source '" + op.name() + "': " + dir + " is not a directory");
    }
    return dir;
  }

  private ResolvedImage resolve(Digest vertex, ImageOp op) throws IOException {
    ResolvedImage r = resolved.get(vertex);
    if (r == null) {
      if (images == null) {
        throw new IOException("image " + op.ref() + ": this worker has no image source configured");
      }
      r = images.resolve(op.ref(), op.platform());
      resolved.put(vertex, r);
    }
    return r;
  }

  /** Configures a {@link LocalWorker}. Not thread-safe; build once. */
  public static final class Builder {
    private final Path root;
    private final ContentStore store;
    private final Map<String, Path> locals = new LinkedHashMap<>();
    private final Map<String, byte[]> secrets = new LinkedHashMap<>();
    private final Map<String, Path> sshAgents = new LinkedHashMap<>();
    private ImageSource images;
    private LayerWriter.Options layers = LayerWriter.Options.defaults();
    private ProgressListener progress = ProgressListener.NONE;
    private boolean privileged = LayerApplier.Options.detect().privileged();
    private String snapshotter = Snapshotters.AUTO;
    private RuncExecutor executor;

    private Builder(Path root, ContentStore store) {
      this.root = Objects.requireNonNull(root, "root");
      this.store = Objects.requireNonNull(store, "store");
    }

    /** Where image sources are resolved and pulled from (none: image ops fail). */
    public Builder images(ImageSource source) {
      this.images = Objects.requireNonNull(source, "image source");
      return this;
    }

    /** The directory served for local sources named {@code name} (e.g. "context"). */
    public Builder local(String name, Path dir) {
      locals.put(Objects.requireNonNull(name, "name"), dir.toAbsolutePath());
      return this;
    }

    /**
     * The value of secret {@code id} for {@code RUN --mount=type=secret}: given to the process as a
     * file on a memory file system (or a variable), never written to a snapshot, layer or cache
     * record.
     */
    public Builder secret(String id, byte[] value) {
      secrets.put(Objects.requireNonNull(id, "id"), value.clone());
      return this;
    }

    /** The SSH agent socket of {@code id} for {@code RUN --mount=type=ssh}. */
    public Builder sshAgent(String id, Path socket) {
      sshAgents.put(Objects.requireNonNull(id, "id"), socket.toAbsolutePath());
      return this;
    }

    /** How new layers are written (default: OCI gzip, no SOURCE_DATE_EPOCH clamp). */
    public Builder layers(LayerWriter.Options options) {
      this.layers = Objects.requireNonNull(options, "layer options");
      return this;
    }

    /** Receives layer fetch progress ({@code bytes}); vertex events come from the scheduler. */
    public Builder progress(ProgressListener listener) {
      this.progress = Objects.requireNonNull(listener, "progress");
      return this;
    }

    /**
     * The snapshotter preparing {@code RUN} root file systems: {@code auto} (default: overlay where
     * a probe mount works, else native), {@code overlay} or {@code native}. Selected on the first
     * {@code RUN}; an unknown name or a forced overlay that cannot mount fails that step.
     */
    public Builder snapshotter(String name) {
      this.snapshotter = Objects.requireNonNull(name, "snapshotter");
      return this;
    }

    /**
     * The executor for {@code RUN} (default: a {@link RuncExecutor} with its state under {@code
     * <root>/exec}, created on the first {@code RUN}; where runc or root is missing, every {@code
     * RUN} fails with its one-line reason). The worker does not close it.
     */
    public Builder executor(RuncExecutor value) {
      this.executor = Objects.requireNonNull(value, "executor");
      return this;
    }

    /** Whether ownership and device nodes are written (default: when running as root). */
    public Builder privileged(boolean value) {
      this.privileged = value;
      return this;
    }

    /**
     * Creates the worker, creating {@code <root>/snapshots} and clearing {@code <root>/tmp}.
     *
     * @throws IOException if the root cannot be prepared
     */
    public LocalWorker build() throws IOException {
      return new LocalWorker(this);
    }
  }
}
