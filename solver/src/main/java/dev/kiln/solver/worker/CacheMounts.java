package dev.kiln.solver.worker;

import dev.kiln.core.graph.Mount;
import dev.kiln.oci.Digests;
import dev.kiln.solver.snapshot.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The persistent directories of {@code RUN --mount=type=cache} (BuildKit's cache mounts), under
 * {@code <root>/cachemounts/<key>/<instance>/data}. A cache is found by its id and, when it is
 * seeded from another step's files ({@code from=}/{@code source=}, or a directory made for {@code
 * uid}/{@code gid}/{@code mode}), by that seed too, as BuildKit keys {@code cache-dir:ID:REF}. Its
 * content is never part of a cache key or an image.
 *
 * <p>Sharing, as BuildKit: {@code shared} users use instance 0 at the same time; {@code locked}
 * users take instance 0 one after the other; {@code private} users take the first instance nobody
 * uses, creating a new one (seeded like the first) when all are busy. Builds on one root run one at
 * a time (the root's lock), so the locks here are within the process. Thread-safe.
 */
final class CacheMounts {

  /** A cache directory in use; {@link #close} gives it back. */
  interface Lease extends AutoCloseable {
    /** The directory to mount. */
    Path dir();

    @Override
    void close();
  }

  /** Users an instance can have at once; exclusive users take all of them. */
  private static final int ALL = Integer.MAX_VALUE;

  /**
   * One fair semaphore per instance: a shared user takes one permit, an exclusive (locked or
   * private) user all. Not reentrant, so two mounts of one step exclude each other too.
   */
  private static final Map<Path, Semaphore> USERS = new ConcurrentHashMap<>();

  private final Path root;

  CacheMounts(Path root) {
    this.root = root;
  }

  /**
   * The cache {@code id} for one run.
   *
   * @param seed the directory a new cache starts as a copy of, or null for an empty one
   * @param seedKey what identifies {@code seed} (e.g. its snapshot id), or null
   * @throws InterruptedException while waiting for a locked cache
   */
  Lease acquire(String id, Mount.CacheSharing sharing, Path seed, String seedKey)
      throws IOException, InterruptedException {
    String key =
        Digests.sha256(
                (id + "\0" + (seedKey == null ? "" : seedKey)).getBytes(StandardCharsets.UTF_8))
            .hex();
    Path cache = root.resolve(key);
    if (sharing == Mount.CacheSharing.PRIVATE) {
      for (int i = 0; ; i++) {
        Path instance = cache.resolve(Integer.toString(i));
        Semaphore users = users(instance);
        if (users.tryAcquire(ALL)) {
          return lease(id, instance, seed, users, ALL);
        }
      }
    }
    Path instance = cache.resolve("0");
    Semaphore users = users(instance);
    int permits = sharing == Mount.CacheSharing.LOCKED ? ALL : 1;
    users.acquire(permits);
    return lease(id, instance, seed, users, permits);
  }

  private static Semaphore users(Path instance) {
    return USERS.computeIfAbsent(instance.toAbsolutePath(), p -> new Semaphore(ALL, true));
  }

  private Lease lease(String id, Path instance, Path seed, Semaphore users, int permits)
      throws IOException {
    try {
      Path data = create(id, instance, seed);
      return new Lease() {
        @Override
        public Path dir() {
          return data;
        }

        @Override
        public void close() {
          users.release(permits);
        }
      };
    } catch (IOException | RuntimeException e) {
      users.release(permits);
      throw e;
    }
  }

  /** The instance's data directory, made (seeded) the first time; never replaced. */
  private static Path create(String id, Path instance, Path seed) throws IOException {
    Path data = instance.resolve("data");
    synchronized (CacheMounts.class) {
      if (Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
        return data;
      }
      Files.createDirectories(instance);
      Files.writeString(instance.getParent().resolve("id"), id + "\n");
      Path temp = instance.resolve("new-" + UUID.randomUUID());
      try {
        Files.createDirectory(temp);
        if (seed != null) {
          copyTree(seed, temp);
          PosixFileAttributes a =
              Files.readAttributes(seed, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          Files.setPosixFilePermissions(temp, a.permissions());
          Files.setOwner(temp, a.owner());
          Files.getFileAttributeView(temp, java.nio.file.attribute.PosixFileAttributeView.class)
              .setGroup(a.group());
        } else {
          Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.move(temp, data, StandardCopyOption.ATOMIC_MOVE);
        return data;
      } catch (IOException | RuntimeException e) {
        SnapshotStore.deleteTree(temp);
        throw e;
      }
    }
  }

  /**
   * Deletes every cache mount under {@code root} ({@code kiln prune}); returns how many caches
   * there were. The caller holds the state's lock, so none is in use.
   */
  static int prune(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    int n = 0;
    try (var dirs = Files.list(root)) {
      for (Path d : dirs.toList()) {
        SnapshotStore.deleteTree(d);
        n++;
      }
    }
    return n;
  }

  /** Copies the tree under {@code from} into {@code to} with owners, modes and xattrs. */
  private static void copyTree(Path from, Path to) throws IOException {
    try {
      Commands.run(null, List.of("cp", "-a", "--reflink=auto", "--", from + "/.", to.toString()));
    } catch (IOException e) {
      String out = e.getMessage();
      int nl = out.indexOf('\n');
      throw new IOException(
          "seeding a cache mount from " + from + ": " + (nl < 0 ? out : out.substring(0, nl)), e);
    }
  }
}
