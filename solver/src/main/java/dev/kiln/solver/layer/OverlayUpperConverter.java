package dev.kiln.solver.layer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An {@link EntrySource} over an overlayfs upper directory, in {@link DirectoryWalker} order,
 * translating overlayfs' markers into OCI whiteouts: a character device 0/0 becomes {@code
 * .wh.NAME}; an opaque directory (see {@link OpaqueProbe}) is followed by a {@code .wh..wh..opq}
 * entry. {@code user.overlay.*} xattrs are overlayfs bookkeeping and are not copied into the layer.
 * Redirected directories ({@code redirect_dir}) and metacopy uppers are not supported: kiln mounts
 * overlay without those features. Immutable; each {@link #emit} walks again.
 */
public final class OverlayUpperConverter implements EntrySource {
  private final Path upper;
  private final OpaqueProbe probe;

  /** A converter over {@code upper} asking {@code probe} about opaque directories. */
  public OverlayUpperConverter(Path upper, OpaqueProbe probe) {
    this.upper = Objects.requireNonNull(upper, "upper");
    this.probe = Objects.requireNonNull(probe, "probe");
  }

  @Override
  public void emit(EntrySink sink) throws IOException {
    walk(upper, "", sink);
  }

  private void walk(Path dir, String prefix, EntrySink sink) throws IOException {
    for (String name : DirectoryWalker.sortedNames(dir)) {
      Path p = dir.resolve(name);
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
        if (probe.isOpaque(p)) {
          sink.accept(LayerEntry.opaque(rel));
        }
        walk(p, rel + "/", sink);
      }
    }
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
