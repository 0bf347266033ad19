package dev.kiln.solver.snapshot;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Snapshotter on overlayfs: {@link #prepare} mounts {@code <root>/<key>/merged} with the chain as
 * {@code lowerdir} and a fresh {@code upper} and {@code work}, through the {@code mount} binary.
 * Nothing is copied, so preparing costs O(1) in the size of the base image; the changes of a RUN
 * are exactly the upperdir. Needs root and a kernel with overlay (see {@link #probe}).
 *
 * <p>Layout: {@code <root>/<key>/{upper,work,merged}} ({@code empty} as the lower of a scratch
 * snapshot). The kernel stacks at most 500 lowers and takes one page of options; long chains fall
 * back to relative paths, see {@link OverlayMount}.
 *
 * <p>Thread-safe. A JVM shutdown hook lazily detaches mounts still held (Ctrl-C).
 */
public final class OverlaySnapshotter implements Snapshotter {

  /** The file in the snapshot root that remembers a successful probe (see {@link #probe}). */
  public static final String PROBE_MARKER = OverlayProbe.MARKER;

  private final Path root;
  private final boolean volatileUpper;
  private final Map<String, SnapshotHandle> snapshots = new ConcurrentHashMap<>();
  private final Set<Path> mounted = ConcurrentHashMap.newKeySet();
  private final Thread shutdownHook;

  /**
   * @param root directory for the snapshots (created if missing); must not itself be on overlayfs
   */
  public OverlaySnapshotter(Path root) {
    this(root, false);
  }

  /**
   * @param root directory for the snapshots (created if missing); must not itself be on overlayfs
   * @param volatileUpper mount prepared snapshots with {@code volatile} (Linux 5.10+; {@link
   *     #probe} tells): their unmount then skips syncing the upper file system, which otherwise
   *     writes every byte a step wrote to disk before the step ends. The snapshots are then as
   *     durable as any file written without fsync until the worker's store syncs them (in the
   *     background after each commit, and when it closes, before its cache records them for good).
   */
  public OverlaySnapshotter(Path root, boolean volatileUpper) {
    this.root = root.toAbsolutePath();
    this.volatileUpper = volatileUpper;
    this.shutdownHook = new Thread(this::detachAll, "kiln-overlay-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  @Override
  public String name() {
    return "overlay";
  }

  @Override
  public SnapshotHandle prepare(String key, List<Path> lowerDirs) throws SnapshotException {
    Path dir = create(key);
    try {
      Path upper = Files.createDirectory(dir.resolve("upper"));
      Path work = Files.createDirectory(dir.resolve("work"));
      Path merged = Files.createDirectory(dir.resolve("merged"));
      List<Path> lowers = lowerDirs.isEmpty() ? List.of(emptyLower(dir)) : lowerDirs;
      mount(OverlayMount.options(lowers, upper, work, volatileUpper), merged);
      return register(new SnapshotHandle(key, merged, lowerDirs, false));
    } catch (IOException | SnapshotException e) {
      discard(dir);
      throw wrap("preparing overlay snapshot " + key, e);
    }
  }

  @Override
  public SnapshotHandle view(String key, List<Path> lowerDirs) throws SnapshotException {
    Path dir = create(key);
    try {
      Path rootfs;
      if (lowerDirs.isEmpty()) {
        rootfs = emptyLower(dir);
      } else if (lowerDirs.size() == 1) {
        // A single layer is its own view; overlay needs two lowers to mount without an upper.
        rootfs = lowerDirs.get(0);
      } else {
        rootfs = Files.createDirectory(dir.resolve("merged"));
        mount(OverlayMount.options(lowerDirs, null, null, false), rootfs);
      }
      return register(new SnapshotHandle(key, rootfs, lowerDirs, true));
    } catch (IOException | SnapshotException e) {
      discard(dir);
      throw wrap("preparing overlay view " + key, e);
    }
  }

  /**
   * The upper directory of the prepared snapshot {@code key}: what has been written to its rootfs
   * so far, in overlayfs' form. Read it while mounted only to learn which paths were touched.
   */
  public Path upperDir(String key) throws SnapshotException {
    Trees.checkKey(key);
    return root.resolve(key).resolve("upper");
  }

  @Override
  public SnapshotChanges commit(String key) throws SnapshotException {
    SnapshotHandle h = snapshots.get(key);
    if (h == null || h.readOnly()) {
      throw new SnapshotException("no writable overlay snapshot " + key + " to commit");
    }
    Path merged = root.resolve(key).resolve("merged");
    try {
      unmount(merged);
    } catch (IOException e) {
      throw new SnapshotException("unmounting overlay snapshot " + key + ": " + e.getMessage(), e);
    }
    return new SnapshotChanges(
        SnapshotChanges.Kind.OVERLAY_UPPERDIR, root.resolve(key).resolve("upper"), h.lowerDirs());
  }

  @Override
  public void remove(String key) throws SnapshotException {
    Trees.checkKey(key);
    snapshots.remove(key);
    Path dir = root.resolve(key);
    try {
      Path merged = dir.resolve("merged");
      // Ask the kernel, not our set: the shutdown hook may have detached it already (Ctrl-C).
      if (OverlayMount.isMounted(merged)) {
        unmount(merged);
      } else {
        mounted.remove(merged);
      }
      Trees.deleteTree(dir);
    } catch (IOException e) {
      throw new SnapshotException("removing overlay snapshot " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    for (Path m : List.copyOf(mounted)) {
      try {
        unmount(m);
      } catch (IOException e) {
        // close is best effort; the shutdown hook would not do better.
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down and the hook runs anyway.
    }
  }

  /**
   * Detaches every mount whose mount point lies under {@code root} (deepest first), as a killed
   * process may have left them; without root there is nothing kiln could have mounted, and nothing
   * is done.
   *
   * @throws IOException if the mount table cannot be read
   */
  public static void detachAllUnder(Path root) throws IOException {
    String prefix = root.toAbsolutePath().normalize() + "/";
    List<String> points = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f.length > 4) {
        String point = unescapeMountPoint(f[4]);
        if (point.startsWith(prefix)) {
          points.add(point);
        }
      }
    }
    points.sort(java.util.Comparator.comparingInt(String::length).reversed());
    for (String p : points) {
      try {
        Commands.run(null, List.of("umount", "--lazy", p));
      } catch (IOException e) {
        // Not ours to detach (no privilege): leave it.
      }
    }
  }

  private static String unescapeMountPoint(String s) {
    return s.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\");
  }

  /**
   * An overlay snapshotter for {@code root} when a probe mount there works (remembered in {@link
   * #PROBE_MARKER} for the same kernel and file system), with {@code volatile} upper mounts where
   * the kernel takes them; else why not.
   *
   * @param root the snapshot root (created if missing)
   * @return the snapshotter, or the reason overlay cannot be used
   */
  public static Probe probe(Path root) {
    OverlayProbe.Result r = OverlayProbe.run(root.toAbsolutePath());
    return r.unusable().isPresent()
        ? new Probe(null, r.unusable().get())
        : new Probe(new OverlaySnapshotter(root, r.volatileUpper()), null);
  }

  /**
   * What {@link #probe} found: a snapshotter, or the reason overlay cannot be used.
   *
   * @param snapshotter the snapshotter, or null
   * @param unusable the reason, or null
   */
  public record Probe(OverlaySnapshotter snapshotter, String unusable) {}

  private Path create(String key) throws SnapshotException {
    Trees.checkKey(key);
    Path dir = root.resolve(key);
    try {
      Files.createDirectories(root);
      return Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new SnapshotException("snapshot " + key + " already exists under " + root, e);
    } catch (IOException e) {
      throw new SnapshotException("creating snapshot " + key + ": " + e.getMessage(), e);
    }
  }

  private static Path emptyLower(Path dir) throws IOException {
    return Files.createDirectory(dir.resolve("empty"));
  }

  private SnapshotHandle register(SnapshotHandle h) {
    snapshots.put(h.key(), h);
    return h;
  }

  private void mount(OverlayMount.Options options, Path target) throws IOException {
    OverlayMount.mount(options, target);
    mounted.add(target);
  }

  private void unmount(Path target) throws IOException {
    OverlayMount.unmount(target);
    mounted.remove(target);
  }

  private void discard(Path dir) {
    try {
      Path merged = dir.resolve("merged");
      if (mounted.contains(merged)) {
        unmount(merged);
      }
      Trees.deleteTree(dir);
    } catch (IOException e) {
      // The original failure is what the user needs to see.
    }
  }

  private void detachAll() {
    for (Path m : mounted) {
      try {
        Commands.run(null, List.of("umount", "--lazy", m.toString()));
      } catch (IOException e) {
        // Best effort while the JVM goes down.
      }
    }
  }

  private static SnapshotException wrap(String what, Exception e) {
    if (e instanceof SnapshotException se) {
      return new SnapshotException(what + ": " + se.getMessage(), se);
    }
    return new SnapshotException(what + ": " + e.getMessage(), e);
  }
}
