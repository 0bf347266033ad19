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
import dev.kiln.core.port.BlobProvider;
import dev.kiln.core.port.BlobTap;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.LayerCompressor;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.core.port.PathFilter;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.CacheManager;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.exec.RuncExecutor;
import dev.kiln.solver.fileop.FileOpExecutor;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.scheduler.CancellationToken;
import dev.kiln.solver.scheduler.OpRunner;
import dev.kiln.solver.snapshot.Snapshotters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local worker: runs every op on the host file system ({@code RUN} in runc), for the {@link
 * dev.kiln.solver.scheduler.Scheduler}. A result is a chain of stacked snapshots under {@code
 * <root>/snapshots/<id>} (each its own diff directory plus its parent), or, for a base image, its
 * layer descriptors until a step needs the files. Layer blobs are made only when an output asks for
 * them ({@link #exportLayers}), once per variant; see {@code solver/WORKER.md}.
 *
 * <p>Thread-safe: the scheduler runs independent vertices concurrently. A failed or cancelled op
 * leaves nothing behind but a temp directory that is removed (or, after a crash, removed when the
 * next worker opens the root). {@link #close} releases mounts still held.
 */
public final class LocalWorker implements OpRunner, AutoCloseable {

  private static final BuildkitChecksummer BUILDKIT_CHECKSUMMER = new BuildkitChecksummer();

  private final SnapshotStore snapshots;
  private final SnapshotMode mode;
  private final ImageSource images;
  private final Map<String, Path> locals;
  private final BlobFetcher blobs;
  private final Chains chains;
  private final Views views;
  private final LayerBlobs layerBlobs;
  private final ImagePuller puller;
  private final FileRunner files;
  private final ExecRunner execs;
  private final LayerApplier applier;
  private final CacheManager cache;
  private final HttpSource http;
  private final Map<Digest, ResolvedImage> resolved = new ConcurrentHashMap<>();

  private LocalWorker(Builder b) throws IOException {
    this.applier =
        new LayerApplier(
            new LayerApplier.Options(b.privileged, LayerApplier.DEFAULT_MAX_HEADER_BYTES));
    Leftovers.clean(b.root.toAbsolutePath());
    this.snapshots = new SnapshotStore(b.root);
    this.mode = new SnapshotMode(snapshots.root(), b.snapshotter, b.privileged);
    this.images = b.images;
    this.locals = Map.copyOf(b.locals);
    this.blobs = new BlobFetcher(b.store, b.progress);
    this.chains = new Chains(snapshots, blobs, applier, mode.format());
    this.views = new Views(snapshots, mode);
    this.layerBlobs = new LayerBlobs(snapshots, b.store, b.privileged, blobs::isImageLayer);
    this.puller = new ImagePuller(b.images, blobs, chains);
    this.files =
        new FileRunner(
            snapshots,
            chains,
            views,
            mode,
            new FileOpExecutor(new FileOpExecutor.Options(b.privileged, null)));
    this.execs =
        new ExecRunner(
            snapshots,
            chains,
            views,
            mode,
            files,
            b.progress,
            b.executor,
            snapshots.root().resolve("exec"),
            new ExecMounts.Sources(
                new CacheMounts(b.root.resolve(CACHE_MOUNTS)),
                Map.copyOf(b.secrets),
                Map.copyOf(b.sshAgents),
                snapshots.tmpDir()));
    this.cache = b.cache;
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
      return List.of(http.cacheMap(vertex, h, keys));
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
      result = CacheResult.EMPTY;
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
    try (Views.View v = views.open(chains.of(inputResult))) {
      if (BuildkitChecksummer.supports(selection.algorithm())) {
        return Optional.of(BUILDKIT_CHECKSUMMER.checksum(v.root(), selection, PathFilter.ALL));
      }
      return Optional.of(LocalContext.checksum(v.root(), selection));
    } catch (NoSuchFileException e) {
      // A missing COPY source: no content key; running the op reports it clearly.
      return Optional.empty();
    }
  }

  /**
   * The root file system of {@code result} as a directory of its own (hard links into the
   * snapshots, built once and cached with the result's top snapshot), for callers that copy files
   * out of it (a {@code type=local} output) and for tests. Must not be modified. When the result's
   * snapshots are missing they are rebuilt from its layer blobs (fetched if needed).
   *
   * @throws IOException if the snapshot is missing and cannot be rebuilt: its layers were never
   *     exported, or a blob cannot be fetched; the message says to run with {@code --no-cache}
   */
  public Path snapshot(CacheResult result) throws IOException {
    return views.nativeTree(chains.of(result));
  }

  /**
   * A read-only view of the root file system of {@code result}, open until closed (with overlay, a
   * mount). When the result's snapshots are missing, they are rebuilt from its layer blobs (fetched
   * if needed). Must not be modified.
   *
   * @throws IOException if the snapshot is missing and cannot be rebuilt: its layers were never
   *     exported, or a blob cannot be fetched; the message says to run with {@code --no-cache}
   */
  public SnapshotView view(CacheResult result) throws IOException {
    Views.View v = views.open(chains.of(result));
    return new SnapshotView() {
      @Override
      public Path root() {
        return v.root();
      }

      @Override
      public void close() throws IOException {
        v.close();
      }
    };
  }

  /** {@link #exportLayers(CacheResult, LayerRequest)} with {@link LayerRequest#DEFAULT}. */
  public List<ExportLayer> exportLayers(CacheResult result) throws IOException {
    return exportLayers(result, LayerRequest.DEFAULT);
  }

  /**
   * The layers of {@code result}, bottom first, as an image exporter (or a cache exporter) needs
   * them: each layer this worker built as a blob in {@code request}'s compression, level and mtime
   * clamp — made now if no earlier export made that variant, else reused — and each layer that came
   * as a blob (a base image layer) as that blob, unless {@code request.force()} converts it. Blobs
   * are in the content store when this returns, except base image layers not fetched yet: read them
   * through {@link #contentStore()}. Descriptors carry no internal annotations; the diffID is in
   * {@link ExportLayer#diffId()}. The layers are also recorded in the cache manager given to the
   * builder, so the result can be rebuilt from them if its snapshots are gone.
   *
   * @throws IOException if the result's snapshots are gone and it has no layers to rebuild from
   *     (the message says to run with {@code --no-cache}), or a blob cannot be written
   */
  public List<ExportLayer> exportLayers(CacheResult result, LayerRequest request)
      throws IOException {
    List<Descriptor> made = new ArrayList<>();
    if (result.layers().stream().anyMatch(d -> layerBlobs.needsClamp(d, request))) {
      // imported layers made after the epoch: unpacked, and made again clamped
      made.addAll(layerBlobs.blobs(chains.of(result).layers(), request));
    } else if (result.snapshotId().isEmpty() || !snapshots.exists(result.snapshotId())) {
      if (result.layers().isEmpty() && !result.snapshotId().isEmpty()) {
        chains.of(result); // fails naming what to do
      }
      for (Descriptor d : result.layers()) {
        made.add(layerBlobs.kept(d, request, blobs.lazyStore()));
      }
    } else {
      made.addAll(layerBlobs.blobs(snapshots.layers(result.snapshotId()), request));
      if (cache != null) {
        cache.recordLayers(result.snapshotId(), made);
      }
    }
    List<ExportLayer> out = new ArrayList<>();
    for (Descriptor d : made) {
      out.add(LayerBlobs.exported(d, null));
    }
    return out;
  }

  /**
   * Makes now, together, the blobs that {@link #exportLayers} will need for {@code results} in
   * {@code request}'s variant: the layers of every result whose snapshots are here, each once,
   * several compressed at once within the pool's memory bound (an export of many results, such as a
   * {@code mode=max} cache, would otherwise compress one result's layers at a time). Results known
   * only by descriptors, or whose imported layers must be clamped again, are left to {@link
   * #exportLayers}. {@code tap} (null for none) is told of each blob as its writing begins, so that
   * an exporter can send it while it is written.
   *
   * @throws IOException if a blob cannot be made
   */
  public void prepareLayers(List<CacheResult> results, LayerRequest request, BlobTap tap)
      throws IOException {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (CacheResult r : results) {
      if (!r.snapshotId().isEmpty()
          && snapshots.exists(r.snapshotId())
          && r.layers().stream().noneMatch(d -> layerBlobs.needsClamp(d, request))) {
        ids.addAll(snapshots.layers(r.snapshotId()));
      }
    }
    if (!ids.isEmpty()) {
      layerBlobs.blobs(new ArrayList<>(ids), request, tap);
    }
  }

  /**
   * The {@code SOURCE_DATE_EPOCH} a blob returned by {@link #exportLayers} was clamped to, or null
   * when it was not (made without an epoch, or a layer kept as it came).
   */
  public Instant clampedTo(Digest blob) {
    return layerBlobs.clampedTo(blob);
  }

  /**
   * The identity of each layer of {@code result}, bottom first, without making or fetching
   * anything: its layer snapshot's id (a layer known only by its blob is named by the chain ID of
   * the diffIDs up to it, as the snapshot it would be unpacked into). Two results share a layer at
   * a position exactly when they share its identity there. Empty for scratch.
   *
   * @throws IOException if the result's snapshot is gone and it has no layers to name
   */
  public List<String> layerIds(CacheResult result) throws IOException {
    return chains.ids(result);
  }

  /**
   * The worker's {@link LayerCompressor}: a blob this worker made is converted by making that
   * layer's variant from its snapshot (or returned as it is when it already is that variant); any
   * other blob is converted once and the result remembered. For image exporters' {@code
   * compression} attributes.
   */
  public LayerCompressor layerCompressor() {
    return layerBlobs;
  }

  /**
   * The content store as exporters must read it: base image layers not downloaded yet look present
   * and are fetched (verified) on first read.
   */
  public ContentStore contentStore() {
    return blobs.lazyStore();
  }

  /**
   * Adds a source of blobs for results known only by layer descriptors (e.g. imported from a remote
   * cache): when a step needs such a result's files, or an export its bytes, missing blobs are
   * asked from the providers in the order they were added, after base images.
   */
  public void addBlobProvider(BlobProvider provider) {
    blobs.addProvider(Objects.requireNonNull(provider, "provider"));
  }

  /**
   * Releases mounts still held by the snapshotter and writes the snapshots committed by this worker
   * to disk ({@link SnapshotStore#sync}: what the background syncs have not covered yet), before
   * the caller closes the cache that records them. Snapshots stay.
   *
   * @throws IOException if the snapshots cannot be synced
   */
  @Override
  public void close() throws IOException {
    try {
      mode.close();
    } finally {
      snapshots.sync();
    }
  }

  private CacheResult local(LocalOp op) throws IOException {
    Path dir = contextDir(op);
    Path temp = snapshots.newTemp();
    try {
      Path d = SnapshotStore.createRoot(temp.resolve("d"));
      LocalContext.copy(op, dir, d, applier, snapshots.tmpDir());
      // The id comes from what was copied, not from what the key saw (the context may change).
      String id = SnapshotStore.id('l', LocalContext.checksum(d));
      snapshots.commit(temp, id, SnapshotMeta.tree());
      return CacheResult.ofSnapshot(id);
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
      // A cached step on this image may need its layers later (an export, a rebuild).
      puller.register(vertex, r);
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
    private ProgressListener progress = ProgressListener.NONE;
    private CacheManager cache;
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
     * Where the worker records the layer blobs it makes for a result ({@link
     * CacheManager#recordLayers}), so that the result can be rebuilt from them after its snapshots
     * are gone (default: not recorded).
     */
    public Builder cache(CacheManager manager) {
      this.cache = Objects.requireNonNull(manager, "cache manager");
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

    /** Receives layer fetch progress ({@code bytes}); vertex events come from the scheduler. */
    public Builder progress(ProgressListener listener) {
      this.progress = Objects.requireNonNull(listener, "progress");
      return this;
    }

    /**
     * The snapshotter stacking snapshots for {@code RUN} and file ops: {@code auto} (default:
     * overlay where a probe mount works, else native), {@code overlay} or {@code native}. Selected
     * on first use; an unknown name or a forced overlay that cannot mount fails that step.
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
     * Creates the worker, creating {@code <root>/snapshots}, releasing mounts a killed process left
     * under {@code root} and clearing {@code <root>/tmp} and {@code <root>/runs}.
     *
     * @throws IOException if the root cannot be prepared
     */
    public LocalWorker build() throws IOException {
      return new LocalWorker(this);
    }
  }
}
