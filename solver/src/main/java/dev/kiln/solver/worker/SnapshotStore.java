package dev.kiln.solver.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.solver.snapshot.Commands;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker's committed snapshots, stacked: {@code <root>/snapshots/<id>/} holds {@code meta.json}
 * ({@link SnapshotMeta}: kind and parent), {@code d/} (the snapshot's own diff directory),
 * optionally {@code v/} (the native snapshotter's cached full tree) and {@code blobs/} (the layer
 * blobs made from it, one record per variant). A snapshot is built in {@code <root>/tmp/<uuid>} and
 * committed by renaming that directory into place; once there it is never modified (only {@code v/}
 * and {@code blobs/} are added, each atomically).
 *
 * <p>Ids are short (25 characters) so that long chains fit in overlay's mount options: a letter for
 * the kind of origin and 24 hex digits — content-derived for snapshots unpacked from blobs ({@code
 * b}, the chain ID of their diffIDs), build contexts ({@code l}, the content checksum), merges
 * ({@code m}, their inputs) and flattened chains ({@code f}); random for what a step produced
 * ({@code s}). Thread-safe: concurrent commits of the same id keep the first.
 */
final class SnapshotStore {

  /** Annotation carrying a layer's diffID, as BuildKit writes it. */
  static final String UNCOMPRESSED = "containerd.io/uncompressed";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path root;
  private final List<String> syncCommand;
  private boolean unsynced;
  private Future<?> syncing;
  private final Path snapshots;
  private final Path tmp;
  private final Map<String, SnapshotMeta> metas = new ConcurrentHashMap<>();
  private final Map<String, List<String>> chains = new ConcurrentHashMap<>();

  SnapshotStore(Path root) throws IOException {
    this(root, List.of("sync", "-f"));
  }

  /** With {@code syncCommand} (the root's path appended) in place of {@code sync -f}, for tests. */
  SnapshotStore(Path root, List<String> syncCommand) throws IOException {
    this.syncCommand = List.copyOf(syncCommand);
    this.root = root.toAbsolutePath();
    this.snapshots = Files.createDirectories(this.root.resolve("snapshots"));
    this.tmp = this.root.resolve("tmp");
    if (Files.exists(tmp)) {
      // Leftovers of a crashed build: never referenced by any cache record.
      deleteTree(tmp);
    }
    Files.createDirectories(tmp);
    dropIncomplete();
  }

  /**
   * Writes what was committed to disk ({@code sync -f}: the whole file system of the root), so that
   * snapshots are durable before the cache journal that names them is forced. Steps do not sync one
   * by one (overlay snapshots are mounted {@code volatile}, file steps write without fsync): a
   * commit schedules a sync in the background shortly after (not while the step is finishing), at
   * most one at a time, so that writing back overlaps the next steps; this cancels one not begun,
   * waits for one running, and syncs once more what came after.
   */
  void sync() throws IOException {
    Future<?> pending;
    synchronized (this) {
      pending = syncing;
      syncing = null;
    }
    boolean failed = false;
    if (pending != null && !pending.cancel(false)) {
      try {
        pending.get();
      } catch (ExecutionException e) {
        failed = true; // synced again below, which reports the failure if it persists
      } catch (CancellationException e) {
        // cancelled before it began: what it would have synced is still unsynced
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while syncing snapshots");
      }
    }
    boolean again;
    synchronized (this) {
      again = unsynced || failed;
      unsynced = false;
    }
    if (again) {
      syncNow();
    }
  }

  /** Marks a commit and schedules a background sync unless one is scheduled or running. */
  private synchronized void committed() {
    unsynced = true;
    if (syncing == null || syncing.isDone()) {
      syncing =
          SYNCER.schedule(
              () -> {
                synchronized (this) {
                  unsynced = false;
                }
                syncNow();
                return null;
              },
              SYNC_DELAY_MS,
              TimeUnit.MILLISECONDS);
    }
  }

  /** How long after a commit its background sync begins (past the end of the step). */
  private static final long SYNC_DELAY_MS = 50;

  private void syncNow() throws IOException {
    List<String> command = new ArrayList<>(syncCommand);
    command.add(root.toString());
    Commands.run(null, command);
  }

  /** One daemon thread for background syncs (they only wait for the disk). */
  private static final ScheduledExecutorService SYNCER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kiln-snapshot-sync");
            t.setDaemon(true);
            return t;
          });

  /** The worker's root directory. */
  Path root() {
    return root;
  }

  /** The directory holding every snapshot (the common parent of overlay lowers). */
  Path snapshotsDir() {
    return snapshots;
  }

  /** The directory for temporary files (same file system as the snapshots). */
  Path tmpDir() {
    return tmp;
  }

  static Digest diffId(Descriptor layer) {
    String s = layer.annotation(UNCOMPRESSED);
    if (s == null) {
      throw new IllegalArgumentException(
          "layer " + layer.digest() + " has no " + UNCOMPRESSED + " annotation (its diffID)");
    }
    return Digest.parse(s);
  }

  /** A new id for what a step produced. */
  static String newId() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return "s" + HexFormat.of().formatHex(b);
  }

  /** The content-derived id of a snapshot: {@code prefix} and 24 hex digits of {@code digest}. */
  static String id(char prefix, Digest digest) {
    return prefix + digest.hex().substring(0, 24);
  }

  /** The id of a merge of {@code parents} (in order). */
  static String mergeId(List<String> parents) {
    return id('m', Digests.sha256("kiln.merge.v1\0" + String.join("\0", parents)));
  }

  /** The snapshot's directory, whether or not it exists. */
  Path dir(String id) {
    return snapshots.resolve(id);
  }

  /** The snapshot's own diff directory. */
  Path diffDir(String id) {
    return dir(id).resolve("d");
  }

  boolean exists(String id) {
    return metas.containsKey(id) || Files.isRegularFile(dir(id).resolve("meta.json"));
  }

  /**
   * The metadata of a committed snapshot.
   *
   * @throws NoSuchFileException if it does not exist
   */
  SnapshotMeta meta(String id) throws IOException {
    SnapshotMeta m = metas.get(id);
    if (m == null) {
      m = JSON.readValue(Files.readAllBytes(dir(id).resolve("meta.json")), SnapshotMeta.class);
      metas.put(id, m);
    }
    return m;
  }

  /**
   * The layer snapshots making up {@code id}, bottom first: a layer snapshot's parent chain and
   * itself; a merge's inputs' chains concatenated.
   */
  List<String> layers(String id) throws IOException {
    List<String> known = chains.get(id);
    if (known != null) {
      return known;
    }
    // Walk down to the nearest snapshot whose chain is known, then build up: no recursion over
    // a long chain.
    Deque<String> pending = new ArrayDeque<>();
    String at = id;
    List<String> below = List.of();
    while (at != null) {
      List<String> c = chains.get(at);
      if (c != null) {
        below = c;
        break;
      }
      SnapshotMeta m = meta(at);
      if (m.kind() == SnapshotMeta.Kind.MERGE) {
        List<String> all = new ArrayList<>();
        for (String p : m.parents()) {
          all.addAll(layers(p));
        }
        below = List.copyOf(all);
        chains.put(at, below);
        break;
      }
      pending.push(at);
      at = m.parent();
    }
    List<String> chain = below;
    while (!pending.isEmpty()) {
      String s = pending.pop();
      List<String> next = new ArrayList<>(chain.size() + 1);
      next.addAll(chain);
      next.add(s);
      chain = List.copyOf(next);
      chains.put(s, chain);
    }
    return chain;
  }

  /** A fresh temp directory for a snapshot being built; {@code d/} is not created. */
  Path newTemp() throws IOException {
    return Files.createDirectories(tmp.resolve(UUID.randomUUID().toString()));
  }

  /** Creates {@code dir} with the fixed mode of a snapshot root (part of content checksums). */
  static Path createRoot(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /**
   * Commits a temp snapshot as {@code id}: writes its metadata and renames the directory into
   * place. If {@code id} already exists (a concurrent or earlier build of the same content), the
   * temp one is deleted and the existing one kept.
   */
  void commit(Path temp, String id, SnapshotMeta meta) throws IOException {
    Files.write(temp.resolve("meta.json"), JSON.writeValueAsBytes(meta));
    Path target = dir(id);
    if (!Files.exists(target)) {
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        metas.put(id, meta);
        committed();
        return;
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // Another build committed the same content first; keep that one.
      }
    }
    deleteTree(temp);
  }

  /**
   * Puts {@code dir} (on this file system) at {@code snapshots/<id>/<name>} unless something is
   * there already, in which case {@code dir} is deleted. For the caches added to a committed
   * snapshot ({@code v/}).
   *
   * @return the path now holding it
   */
  Path attach(String id, String name, Path dir) throws IOException {
    Path target = dir(id).resolve(name);
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        committed();
        return target;
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // Someone else attached it first.
      }
    }
    deleteTree(dir);
    return target;
  }

  /**
   * Removes snapshot directories without {@code meta.json}: those of kiln versions before stacked
   * snapshots (a {@code rootfs/} per result), which no cache record of this version refers to.
   */
  private void dropIncomplete() throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(snapshots)) {
      for (Path d : ds) {
        if (!Files.isRegularFile(d.resolve("meta.json"))) {
          deleteTree(d);
        }
      }
    }
  }

  /** Reads a small JSON file, or returns null if it is missing. */
  static <T> T readJson(Path file, Class<T> type) throws IOException {
    try {
      return JSON.readValue(Files.readAllBytes(file), type);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Writes a small JSON file atomically (temp file and rename in the same directory). */
  static void writeJson(Path file, Object value) throws IOException {
    Files.createDirectories(file.getParent());
    Path t = file.resolveSibling(".tmp-" + UUID.randomUUID());
    try {
      Files.write(t, JSON.writeValueAsBytes(value));
      Files.move(t, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(t);
    }
  }

  /** Whether {@code dir} has no entries. */
  static boolean isEmptyDirectory(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    }
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
