package dev.kiln.cli;

import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.core.cache.buildkit.BuildkitKeys;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.frontend.dockerfile.convert.ConversionRequest;
import dev.kiln.solver.cache.CacheManager;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.cache.CombinedCacheManager;
import dev.kiln.solver.cache.FetchingContentStore;
import dev.kiln.solver.cache.KeyGraph;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.remote.ResultLayers;
import dev.kiln.solver.remote.WorkerResultLayers;
import dev.kiln.solver.scheduler.KeyFunction;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.store.LocalContentStore;
import dev.kiln.solver.worker.LocalWorker;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * kiln's state under {@code --root}, opened for one build and held exclusively (a file lock on
 * {@code <root>/lock}; a second build on the same root waits):
 *
 * <pre>
 * content/   blobs by digest (LocalContentStore)
 * cache/     the cache journal (LocalCacheManager); one for every SOURCE_DATE_EPOCH, which only
 *            changes the blobs an export makes, never a cache key
 * worker/    snapshots and work directories (LocalWorker)
 * </pre>
 *
 * Closing releases the worker's mounts, saves the cache and releases the lock.
 */
final class KilnState implements AutoCloseable {

  private final FileChannel lockChannel;
  private final FileLock lock;
  private final LocalCacheManager cache;
  private final LocalWorker worker;
  private final Scheduler scheduler;
  private final CacheManager manager;
  private final ResultLayers resultLayers;

  private KilnState(
      FileChannel lockChannel,
      FileLock lock,
      LocalCacheManager cache,
      List<ImportedCache> imported,
      LocalWorker worker,
      ResultLayers resultLayers,
      KeyFunction keys) {
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.cache = cache;
    this.worker = worker;
    this.resultLayers = resultLayers;
    List<KeyGraph> graphs = new ArrayList<>();
    for (ImportedCache c : imported) {
      graphs.add(KeyGraph.imported(c));
    }
    this.manager = graphs.isEmpty() ? cache : new CombinedCacheManager(cache, graphs);
    this.scheduler =
        new Scheduler(worker, manager, Runtime.getRuntime().availableProcessors(), keys);
  }

  /**
   * The state directory: {@code --root} when given, else {@code $XDG_DATA_HOME/kiln} or {@code
   * ~/.local/share/kiln}.
   */
  static Path root(String flag, Invocation invocation) throws CliException {
    if (flag != null) {
      return invocation.resolve(flag);
    }
    String xdg = invocation.env().get("XDG_DATA_HOME");
    if (xdg != null && !xdg.isEmpty()) {
      return invocation.resolve(xdg).resolve("kiln");
    }
    String home = invocation.env().getOrDefault("HOME", System.getProperty("user.home"));
    if (home == null || home.isEmpty()) {
      throw new CliException("no --root given and neither XDG_DATA_HOME nor HOME is set");
    }
    return invocation.resolve(home).resolve(".local/share/kiln");
  }

  /**
   * Opens the state for one build.
   *
   * @param imported the {@code --cache-from} caches: queried with the local cache, their blobs
   *     fetched into the content store only when something reads them
   * @param compressor the image exporters' compressor, bound here to the worker's
   */
  static KilnState open(
      BuildRequest request,
      Invocation invocation,
      ProgressDisplay progress,
      BuildImageSource images,
      List<ImportedCache> imported,
      WorkerCompressor compressor)
      throws CliException {
    Path root = request.root();
    FileChannel channel = null;
    FileLock lock = null;
    LocalCacheManager cache = null;
    try {
      Files.createDirectories(root);
      channel =
          FileChannel.open(
              root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = channel.tryLock();
      if (lock == null) {
        progress.notice("waiting for another kiln build using " + root + " …");
        lock = channel.lock();
      }
      LocalContentStore local = LocalContentStore.at(root.resolve("content"));
      // each download of an imported blob is a progress line of its own, with bytes
      ContentStore store =
          imported.isEmpty() ? local : new FetchingContentStore(local, imported, progress);
      dropEpochJournals(root);
      cache = LocalCacheManager.open(root.resolve("cache"));
      LocalWorker.Builder builder =
          LocalWorker.builder(root.resolve("worker"), store)
              .images(images)
              .local(ConversionRequest.DEFAULT_CONTEXT_NAME, request.context())
              .progress(progress)
              .snapshotter(request.snapshotter())
              .cache(cache);
      request.secrets().secrets().forEach(builder::secret);
      request.secrets().agents().forEach(builder::sshAgent);
      for (Map.Entry<String, String> c : request.buildContexts().entrySet()) {
        if (!c.getValue().contains("://")) {
          builder.local(c.getKey(), Path.of(c.getValue())); // a --build-context directory
        }
      }
      LocalWorker worker = builder.build();
      compressor.bind(worker.layerCompressor());
      ResultLayers resultLayers =
          new WorkerResultLayers(worker, images::origin, request.sourceDateEpoch());
      KeyFunction keys =
          request.cacheKeys().equals("kiln")
              ? KeyFunction.KILN
              : KeyFunction.of(BuildkitKeys.version(request.cacheKeys()));
      return new KilnState(channel, lock, cache, imported, worker, resultLayers, keys);
    } catch (IOException | OverlappingFileLockException e) {
      closeQuietly(cache);
      closeQuietly(channel);
      throw new CliException("cannot open kiln's state in " + root + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(cache);
      closeQuietly(channel);
      throw e;
    }
  }

  /**
   * Removes the per-epoch cache journals ({@code cache-sde-N/}) of kiln versions that wrote clamped
   * layers at build time: keys never depended on the epoch, and no journal of this version refers
   * to their snapshots.
   */
  private static void dropEpochJournals(Path root) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "cache-sde-*")) {
      for (Path d : ds) {
        try (Stream<Path> walk = Files.walk(d)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  Scheduler scheduler() {
    return scheduler;
  }

  /** The content store as exporters read it: base layers not pulled yet are fetched on read. */
  ContentStore store() {
    return worker.contentStore();
  }

  /**
   * Forgets every cached result that needs {@code blob} (an imported blob that cannot be fetched),
   * so that the next solve runs the steps that made them.
   */
  int dropBlob(dev.kiln.oci.Digest blob) throws IOException {
    return manager.drop(blob);
  }

  /** The layers of results in the compression a cache export asks for. */
  ResultLayers resultLayers() {
    return resultLayers;
  }

  /** The result's layers as {@code request} wants them (made now unless made before). */
  List<ExportLayer> exportLayers(CacheResult result, LayerRequest request) throws IOException {
    return worker.exportLayers(result, request);
  }

  /** The identities of a result's layers, without making blobs (see {@code LocalWorker}). */
  List<String> layerIds(CacheResult result) throws IOException {
    return worker.layerIds(result);
  }

  /** The root file system of a result (rebuilt from its layers if its snapshot is gone). */
  Path rootfs(CacheResult result) throws IOException {
    return worker.snapshot(result);
  }

  @Override
  public void close() throws CliException {
    scheduler.close();
    try {
      // the snapshots reach the disk before the journal that names them
      worker.close();
      cache.close();
    } catch (IOException e) {
      throw new CliException("saving the build cache in " + cache + ": " + e.getMessage(), e);
    } finally {
      try {
        lock.release();
      } catch (IOException e) {
        // Closing the channel releases it anyway.
      }
      closeQuietly(lockChannel);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // Already failing; the first error is the one reported.
    }
  }
}
