package dev.kiln.solver.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.port.ContentNotFoundException;
import dev.kiln.core.port.ContentStore;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.layer.LayerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The worker's snapshots: {@code <root>/snapshots/<id>/rootfs} (the full tree) next to {@code
 * layers.json} (the layer chain reproducing it). A snapshot is built in {@code <root>/tmp/<uuid>}
 * and renamed into place; once there it is never modified. Ids of layered results are the chain of
 * their diffIDs, so a result with the same layers always has the same id and can be rebuilt from
 * its blobs. Thread-safe: concurrent commits of the same id keep the first and discard the others.
 */
final class SnapshotStore {

  /** Annotation carrying a layer's diffID, as BuildKit writes it. */
  static final String UNCOMPRESSED = "containerd.io/uncompressed";

  /** Prefix of build-context snapshots, which have no layers and cannot be rebuilt from them. */
  static final String LOCAL_PREFIX = "local-";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path snapshots;
  private final Path tmp;
  private final ContentStore store;
  private final LayerApplier applier;

  SnapshotStore(Path root, ContentStore store, LayerApplier applier) throws IOException {
    this.snapshots = Files.createDirectories(root.resolve("snapshots"));
    this.tmp = root.resolve("tmp");
    this.store = store;
    this.applier = applier;
    if (Files.exists(tmp)) {
      // Leftovers of a crashed build: never referenced by any cache record.
      deleteTree(tmp);
    }
    Files.createDirectories(tmp);
  }

  /** The content-derived id of the tree the layers produce. */
  static String chainId(List<Descriptor> layers) {
    MessageDigest md = Digests.newSha256();
    md.update("kiln.snapshot.v1".getBytes(StandardCharsets.UTF_8));
    for (Descriptor d : layers) {
      md.update((byte) 0);
      md.update(diffId(d).toString().getBytes(StandardCharsets.UTF_8));
    }
    return Digest.sha256(md.digest()).hex();
  }

  static Digest diffId(Descriptor layer) {
    String s = layer.annotation(UNCOMPRESSED);
    if (s == null) {
      throw new IllegalArgumentException(
          "layer " + layer.digest() + " has no " + UNCOMPRESSED + " annotation (its diffID)");
    }
    return Digest.parse(s);
  }

  /** The applier used for every snapshot of this store. */
  LayerApplier applier() {
    return applier;
  }

  /** The directory for temporary files (same file system as the snapshots). */
  Path tmpDir() {
    return tmp;
  }

  /** The rootfs of snapshot {@code id}, whether or not it exists. */
  Path rootfs(String id) {
    return snapshots.resolve(id).resolve("rootfs");
  }

  boolean exists(String id) {
    return Files.isDirectory(rootfs(id), LinkOption.NOFOLLOW_LINKS);
  }

  /** A fresh temp snapshot directory; its {@code rootfs} subdirectory exists and is empty. */
  Path newTemp() throws IOException {
    Path dir = tmp.resolve(UUID.randomUUID().toString());
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    // Fixed, not umask-dependent: the root's mode is part of content checksums of "/".
    Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /**
   * Moves a temp snapshot into place as {@code id}. If {@code id} already exists (a concurrent or
   * earlier build of the same content), the temp one is deleted and the existing one kept.
   */
  Path commit(Path temp, String id, List<Descriptor> layers) throws IOException {
    Files.write(temp.resolve("layers.json"), JSON.writeValueAsBytes(layers));
    Path target = snapshots.resolve(id);
    if (!Files.exists(target)) {
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        return rootfs(id);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // Another build committed the same content first; keep that one.
      }
    }
    deleteTree(temp);
    return rootfs(id);
  }

  /**
   * The rootfs of {@code result}, rebuilding it from its layer blobs when the directory is missing.
   *
   * @throws IOException if it is missing and cannot be rebuilt (a build context, or a blob missing
   *     from the content store)
   */
  Path materialize(CacheResult result) throws IOException {
    String id = result.snapshotId().isEmpty() ? chainId(result.layers()) : result.snapshotId();
    if (exists(id)) {
      return rootfs(id);
    }
    if (id.startsWith(LOCAL_PREFIX)) {
      throw new IOException(
          "snapshot " + id + " of a build context is missing; run the build with --no-cache");
    }
    Path temp = newTemp();
    try {
      applyAll(result.layers(), temp.resolve("rootfs"));
      return commit(temp, id, result.layers());
    } catch (IOException | RuntimeException e) {
      deleteTree(temp);
      throw e;
    }
  }

  /** Applies {@code layers} in order from the content store onto {@code rootfs}. */
  void applyAll(List<Descriptor> layers, Path rootfs) throws IOException {
    for (Descriptor d : layers) {
      applyOne(d, rootfs, diffId(d));
    }
  }

  /**
   * Applies one layer blob from the content store onto {@code rootfs}.
   *
   * @param expectedDiffId the diffID to verify, or null when unknown
   * @return the diffID of what was applied
   */
  Digest applyOne(Descriptor layer, Path rootfs, Digest expectedDiffId) throws IOException {
    try (InputStream in = store.open(layer.digest())) {
      return applier.apply(layer.digest().toString(), in, rootfs, expectedDiffId).diffId();
    } catch (ContentNotFoundException e) {
      throw new IOException(
          "layer "
              + layer.digest()
              + " is not in the content store, so its snapshot cannot be rebuilt;"
              + " run the build with --no-cache",
          e);
    } catch (LayerException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Copies the tree {@code from} into the existing empty directory {@code to} with {@code cp -a
   * --reflink=auto}: everything (owners, modes, times, links, devices, xattrs) is kept, and file
   * systems that support it share blocks copy-on-write.
   */
  static void copyTree(Path from, Path to) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("cp", "-a", "--reflink=auto", "--", from + "/.", to.toString())
            .redirectErrorStream(true)
            .start();
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(1, TimeUnit.DAYS) || p.exitValue() != 0) {
        throw new IOException(
            "copying snapshot " + from + ": " + firstLine(new String(out, StandardCharsets.UTF_8)));
      }
    } finally {
      p.destroy();
    }
  }

  private static String firstLine(String s) {
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  /** Deletes a tree without following symlinks, making directories writable first. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            d.toFile().setWritable(true, true);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Files.delete(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
