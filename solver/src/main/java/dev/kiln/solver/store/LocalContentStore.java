package dev.kiln.solver.store;

import dev.kiln.core.port.ContentDigestMismatchException;
import dev.kiln.core.port.ContentNotFoundException;
import dev.kiln.core.port.ContentStore;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A {@link ContentStore} on a local file system: blob {@code <alg>:<hex>} lives at {@code
 * <root>/blobs/<alg>/<hex>} (the OCI image-layout path scheme).
 *
 * <p>A write streams into a temp file {@code .tmp-<uuid>} in the blob's own directory while hashing
 * and counting, forces it to disk, compares the digest, and only then renames it atomically onto
 * the blob path; so a blob path never holds a partial or unverified blob, and a crash leaves at
 * most an orphaned temp file (removed by {@link #at(Path)}). A target that already exists counts as
 * success: the content is the same by construction. Reads hash while streaming and throw {@link
 * ContentDigestMismatchException} at the end of the stream when the file was corrupted.
 *
 * <p>Thread-safe, also across processes sharing the root: all coordination is through atomic
 * renames. Content written with no expected digest is hashed with sha256.
 */
public final class LocalContentStore implements ContentStore {

  private static final String TEMP_PREFIX = ".tmp-";

  private final Path root;

  private LocalContentStore(Path root) {
    this.root = root;
  }

  /**
   * Opens (creating if needed) the store under {@code root} and removes temp files left behind by
   * an earlier crash.
   *
   * @throws IOException if the directories cannot be created or listed
   */
  public static LocalContentStore at(Path root) throws IOException {
    Path blobs = root.resolve("blobs");
    Files.createDirectories(blobs.resolve(Digest.SHA256));
    for (String alg : new String[] {Digest.SHA256, Digest.SHA512}) {
      Path dir = blobs.resolve(alg);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (var files = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
        for (Path tmp : files) {
          Files.deleteIfExists(tmp);
        }
      }
    }
    return new LocalContentStore(root);
  }

  /** The root directory of this store. */
  public Path root() {
    return root;
  }

  /** The path where blob {@code digest} is (or would be) stored. */
  public Path blobPath(Digest digest) {
    return root.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  @Override
  public boolean contains(Digest digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  @Override
  public long size(Digest digest) throws IOException {
    try {
      return Files.size(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw new ContentNotFoundException(digest);
    }
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    InputStream in;
    try {
      in = Files.newInputStream(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw new ContentNotFoundException(digest);
    }
    return new VerifyingInputStream(in, digest);
  }

  @Override
  public InputStream openUnverified(Digest digest, long offset) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(blobPath(digest), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ContentNotFoundException(digest);
    }
    try {
      if (offset > ch.size()) {
        throw new IOException("blob " + digest + " is shorter than offset " + offset);
      }
      ch.position(offset);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return Channels.newInputStream(ch);
  }

  @Override
  public Digests.Sized write(InputStream content, Digest expected) throws IOException {
    String algorithm = expected == null ? Digest.SHA256 : expected.algorithm();
    Path dir = root.resolve("blobs").resolve(algorithm);
    Files.createDirectories(dir);
    Path tmp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      Digest actual;
      long size;
      try (FileChannel ch =
              FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          Digests.CountingDigestOutputStream out =
              new Digests.CountingDigestOutputStream(Channels.newOutputStream(ch), algorithm)) {
        content.transferTo(out);
        out.flush();
        // The rename must not be able to publish a name whose data is still only in page cache.
        ch.force(true);
        actual = out.digest();
        size = out.count();
      }
      if (expected != null && !expected.equals(actual)) {
        throw new ContentDigestMismatchException(expected, actual);
      }
      Path target = dir.resolve(actual.hex());
      if (!Files.exists(target)) {
        publish(tmp, target);
      }
      return new Digests.Sized(actual, size);
    } finally {
      // Gone after a successful rename; otherwise a failed, mismatched or duplicate write.
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Takes over {@code file}, a blob whose digest the caller computed over exactly these bytes while
   * it wrote them (as the layer writer does, in the same pass): the file is synced and renamed into
   * place without being read again when it lies on this store's file system; otherwise it is copied
   * through {@link #write}, which hashes it. Either way {@code file} is gone afterwards. Saves a
   * full read and write of every layer the worker produces.
   *
   * @return the digest and size stored
   */
  public Digests.Sized adopt(Path file, Digest digest) throws IOException {
    Path dir = root.resolve("blobs").resolve(digest.algorithm());
    Files.createDirectories(dir);
    long size = Files.size(file);
    Path target = dir.resolve(digest.hex());
    if (Files.exists(target)) {
      Files.deleteIfExists(file);
      return new Digests.Sized(digest, size);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    try {
      publish(file, target);
      return new Digests.Sized(digest, size);
    } catch (IOException e) {
      // Another file system (no atomic rename across it): copy, hashing on the way.
      try (InputStream in = Files.newInputStream(file)) {
        return write(in, digest);
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  private static void publish(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException e) {
      // A concurrent writer published the same content first: that is success.
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "content store " + tmp.getParent() + " does not support atomic renames", e);
    }
  }

  @Override
  public boolean delete(Digest digest) throws IOException {
    // On POSIX an unlinked file stays readable through already open streams.
    return Files.deleteIfExists(blobPath(digest));
  }

  /** The shared verifying stream, failing with the port's mismatch exception. */
  private static final class VerifyingInputStream extends dev.kiln.oci.VerifyingInputStream {
    VerifyingInputStream(InputStream in, Digest expected) {
      super(in, expected, -1, "blob " + expected);
    }

    @Override
    protected IOException mismatch(Digest actual, long actualSize) {
      return new ContentDigestMismatchException(expected(), actual);
    }
  }
}
