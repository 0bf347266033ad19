package dev.kiln.solver.layer;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One entry of a layer: a path relative to the layer root and the metadata written to its tar
 * header. Paths use {@code /}, have no leading {@code /}, no empty, {@code .} or {@code ..}
 * components and no trailing slash (directories get theirs in the tar). Built with {@link
 * #builder(String, EntryType)}. Immutable; xattr values are copied in and out.
 *
 * @param path the relative path, e.g. {@code usr/bin/env}
 * @param type the kind of object
 * @param mode permission bits including setuid/setgid/sticky ({@code 07777} at most)
 * @param uid numeric owner
 * @param gid numeric group
 * @param uname owner name written as given ({@code ""} for none)
 * @param gname group name written as given ({@code ""} for none)
 * @param mtime modification time; the writer keeps whole seconds and applies its clamp
 * @param size content length of a {@link EntryType#FILE}, 0 otherwise
 * @param linkTarget target of a symlink or hard link, {@code ""} otherwise
 * @param devMajor device major number (devices only)
 * @param devMinor device minor number (devices only)
 * @param xattrs extended attributes by full name ({@code user.foo}); values must be UTF-8
 * @param fileId identity of the underlying inode when it has more than one link, or null; the
 *     writer turns later entries with the same id into hard links to the first one
 * @param content the content of a {@link EntryType#FILE}, or null for other types
 */
public record LayerEntry(
    String path,
    EntryType type,
    int mode,
    long uid,
    long gid,
    String uname,
    String gname,
    Instant mtime,
    long size,
    String linkTarget,
    int devMajor,
    int devMinor,
    Map<String, byte[]> xattrs,
    FileId fileId,
    ContentSource content) {

  /** The prefix of a whiteout entry's base name. */
  public static final String WHITEOUT_PREFIX = ".wh.";

  /** The base name of an opaque-directory marker. */
  public static final String OPAQUE_MARKER = ".wh..wh..opq";

  /** Identity of an inode: device and inode number as read from the filesystem. */
  public record FileId(long dev, long ino) {}

  /** Validates the path and type-specific fields and copies the xattrs. */
  public LayerEntry {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mtime, "mtime");
    checkPath(path);
    if ((mode & ~07777) != 0) {
      throw new IllegalArgumentException(
          "mode of '"
              + path
              + "' must hold permission bits only, got 0"
              + Integer.toOctalString(mode));
    }
    if (uid < 0 || gid < 0 || size < 0) {
      throw new IllegalArgumentException("uid, gid and size of '" + path + "' must be >= 0");
    }
    uname = uname == null ? "" : uname;
    gname = gname == null ? "" : gname;
    linkTarget = linkTarget == null ? "" : linkTarget;
    if (type == EntryType.FILE) {
      Objects.requireNonNull(content, "content of file '" + path + "'");
    } else if (size != 0 || content != null) {
      throw new IllegalArgumentException("only files have content; '" + path + "' is " + type);
    }
    if ((type == EntryType.SYMLINK || type == EntryType.HARDLINK) && linkTarget.isEmpty()) {
      throw new IllegalArgumentException(type + " '" + path + "' needs a link target");
    }
    TreeMap<String, byte[]> copy = new TreeMap<>();
    if (xattrs != null) {
      xattrs.forEach((k, v) -> copy.put(Objects.requireNonNull(k), v.clone()));
    }
    xattrs = Collections.unmodifiableMap(copy);
  }

  /** The extended attributes; each value is a copy. */
  @Override
  public Map<String, byte[]> xattrs() {
    TreeMap<String, byte[]> out = new TreeMap<>();
    xattrs.forEach((k, v) -> out.put(k, v.clone()));
    return out;
  }

  /** The last path component. */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** A builder for an entry at {@code path}; defaults: mode 0644 (0755 dirs), root, epoch. */
  public static Builder builder(String path, EntryType type) {
    return new Builder(path, type);
  }

  /** A whiteout ({@code dir/.wh.name}) hiding {@code path} of the lower layers. */
  public static LayerEntry whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String dir = slash < 0 ? "" : path.substring(0, slash + 1);
    String name = path.substring(slash + 1);
    return builder(dir + WHITEOUT_PREFIX + name, EntryType.FILE)
        .mode(0)
        .content(ContentSource.ofBytes(new byte[0]))
        .build();
  }

  /** An opaque marker ({@code dir/.wh..wh..opq}) hiding the lower content of {@code dir}. */
  public static LayerEntry opaque(String dir) {
    return builder(dir + "/" + OPAQUE_MARKER, EntryType.FILE)
        .mode(0)
        .content(ContentSource.ofBytes(new byte[0]))
        .build();
  }

  static void checkPath(String path) {
    if (path == null || path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException(
          "layer entry path must be relative without a trailing slash: '" + path + "'");
    }
    for (String c : path.split("/", -1)) {
      if (c.isEmpty() || c.equals(".") || c.equals("..") || c.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "layer entry path has an empty, '.', '..' or NUL component: '" + path + "'");
      }
    }
  }

  /** Builds a {@link LayerEntry}; not thread-safe. */
  public static final class Builder {
    private final String path;
    private final EntryType type;
    private int mode;
    private long uid;
    private long gid;
    private String uname = "";
    private String gname = "";
    private Instant mtime = Instant.EPOCH;
    private long size;
    private String linkTarget = "";
    private int devMajor;
    private int devMinor;
    private Map<String, byte[]> xattrs = Map.of();
    private FileId fileId;
    private ContentSource content;

    private Builder(String path, EntryType type) {
      this.path = path;
      this.type = type;
      this.mode = type == EntryType.DIRECTORY ? 0755 : type == EntryType.SYMLINK ? 0777 : 0644;
    }

    /** Permission bits ({@code 07777} at most). */
    public Builder mode(int mode) {
      this.mode = mode;
      return this;
    }

    /** Numeric owner and group. */
    public Builder owner(long uid, long gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    /** Owner and group names, written as given. */
    public Builder names(String uname, String gname) {
      this.uname = uname;
      this.gname = gname;
      return this;
    }

    /** Modification time. */
    public Builder mtime(Instant mtime) {
      this.mtime = mtime;
      return this;
    }

    /** Symlink or hard-link target. */
    public Builder linkTarget(String linkTarget) {
      this.linkTarget = linkTarget;
      return this;
    }

    /** Device numbers. */
    public Builder device(int major, int minor) {
      this.devMajor = major;
      this.devMinor = minor;
      return this;
    }

    /** Extended attributes by full name. */
    public Builder xattrs(Map<String, byte[]> xattrs) {
      this.xattrs = xattrs;
      return this;
    }

    /** Inode identity for hard-link detection. */
    public Builder fileId(FileId fileId) {
      this.fileId = fileId;
      return this;
    }

    /** File content of the given size. */
    public Builder content(long size, ContentSource content) {
      this.size = size;
      this.content = content;
      return this;
    }

    /** In-memory file content. */
    public Builder content(byte[] bytes) {
      return content(bytes.length, ContentSource.ofBytes(bytes));
    }

    /** Content source for an empty file. */
    Builder content(ContentSource empty) {
      return content(0, empty);
    }

    /** The entry. */
    public LayerEntry build() {
      return new LayerEntry(
          path,
          type,
          mode,
          uid,
          gid,
          uname,
          gname,
          mtime,
          size,
          linkTarget,
          devMajor,
          devMinor,
          xattrs,
          fileId,
          content);
    }
  }
}
