package dev.kiln.solver.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds overlay mount options and runs {@code mount -t overlay}. The kernel takes mount options as
 * one page ({@value #MAX_OPTIONS} bytes usable); when absolute paths do not fit, the paths are made
 * relative to their common parent and mount runs in that directory (what containerd does), and when
 * even that does not fit the mount fails asking for the native snapshotter. Stateless.
 */
final class OverlayMount {

  static final int MAX_OPTIONS = 4095;

  private OverlayMount() {}

  /** Options and the directory mount must run in (null: any). */
  record Options(String options, Path cwd) {}

  /**
   * @param lowers bottom first (overlay wants them top first, which this reverses)
   * @param upper upperdir, or null for a read-only view of at least two lowers
   * @param work workdir, with upper
   * @param volatileUpper add {@code volatile} (with an upper): unmounting then skips the sync of
   *     the upper file system
   */
  static Options options(List<Path> lowers, Path upper, Path work, boolean volatileUpper)
      throws SnapshotException {
    List<Path> all = new ArrayList<>(lowers);
    if (upper != null) {
      all.add(upper);
      all.add(work);
    }
    for (Path p : all) {
      String s = p.toString();
      if (s.contains(",") || s.contains(":") || s.contains("\\")) {
        throw new SnapshotException(
            "overlay cannot use directory " + s + ": its path contains , : or \\");
      }
    }
    String absolute = format(lowers, upper, work, null, volatileUpper);
    if (absolute.getBytes(StandardCharsets.UTF_8).length <= MAX_OPTIONS) {
      return new Options(absolute, null);
    }
    Path common = commonParent(all);
    String relative = format(lowers, upper, work, common, volatileUpper);
    if (common != null && relative.getBytes(StandardCharsets.UTF_8).length <= MAX_OPTIONS) {
      return new Options(relative, common);
    }
    throw new SnapshotException(
        "overlay mount options for "
            + lowers.size()
            + " layers exceed the kernel's "
            + MAX_OPTIONS
            + "-byte limit even with relative paths: use --snapshotter=native");
  }

  private static String format(
      List<Path> lowers, Path upper, Path work, Path base, boolean volatileUpper) {
    StringBuilder sb = new StringBuilder("lowerdir=");
    for (int i = lowers.size() - 1; i >= 0; i--) {
      sb.append(path(lowers.get(i), base));
      if (i > 0) {
        sb.append(':');
      }
    }
    if (upper != null) {
      sb.append(",upperdir=").append(path(upper, base));
      sb.append(",workdir=").append(path(work, base));
    }
    // Without index=off a lower used under two upperdirs can fail to mount ("index mismatch").
    if (Files.exists(Path.of("/sys/module/overlay/parameters/index"))) {
      sb.append(",index=off");
    }
    // Renamed directories and metadata-only copy-ups would leave xattr references in an upper
    // directory, which then could not be read as a layer (or stacked as a lower) on its own.
    if (upper != null && Files.exists(Path.of("/sys/module/overlay/parameters/redirect_dir"))) {
      sb.append(",redirect_dir=off");
    }
    if (upper != null && Files.exists(Path.of("/sys/module/overlay/parameters/metacopy"))) {
      sb.append(",metacopy=off");
    }
    if (upper != null && volatileUpper) {
      sb.append(",volatile");
    }
    return sb.toString();
  }

  private static String path(Path p, Path base) {
    return base == null ? p.toString() : base.relativize(p).toString();
  }

  private static Path commonParent(List<Path> paths) {
    Path common = paths.get(0).getParent();
    for (Path p : paths) {
      while (common != null && !p.startsWith(common)) {
        common = common.getParent();
      }
    }
    return common;
  }

  static void mount(Options options, Path target) throws IOException {
    Commands.run(
        options.cwd(),
        List.of("mount", "-t", "overlay", "overlay", "-o", options.options(), target.toString()));
  }

  /** Unmounts; if busy, detaches lazily so that no mount is left in the namespace. */
  static void unmount(Path target) throws IOException {
    try {
      Commands.run(null, List.of("umount", target.toString()));
    } catch (IOException busy) {
      Commands.run(null, List.of("umount", "--lazy", target.toString()));
    }
  }

  /**
   * @return whether {@code target} is a mount point, from /proc/self/mountinfo
   */
  static boolean isMounted(Path target) throws IOException {
    String t = target.toString().replace(" ", "\\040");
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f.length > 4 && f[4].equals(t)) {
        return true;
      }
    }
    return false;
  }
}
