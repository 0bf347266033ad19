package dev.kiln.core.cache.buildkit;

import dev.kiln.core.cache.internal.GoPaths;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory {@link ChecksumTree} for tests: entries by absolute path; parents are created as
 * directories 0755 0:0 when missing. Builder-style; not thread-safe.
 */
public final class MemoryTree implements ChecksumTree {

  private final Map<String, Node> nodes = new TreeMap<>();
  private final Map<String, byte[]> data = new HashMap<>();

  /** A tree with only a root directory 0755 0:0. */
  public MemoryTree() {
    nodes.put("/", dirNode(0755, 0, 0, Map.of()));
  }

  /** Adds a directory. */
  public MemoryTree dir(String path, int mode, long uid, long gid) {
    return dir(path, mode, uid, gid, Map.of());
  }

  /** Adds a directory with xattrs. */
  public MemoryTree dir(String path, int mode, long uid, long gid, Map<String, byte[]> xattrs) {
    put(path, dirNode(mode, uid, gid, xattrs));
    return this;
  }

  /** Adds a regular file 0:0 with UTF-8 text. */
  public MemoryTree file(String path, int mode, String text) {
    return file(path, mode, 0, 0, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** Adds a regular file. */
  public MemoryTree file(
      String path, int mode, long uid, long gid, byte[] bytes, Map<String, byte[]> xattrs) {
    put(path, new Node('0', mode, uid, gid, bytes.length, "", 0, 0, xattrs));
    data.put(path, bytes.clone());
    return this;
  }

  /** Adds a symlink 0777 0:0. */
  public MemoryTree symlink(String path, String target) {
    put(path, new Node('2', 0777, 0, 0, 0, target, 0, 0, Map.of()));
    return this;
  }

  /** Adds a character or block device. */
  public MemoryTree device(String path, char type, int mode, long major, long minor) {
    put(path, new Node(type, mode, 0, 0, 0, "", major, minor, Map.of()));
    return this;
  }

  /** Adds a FIFO. */
  public MemoryTree fifo(String path, int mode) {
    put(path, new Node('6', mode, 0, 0, 0, "", 0, 0, Map.of()));
    return this;
  }

  private static Node dirNode(int mode, long uid, long gid, Map<String, byte[]> xattrs) {
    return new Node('5', mode, uid, gid, 0, "", 0, 0, xattrs);
  }

  private void put(String path, Node n) {
    String parent = GoPaths.dir(path);
    if (!nodes.containsKey(parent)) {
      dir(parent, 0755, 0, 0);
    }
    nodes.put(path, n);
  }

  @Override
  public Node lstat(String path) {
    // Parents must be real directories, as in BuildKit's tree.
    for (String p = GoPaths.dir(path); !p.equals("/"); p = GoPaths.dir(p)) {
      Node n = nodes.get(p);
      if (n == null || !n.isDir()) {
        return null;
      }
    }
    return nodes.get(path);
  }

  @Override
  public List<String> list(String path) {
    List<String> out = new ArrayList<>();
    String prefix = path.equals("/") ? "/" : path + "/";
    for (String p : nodes.keySet()) {
      if (p.startsWith(prefix)
          && p.length() > prefix.length()
          && p.indexOf('/', prefix.length()) < 0) {
        out.add(p.substring(prefix.length()));
      }
    }
    return out;
  }

  @Override
  public InputStream open(String path) throws NoSuchFileException {
    byte[] b = data.get(path);
    if (b == null) {
      throw new NoSuchFileException(path);
    }
    return new ByteArrayInputStream(b);
  }
}
