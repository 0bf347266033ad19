package dev.kiln.solver.remote;

import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.BlobUnavailableException;
import dev.kiln.solver.cache.CacheManager;
import java.util.Objects;

/**
 * The output side of the unavailable-blob fallback. The scheduler reruns a step whose cached input
 * cannot be fetched; but a requested output found in a cache may hold blobs that only an exporter
 * reads (an image pushed elsewhere, {@code --load}, a recompression). {@link #retrying} runs
 * "solve, then export"; when it fails because a blob cannot be fetched ({@link
 * BlobUnavailableException#find}), the cached results needing that blob are dropped and the whole
 * work runs again — the solve then runs the steps that produced them instead of finding them.
 */
public final class UnavailableBlobs {

  private UnavailableBlobs() {}

  /** Work that may fail with any exception. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code work}, again after each failure caused by an unavailable blob that {@code cache}
   * still had results for, at most {@code attempts} times in all.
   *
   * @throws Exception the failure of the last attempt, or any other failure at once
   */
  public static <T> T retrying(CacheManager cache, int attempts, Work<T> work) throws Exception {
    Objects.requireNonNull(cache, "cache");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    for (int i = 1; ; i++) {
      try {
        return work.run();
      } catch (Exception e) {
        Digest blob = BlobUnavailableException.find(e);
        if (blob == null || i >= attempts || cache.drop(blob) == 0) {
          throw e;
        }
      }
    }
  }
}
