package dev.kiln.core.port;

import dev.kiln.core.cache.remote.ImportedCache;

/**
 * Reads a build cache (BuildKit's remote-cache {@code Importer}): one instance per {@code
 * --cache-from}, created by a {@link CacheImporterFactory} from the user's attributes.
 *
 * <p>Contract: {@link #resolve} reads only the manifest (or index) and the cache config, both
 * limited to 1 MiB; layer blobs stay where they are until {@link ImportedCache#fetch} is called. An
 * image without a cache config is read as an inline cache (an empty cache when its config has
 * none). Thread-safe.
 */
public interface CacheImporter {

  /** The source for messages and progress, e.g. {@code registry localhost:5000/app:cache}. */
  String name();

  /**
   * Reads the cache's manifest and config.
   *
   * @param progress receives the step {@code importing cache manifest from REF}
   * @throws CacheImportException with one line naming the source and the reason (missing,
   *     unauthorized, unreachable, malformed, too large); callers warn and build without it
   */
  ImportedCache resolve(ProgressListener progress) throws CacheImportException;
}
