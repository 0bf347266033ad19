package dev.kiln.oci.registry;

import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.GrowingBlob;
import dev.kiln.oci.registry.auth.Scope;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * A client for one OCI Distribution registry host (e.g. {@code localhost:5000}, {@code ghcr.io}).
 * The repository is a parameter of each operation, so one client (one connection pool, one
 * authorizer, one concurrency bound) serves every repository of the host, which cross-repository
 * mounts need anyway.
 *
 * <p>Thread-safe: share one instance. At most {@link RegistryClientBuilder#maxParallel} operations
 * run at once; further callers wait. All operations throw {@link RegistryException} (with
 * subclasses for the cases callers handle) whose message names the operation and target and never
 * holds credentials. Close the client to release its connections.
 */
public final class RegistryClient implements Closeable {

  private static final Pattern REPOSITORY =
      Pattern.compile(
          "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  private final RegistryClientParts parts;
  private final Semaphore permits;

  RegistryClient(RegistryClientParts parts, int maxParallel) {
    this.parts = parts;
    this.permits = new Semaphore(maxParallel, true);
  }

  /** Starts configuring a client for {@code registryHost} ({@code host[:port]}). */
  public static RegistryClientBuilder builder(String registryHost) {
    return new RegistryClientBuilder(registryHost);
  }

  /** The registry host this client talks to, as configured. */
  public String registryHost() {
    return parts.transport().registryHost();
  }

  /** {@code GET /v2/}: succeeds when the registry answers 200 (after authorising if asked). */
  public void ping() throws RegistryException {
    limited(
        () -> {
          parts.ping().ping();
          return null;
        });
  }

  /**
   * Fetches a manifest or index by tag or digest, sending every manifest media type in {@code
   * Accept}. The digest is computed locally; it must match {@code Docker-Content-Digest} when the
   * registry sends one, and the requested digest when pulling by digest.
   *
   * @throws ManifestUnknownException when the manifest does not exist
   * @throws DigestMismatchException when the content does not match
   */
  public ManifestContent pullManifest(String repository, String reference)
      throws RegistryException {
    checkName(repository);
    checkReference(reference);
    return limited(() -> parts.manifestPuller().pull(repository, reference));
  }

  /**
   * {@code HEAD} of a manifest: its descriptor (media type, digest from {@code
   * Docker-Content-Digest}, size), or empty when it does not exist.
   */
  public Optional<Descriptor> checkManifest(String repository, String reference)
      throws RegistryException {
    checkName(repository);
    checkReference(reference);
    return limited(() -> parts.manifestPuller().head(repository, reference));
  }

  /**
   * Stores {@code manifest} (exact bytes) under a tag or its digest with {@code Content-Type}
   * {@code mediaType}; returns its digest, checked against what the registry reports.
   */
  public Digest pushManifest(String repository, String reference, byte[] manifest, String mediaType)
      throws RegistryException {
    checkName(repository);
    checkReference(reference);
    byte[] bytes = manifest.clone();
    return limited(() -> parts.manifestPusher().push(repository, reference, bytes, mediaType));
  }

  /** Deletes a manifest by digest (tags are refused by most registries with UNSUPPORTED). */
  public void deleteManifest(String repository, String reference) throws RegistryException {
    checkName(repository);
    checkReference(reference);
    limited(
        () -> {
          parts.manifestDeleter().delete(repository, reference);
          return null;
        });
  }

  /** {@code HEAD} of a blob: its size when present, empty when absent. */
  public OptionalLong checkBlob(String repository, Digest digest) throws RegistryException {
    checkName(repository);
    return limited(
        () -> parts.blobChecker().check(repository, digest, Set.of(Scope.pull(repository))));
  }

  /**
   * Streams a blob into {@code out} (not closed), verifying size ({@code expectedSize >= 0}) and
   * digest while streaming and resuming broken reads with Range requests. On a mismatch the bytes
   * are already written, so write to a place the caller can discard.
   *
   * @return the number of bytes written
   */
  public long pullBlob(String repository, Digest digest, long expectedSize, OutputStream out)
      throws RegistryException {
    checkName(repository);
    return limited(() -> parts.blobPuller().pull(repository, digest, expectedSize, out));
  }

  /**
   * Downloads the blob of {@code descriptor} to {@code target}: into a temporary file next to it,
   * verified, then moved into place atomically. An existing target is replaced.
   */
  public void pullBlob(String repository, Descriptor descriptor, Path target)
      throws RegistryException {
    checkName(repository);
    Path dir = target.toAbsolutePath().getParent();
    limited(
        () -> {
          Path temp = null;
          try {
            temp = Files.createTempFile(dir, ".pull-", ".part");
            try (OutputStream out = Files.newOutputStream(temp)) {
              parts.blobPuller().pull(repository, descriptor.digest(), descriptor.size(), out);
            }
            Files.move(
                temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
            return null;
          } catch (IOException e) {
            throw new RegistryException(
                "pulling blob "
                    + descriptor.digest().shortForm()
                    + " to "
                    + target
                    + ": "
                    + e.getMessage(),
                e);
          } finally {
            if (temp != null) {
              try {
                Files.deleteIfExists(temp);
              } catch (IOException ignored) {
                // The temp file is garbage either way; the original failure is what matters.
              }
            }
          }
        });
  }

  /** Pushes a blob unless the repository has it already. */
  public BlobOutcome pushBlob(String repository, BlobSource source) throws RegistryException {
    return pushBlob(repository, source, null);
  }

  /**
   * Pushes a blob unless the repository has it already, first trying a cross-repository mount from
   * {@code mountFrom} (same registry; null to skip). A refused mount falls back to an upload.
   */
  public BlobOutcome pushBlob(String repository, BlobSource source, String mountFrom)
      throws RegistryException {
    checkName(repository);
    if (mountFrom != null) {
      checkName(mountFrom);
    }
    return limited(() -> parts.blobPusher().push(repository, source, mountFrom));
  }

  /**
   * Pushes a blob while it is being written (a stream upload; see {@link GrowingBlob}), and returns
   * once the writer completed it and the registry stored it under its digest. The repository is not
   * asked first whether it has the blob (its digest is not known when sending begins). The bytes
   * are sent once: a failure (of the writer, the connection or the registry) is thrown and the
   * session cancelled, and pushing the finished blob with {@link #pushBlob} is the way to retry.
   */
  public BlobOutcome pushGrowingBlob(String repository, GrowingBlob blob) throws RegistryException {
    checkName(repository);
    return limited(() -> parts.blobPusher().pushGrowing(repository, blob));
  }

  /** All tags of a repository, following pagination links, in the registry's order. */
  public List<String> listTags(String repository) throws RegistryException {
    return listTags(repository, 0);
  }

  /** All tags, asking for pages of {@code pageSize} ({@code n}; 0 lets the registry choose). */
  public List<String> listTags(String repository, int pageSize) throws RegistryException {
    checkName(repository);
    return limited(() -> parts.tagLister().list(repository, pageSize));
  }

  /** Releases pooled connections and threads. The client must not be used afterwards. */
  @Override
  public void close() {
    parts.http().dispatcher().executorService().shutdown();
    parts.http().connectionPool().evictAll();
  }

  @FunctionalInterface
  private interface Op<T> {
    T run() throws RegistryException;
  }

  private <T> T limited(Op<T> op) throws RegistryException {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted while waiting for a free registry slot", e);
    }
    try {
      return op.run();
    } finally {
      permits.release();
    }
  }

  private static void checkName(String repository) {
    if (repository == null
        || repository.length() > 255
        || !REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException(
          "invalid repository name '"
              + repository
              + "': use lowercase path components like 'team/app' (no registry host)");
    }
  }

  private static void checkReference(String reference) {
    if (reference == null
        || !(TAG.matcher(reference).matches()
            || (reference.contains(":") && Digest.isValid(reference)))) {
      throw new IllegalArgumentException(
          "invalid manifest reference '" + reference + "': expected a tag or a digest");
    }
  }
}
