package dev.kiln.solver.exec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.HashMap;
import java.util.Map;

/**
 * What a layer records of a directory besides its entries: mode, owner, mtime and {@code user.*}
 * xattrs (without overlayfs' own {@code user.overlay.*}). Two directories with equal metadata and
 * no entries are the same layer entry. Immutable.
 *
 * @param mode the {@code unix:mode} bits
 * @param uid the owner
 * @param gid the group
 * @param mtime the modification time
 * @param userXattrs the {@code user.*} xattrs by name without the prefix
 */
public record DirMetadata(
    int mode, int uid, int gid, FileTime mtime, Map<String, ByteBuffer> userXattrs) {

  /** Copies the xattrs. */
  public DirMetadata {
    userXattrs = Map.copyOf(userXattrs);
  }

  /** The metadata of {@code dir}, not following a symlink. */
  public static DirMetadata of(Path dir) throws IOException {
    Map<String, Object> a =
        Files.readAttributes(dir, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    return new DirMetadata(
        (Integer) a.get("mode"),
        (Integer) a.get("uid"),
        (Integer) a.get("gid"),
        (FileTime) a.get("lastModifiedTime"),
        userXattrs(dir));
  }

  private static Map<String, ByteBuffer> userXattrs(Path p) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    Map<String, ByteBuffer> out = new HashMap<>();
    if (view == null) {
      return out;
    }
    for (String name : view.list()) {
      if (!name.startsWith("overlay.")) {
        ByteBuffer buf = ByteBuffer.allocate(view.size(name));
        view.read(name, buf);
        out.put(name, buf.flip());
      }
    }
    return out;
  }
}
