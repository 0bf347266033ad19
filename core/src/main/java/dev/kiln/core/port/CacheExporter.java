package dev.kiln.core.port;

import dev.kiln.core.cache.remote.CacheChains;
import java.io.IOException;

/**
 * Writes a build cache somewhere (BuildKit's remote-cache {@code Exporter}): one instance per
 * {@code --cache-to}, created by a {@link CacheExporterFactory} from the user's attributes.
 *
 * <p>Contract: the solver fills {@link CacheChains} according to {@link #options()}; {@link
 * #export} writes blobs first, then the config, then the manifest or index last, so that a failure
 * at any point leaves whatever the target held before (never a manifest pointing at missing
 * content). Exporting the same chains twice writes byte-identical config and manifest. Layer blobs
 * are read from the content store, or mounted/skipped when the target already has them (no bytes
 * are read then). Safe to call from one thread at a time.
 */
public interface CacheExporter {

  /** The target for messages and progress, e.g. {@code registry localhost:5000/app:cache}. */
  String name();

  /** How the solver must build the chains, and how a failure is treated. */
  CacheExportOptions options();

  /**
   * Builds the chains and writes them. Building them makes the layers the export still needs, which
   * takes time, so the exporter builds them inside its {@code preparing build cache for export}
   * step, which the user then sees running.
   *
   * @param chains builds the cache graph of the solve (called once)
   * @param store where layer blobs are read from
   * @param progress receives the steps ({@code preparing build cache for export}, {@code writing
   *     layer sha256:…}, {@code writing config sha256:…}, {@code writing manifest sha256:…})
   * @return what was written; {@link CacheExportSummary#skipped()} when no record had layers
   * @throws IOException naming the target and what failed, or what building the chains threw
   */
  CacheExportSummary export(ChainsBuilder chains, ContentStore store, ProgressListener progress)
      throws IOException;

  /** {@link #export(ChainsBuilder, ContentStore, ProgressListener)} of chains already built. */
  default CacheExportSummary export(
      CacheChains chains, ContentStore store, ProgressListener progress) throws IOException {
    return export(() -> chains, store, progress);
  }

  /** Builds the chains of an export (walking the solve's keys, making layers). */
  @FunctionalInterface
  interface ChainsBuilder {
    CacheChains build() throws IOException;
  }

  /**
   * A layer the coming {@link #export} will list, offered as soon as it exists (while the solver
   * still makes the layers of other results), so that the exporter may start storing it and the
   * upload overlaps that work. {@link #export} still lists and counts it, waiting for what was
   * started here and reporting its failure as its own. The default does nothing.
   *
   * @param layer a layer of a result the chains will hold, its blob in {@code store} (or at its
   *     origin)
   * @param store where its blob is read from
   */
  default void offer(ExportLayer layer, ContentStore store) {}

  /**
   * Where the worker tells of each layer blob it begins to write for this export, so that the
   * exporter may send it while it is written ({@link #export} then waits for that and counts it as
   * uploaded, or sends the finished blob again when that failed); null when the exporter has no use
   * for it. The default is null.
   */
  default BlobTap tap() {
    return null;
  }

  /**
   * Cancels what {@link #offer} and {@link #tap} started that {@link #export} did not wait for:
   * everything when the build failed and there is no export, a layer offered after the export
   * otherwise. Blobs already stored stay (a registry drops unreferenced blobs itself). The default
   * does nothing.
   */
  default void withdrawOffers() {}
}
