package dev.kiln.solver.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An {@link EntrySource} over an overlayfs upper directory (or a snapshot's diff directory kept in
 * the same form), in {@link DirectoryWalker} order, translating overlayfs' markers into OCI
 * whiteouts: a character device 0/0 becomes {@code .wh.NAME}; an opaque directory (see {@link
 * OpaqueProbe}) is followed by a {@code .wh..wh..opq} entry. {@code user.overlay.*} xattrs are
 * overlayfs bookkeeping and are not copied into the layer. Redirected directories ({@code
 * redirect_dir}) and metacopy uppers are not supported: kiln mounts overlay without those features.
 *
 * <p>A diff directory written without privileges keeps OCI markers instead ({@link #ofOciMarkers}):
 * an empty file {@code .wh.NAME} is the whiteout of {@code NAME} and is emitted where {@code NAME}
 * sorts, so the entries come in the same order as from the overlay form; a file {@code
 * .wh..wh..opq} marks its directory opaque. Immutable; each {@link #emit} walks again.
 */
public final class OverlayUpperConverter implements EntrySource {
  private final Path upper;
  private final OpaqueProbe probe;
  private final boolean ociMarkers;

  /** A converter over {@code upper} asking {@code probe} about opaque directories. */
  public OverlayUpperConverter(Path upper, OpaqueProbe probe) {
    this(upper, probe, false);
  }

  private OverlayUpperConverter(Path upper, OpaqueProbe probe, boolean ociMarkers) {
    this.upper = Objects.requireNonNull(upper, "upper");
    this.probe = Objects.requireNonNull(probe, "probe");
    this.ociMarkers = ociMarkers;
  }

  /**
   * A converter over a diff directory whose whiteouts are {@code .wh.NAME} files and whose opaque
   * directories hold a {@code .wh..wh..opq} file (the form kept without the privileges to create
   * overlayfs' markers).
   */
  public static OverlayUpperConverter ofOciMarkers(Path dir) {
    return new OverlayUpperConverter(dir, d -> false, true);
  }

  @Override
  public void emit(EntrySink sink) throws IOException {
    walk(upper, "", sink);
  }

  private void walk(Path dir, String prefix, EntrySink sink) throws IOException {
    for (String name : names(dir)) {
      Path p = dir.resolve(name);
      if (ociMarkers && name.startsWith(LayerEntry.WHITEOUT_PREFIX)) {
        if (!name.equals(LayerEntry.OPAQUE_MARKER)) {
          sink.accept(
              LayerEntry.whiteout(prefix + name.substring(LayerEntry.WHITEOUT_PREFIX.length())));
        }
        continue;
      }
      String rel = prefix + name;
      Stat st = Stat.of(p);
      if (st == null) {
        continue;
      }
      if (st.type() == EntryType.CHAR_DEVICE && st.rdev() == 0) {
        sink.accept(LayerEntry.whiteout(rel));
        continue;
      }
      sink.accept(withoutOverlayXattrs(st.toEntry(rel, p)));
      if (st.type() == EntryType.DIRECTORY) {
        if (ociMarkers
            ? Files.exists(p.resolve(LayerEntry.OPAQUE_MARKER), LinkOption.NOFOLLOW_LINKS)
            : probe.isOpaque(p)) {
          sink.accept(LayerEntry.opaque(rel));
        }
        walk(p, rel + "/", sink);
      }
    }
  }

  /** The names of {@code dir} in layer order; OCI whiteouts sort as the name they hide. */
  private List<String> names(Path dir) throws IOException {
    List<String> names = DirectoryWalker.sortedNames(dir);
    if (ociMarkers) {
      names.sort(Comparator.comparing(OverlayUpperConverter::sortKey, Stat::compareNames));
    }
    return names;
  }

  private static String sortKey(String name) {
    return name.startsWith(LayerEntry.WHITEOUT_PREFIX) && !name.equals(LayerEntry.OPAQUE_MARKER)
        ? name.substring(LayerEntry.WHITEOUT_PREFIX.length())
        : name;
  }

  private static LayerEntry withoutOverlayXattrs(LayerEntry e) {
    Map<String, byte[]> x = new TreeMap<>(e.xattrs());
    if (!x.keySet().removeIf(k -> k.startsWith("user.overlay."))) {
      return e;
    }
    return new LayerEntry(
        e.path(),
        e.type(),
        e.mode(),
        e.uid(),
        e.gid(),
        e.uname(),
        e.gname(),
        e.mtime(),
        e.size(),
        e.linkTarget(),
        e.devMajor(),
        e.devMinor(),
        x,
        e.fileId(),
        e.content());
  }
}
