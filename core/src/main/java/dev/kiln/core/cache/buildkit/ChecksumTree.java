package dev.kiln.core.cache.buildkit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A read-only file tree as BuildKit's content hash sees it: absolute {@code /}-separated paths,
 * entries with their lstat metadata. {@link BuildkitChecksummer} reads directories on disk through
 * one; other sources (an in-memory model, a layer) can be checksummed by implementing it.
 * Implementations must be safe for one thread at a time.
 */
public interface ChecksumTree {

  /**
   * The entry at {@code path} (clean, absolute) without following any symlink, also not in parent
   * components: a path whose parent is a symlink does not exist here. Null when missing.
   */
  Node lstat(String path) throws IOException;

  /** The names of the entries of the directory {@code path}, in any order. */
  List<String> list(String path) throws IOException;

  /** The contents of the regular file {@code path}. */
  InputStream open(String path) throws IOException;

  /**
   * One entry's metadata.
   *
   * @param type the tar type flag: {@code '0'} file (also a socket, as BuildKit clears its type
   *     bit), {@code '5'} directory, {@code '2'} symlink, {@code '3'} char device, {@code '4'}
   *     block device, {@code '6'} FIFO
   * @param mode permission bits with setuid, setgid and sticky ({@code mode & 07777})
   * @param uid numeric owner
   * @param gid numeric group
   * @param size byte size of a regular file, else 0
   * @param link symlink target text, else empty
   * @param devMajor device major number, else 0
   * @param devMinor device minor number, else 0
   * @param xattrs extended attributes by full name (e.g. {@code user.note}), sorted
   */
  record Node(
      char type,
      int mode,
      long uid,
      long gid,
      long size,
      String link,
      long devMajor,
      long devMinor,
      Map<String, byte[]> xattrs) {

    /** Copies the xattrs into a map sorted by name. */
    public Node {
      Objects.requireNonNull(link, "link");
      xattrs = Collections.unmodifiableSortedMap(new TreeMap<>(xattrs == null ? Map.of() : xattrs));
    }

    /** True for a directory. */
    public boolean isDir() {
      return type == '5';
    }

    /** True for a symlink. */
    public boolean isSymlink() {
      return type == '2';
    }
  }
}
