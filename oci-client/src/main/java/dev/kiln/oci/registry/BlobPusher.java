package dev.kiln.oci.registry;

import dev.kiln.oci.Digest;
import dev.kiln.oci.GrowingBlob;
import dev.kiln.oci.registry.auth.Scope;
import java.util.Set;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one blob: HEAD (present means done), an optional cross-repository mount (201 mounted, 202
 * continue with the returned session, any failure retried as a plain upload), then a monolithic or
 * chunked upload. A session the registry forgot or rejects ({@code BLOB_UPLOAD_UNKNOWN}, {@code
 * BLOB_UPLOAD_INVALID}) is restarted from a new POST a bounded number of times, for replayable
 * sources only. A failed session is cancelled (best effort).
 */
final class BlobPusher {

  /** Restarts of the whole upload after the registry lost the session. */
  static final int MAX_RESTARTS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(BlobPusher.class);

  private final RegistryTransport transport;
  private final BlobChecker checker;
  private final BlobUploader uploader;
  private final UploadMode mode;
  private final long chunkSize;
  private final ProgressListener listener;

  BlobPusher(
      RegistryTransport transport, UploadMode mode, long chunkSize, ProgressListener listener) {
    this.transport = transport;
    this.checker = new BlobChecker(transport);
    this.uploader = new BlobUploader(transport);
    this.mode = mode;
    this.chunkSize = chunkSize;
    this.listener = listener;
  }

  BlobOutcome push(String repository, BlobSource source, String mountFrom)
      throws RegistryException {
    Digest digest = source.digest();
    String context =
        "pushing blob " + digest.shortForm() + " to " + transport.registryHost() + "/" + repository;
    if (checker.check(repository, digest, Set.of(Scope.push(repository))).isPresent()) {
      listener.blobPushed(digest, BlobOutcome.EXISTING);
      return BlobOutcome.EXISTING;
    }
    ProgressTracker progress = new ProgressTracker(listener, digest);
    String mount = mountFrom == null || mountFrom.equals(repository) ? null : mountFrom;
    for (int restart = 0; ; restart++) {
      HttpUrl location = null;
      try {
        BlobUploader.Start start = startSession(repository, digest, mount, context);
        if (start.mounted()) {
          listener.blobPushed(digest, BlobOutcome.MOUNTED);
          return BlobOutcome.MOUNTED;
        }
        mount = null; // a mount is only worth one try
        location = start.session().location();
        if (mode == UploadMode.CHUNKED && source.replayable()) {
          long chunk = Math.max(chunkSize, start.session().minChunk());
          for (long offset = 0; offset < source.size(); offset += chunk) {
            long length = Math.min(chunk, source.size() - offset);
            location =
                uploader.patch(repository, location, source, offset, length, progress, context);
          }
          uploader.commit(repository, location, digest, null, progress, context);
        } else {
          uploader.commit(repository, location, digest, source, progress, context);
        }
        listener.blobPushed(digest, BlobOutcome.PUSHED);
        return BlobOutcome.PUSHED;
      } catch (RegistryException e) {
        if (location != null) {
          uploader.cancel(repository, location, context);
        }
        boolean lostSession =
            e.hasErrorCode(ErrorCode.BLOB_UPLOAD_UNKNOWN)
                || e.hasErrorCode(ErrorCode.BLOB_UPLOAD_INVALID);
        if (!lostSession || !source.replayable() || restart >= MAX_RESTARTS) {
          throw e;
        }
        LOG.info("{}: the registry lost the upload session; starting over", context);
      }
    }
  }

  /**
   * Pushes a blob while it is being written: POST, one stream PATCH that sends the bytes as the
   * writer reports them, and PUT {@code ?digest=} once it completed. No HEAD first (the digest is
   * not known yet) and no restart (the bytes are sent once); a failure cancels the session.
   */
  BlobOutcome pushGrowing(String repository, GrowingBlob blob) throws RegistryException {
    String context =
        "pushing a blob being written to " + transport.registryHost() + "/" + repository;
    HttpUrl location = null;
    try {
      location = uploader.start(repository, null, null, context).session().location();
      location = uploader.stream(repository, location, blob, context);
      Digest digest = blob.digest();
      if (digest == null) {
        throw new RegistryException(
            context + ": the stream ended before the blob was complete", null);
      }
      uploader.commit(
          repository,
          location,
          digest,
          null,
          new ProgressTracker(listener, digest),
          "pushing blob "
              + digest.shortForm()
              + " to "
              + transport.registryHost()
              + "/"
              + repository);
      listener.blobPushed(digest, BlobOutcome.PUSHED);
      return BlobOutcome.PUSHED;
    } catch (RegistryException e) {
      if (location != null) {
        uploader.cancel(repository, location, context);
      }
      throw e;
    }
  }

  private BlobUploader.Start startSession(
      String repository, Digest digest, String mountFrom, String context) throws RegistryException {
    if (mountFrom != null) {
      try {
        return uploader.start(
            repository, digest, mountFrom, context + " (mounting from " + mountFrom + ")");
      } catch (RegistryException e) {
        // A mount is only an optimisation; registries refuse it for many reasons (auth, policy).
        LOG.debug(
            "{}: mount from {} failed, uploading instead: {}", context, mountFrom, e.getMessage());
      }
    }
    return uploader.start(repository, digest, null, context);
  }
}
