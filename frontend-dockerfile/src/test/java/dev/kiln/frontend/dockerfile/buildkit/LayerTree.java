package dev.kiln.frontend.dockerfile.buildkit;

import dev.kiln.core.cache.buildkit.MemoryTree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** A gzip layer tar read into a {@link MemoryTree} (directories, files, symlinks; no whiteouts). */
final class LayerTree {

  private LayerTree() {}

  static MemoryTree of(Path gzipTar) throws IOException {
    MemoryTree t = new MemoryTree();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipTar));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        String name = "/" + e.getName().replaceAll("^\\./?", "").replaceAll("/$", "");
        int mode = e.getMode() & 07777;
        if (e.isDirectory()) {
          t.dir(name, mode, e.getLongUserId(), e.getLongGroupId());
        } else if (e.isSymbolicLink()) {
          t.symlink(name, e.getLinkName());
        } else if (e.isFile()) {
          t.file(name, mode, e.getLongUserId(), e.getLongGroupId(), tar.readAllBytes(), Map.of());
        } else {
          throw new IOException("unexpected entry type in " + gzipTar + ": " + e.getName());
        }
      }
    }
    return t;
  }
}
