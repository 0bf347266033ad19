package dev.kiln.solver.snapshot;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Picks the snapshotter ({@code --snapshotter}): {@code auto} (the default) takes overlay when a
 * probe mount under the root works (root, a kernel with overlay, a root directory not on overlayfs)
 * and native otherwise; {@code overlay} and {@code native} force one. Stateless.
 */
public final class Snapshotters {

  /** The names {@link #select} accepts. */
  public static final String AUTO = "auto";

  private Snapshotters() {}

  /**
   * @param name {@code auto}, {@code overlay} or {@code native} (case-insensitive); null means auto
   * @param root directory for the snapshots
   * @return the snapshotter; the caller closes it
   * @throws SnapshotException for an unknown name, or {@code overlay} forced where it cannot work
   */
  public static Snapshotter select(String name, Path root) throws SnapshotException {
    String n = name == null ? AUTO : name.toLowerCase(Locale.ROOT);
    switch (n) {
      case AUTO:
        {
          OverlaySnapshotter.Probe p = OverlaySnapshotter.probe(root);
          return p.snapshotter() != null ? p.snapshotter() : new NativeSnapshotter(root);
        }
      case "overlay":
        {
          OverlaySnapshotter.Probe p = OverlaySnapshotter.probe(root);
          if (p.snapshotter() == null) {
            throw new SnapshotException(
                "--snapshotter=overlay cannot be used: "
                    + p.unusable()
                    + "; use --snapshotter=native");
          }
          return p.snapshotter();
        }
      case "native":
        return new NativeSnapshotter(root);
      default:
        throw new SnapshotException(
            "unknown snapshotter " + name + ": use auto, overlay or native");
    }
  }
}
