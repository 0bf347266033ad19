package dev.kiln.core.cache.buildkit;

import dev.kiln.core.cache.internal.GoPaths;
import dev.kiln.core.port.PathSelector;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BuildKit's content checksum ({@code cache/contenthash}) over a {@link ChecksumTree}: tarsum-style
 * entry headers, recursive directory digests, symlink resolution and wildcard selection, as
 * specified in core/README.md ("Content checksum, BuildKit"). One instance per checksum request;
 * not thread-safe; remembers digests of entries it has hashed.
 */
final class ContentHash {

  private static final int MAX_LINKS = 255;
  private static final byte[] NUL = {0};
  private static final Digest EMPTY = Digests.sha256(new byte[0]);

  private final ChecksumTree tree;
  private final Formulas formulas;
  private final boolean context;
  private final Map<String, Digest> memo = new HashMap<>();
  private int linksWalked;

  /**
   * @param context true for a build context received from a client: its root header is BuildKit's
   *     fake {@code sha256("")} and every owner is 0:0 (the client resets them)
   */
  ContentHash(ChecksumTree tree, Formulas formulas, boolean context) {
    this.tree = tree;
    this.formulas = formulas;
    this.context = context;
  }

  /**
   * {@code C = sha256(join(checksum of each selector, "\0"))}, selectors in the given order; none
   * means {@code /}.
   *
   * @throws NoSuchFileException if a non-wildcard selector's path does not exist
   */
  Digest checksum(List<PathSelector> selectors) throws IOException {
    List<PathSelector> sels =
        selectors.isEmpty() ? List.of(new PathSelector("/", false, false)) : selectors;
    MessageDigest md = Digests.newSha256();
    for (int i = 0; i < sels.size(); i++) {
      if (i > 0) {
        md.update(NUL);
      }
      md.update(selector(sels.get(i)).toString().getBytes(StandardCharsets.UTF_8));
    }
    return Digest.sha256(md.digest());
  }

  /** The checksum of one selector. */
  Digest selector(PathSelector sel) throws IOException {
    if (sel.wildcard() && GoPaths.containsWildcards(sel.path())) {
      return new WildcardSelection(this, sel.path(), sel.followSymlinks()).checksum();
    }
    return follow(GoPaths.joinRoot(sel.path()), sel.followSymlinks());
  }

  /** BuildKit's {@code checksumFollow}: the digest at {@code p}, following a final symlink. */
  Digest follow(String p, boolean followLinks) throws IOException {
    String path = p;
    for (int i = 0; ; i++) {
      if (i > MAX_LINKS) {
        throw new FileSystemException(p, null, "too many symlinks");
      }
      Resolved r = resolve(path);
      if (r.node() == null) {
        throw new NoSuchFileException(p, null, "selected path not found");
      }
      if (r.node().isSymlink() && followLinks) {
        String link = r.node().link();
        path =
            link.startsWith("/")
                ? GoPaths.joinRoot(link)
                : GoPaths.joinRoot(GoPaths.dir(path) + "/" + link);
        continue;
      }
      return digest(r.path(), r.node());
    }
  }

  /** A path after resolving symlinks in its parent components, and the entry there (or null). */
  record Resolved(String path, ChecksumTree.Node node) {}

  /** BuildKit v0.11's {@code getFollowLinks}: symlinks in parent components only. */
  Resolved resolve(String p) throws IOException {
    linksWalked = 0;
    return resolveWalk(p);
  }

  private Resolved resolveWalk(String p) throws IOException {
    ChecksumTree.Node n = tree.lstat(p);
    if (n != null || p.equals("/")) {
      return new Resolved(p, n);
    }
    String dir = GoPaths.dir(p);
    String file = GoPaths.base(p);
    Resolved parent = resolveWalk(dir);
    if (parent.node() != null && parent.node().isSymlink()) {
      if (++linksWalked > MAX_LINKS) {
        throw new FileSystemException(p, null, "too many symlinks");
      }
      return resolveWalk(GoPaths.joinRoot(cleanLink(dir, parent.node().link()) + "/" + file));
    }
    String k = GoPaths.joinRoot(parent.path() + "/" + file);
    return new Resolved(k, tree.lstat(k));
  }

  /** BuildKit's {@code cleanLink}: a relative target is joined to the link's directory. */
  static String cleanLink(String linkPath, String target) {
    if (target.startsWith("/")) {
      return GoPaths.joinRoot(target);
    }
    return GoPaths.joinRoot(GoPaths.dir(GoPaths.joinRoot(linkPath)) + "/" + target);
  }

  /** A file/symlink/device digest, or a directory's contents digest. */
  Digest digest(String path, ChecksumTree.Node n) throws IOException {
    return n.isDir() ? contents(path) : entry(path, n);
  }

  /** {@code sha256(header ‖ bytes)} for a regular file, {@code sha256(header)} otherwise. */
  Digest entry(String path, ChecksumTree.Node n) throws IOException {
    Digest d = memo.get(path);
    if (d != null) {
      return d;
    }
    MessageDigest md = Digests.newSha256();
    md.update(header(n));
    if (n.type() == '0' && n.size() > 0) {
      byte[] buf = new byte[32 * 1024];
      try (InputStream in = tree.open(path)) {
        for (int r; (r = in.read(buf)) > 0; ) {
          md.update(buf, 0, r);
        }
      }
    }
    d = Digest.sha256(md.digest());
    memo.put(path, d);
    return d;
  }

  /** The digest of a directory's own header (BuildKit's fake one for a context's root). */
  Digest dirHeader(String path, ChecksumTree.Node n) throws IOException {
    if (context && path.equals("/")) {
      return EMPTY;
    }
    return entry(path, n);
  }

  /**
   * {@code sha256("\0" ‖ header digest ‖ Σ "\0" name ‖ child digest)} over the children in byte
   * order of their names; a sub-directory contributes its contents digest, a symlink its own.
   */
  Digest contents(String path) throws IOException {
    String key = path + "\0contents";
    Digest d = memo.get(key);
    if (d != null) {
      return d;
    }
    ChecksumTree.Node self = tree.lstat(path);
    MessageDigest md = Digests.newSha256();
    md.update(NUL);
    md.update(dirHeader(path, self).toString().getBytes(StandardCharsets.UTF_8));
    for (String name : sortedChildren(path)) {
      String child = path.equals("/") ? "/" + name : path + "/" + name;
      ChecksumTree.Node c = tree.lstat(child);
      md.update(NUL);
      md.update(name.getBytes(StandardCharsets.UTF_8));
      md.update(digest(child, c).toString().getBytes(StandardCharsets.UTF_8));
    }
    d = Digest.sha256(md.digest());
    memo.put(key, d);
    return d;
  }

  List<String> sortedChildren(String path) throws IOException {
    List<String> names = new ArrayList<>(tree.list(path));
    names.sort(GoPaths::compareBytes);
    return names;
  }

  ChecksumTree tree() {
    return tree;
  }

  Formulas formulas() {
    return formulas;
  }

  /** The tarsum v1 header of an entry, as {@code archive/tar.FileInfoHeader} fills it. */
  byte[] header(ChecksumTree.Node n) {
    long uid = context ? 0 : n.uid();
    long gid = context ? 0 : n.gid();
    StringBuilder sb =
        new StringBuilder(96)
            .append("name")
            .append("mode")
            .append(n.mode() & 07777)
            .append("uid")
            .append(uid)
            .append("gid")
            .append(gid)
            .append("size")
            .append(n.type() == '0' ? n.size() : 0)
            .append("typeflag")
            .append(n.type())
            .append("linkname")
            .append(n.type() == '2' ? n.link() : "")
            .append("uname")
            .append("gname")
            .append("devmajor")
            .append(n.devMajor())
            .append("devminor")
            .append(n.devMinor());
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    if (n.xattrs().isEmpty()) {
      return head;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(head);
    // Only security.capability and keys outside security.* and system.* take part.
    for (Map.Entry<String, byte[]> x : n.xattrs().entrySet()) {
      String k = x.getKey();
      if (k.equals("security.capability")
          || (!k.startsWith("security.") && !k.startsWith("system."))) {
        out.writeBytes(k.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(x.getValue());
      }
    }
    return out.toByteArray();
  }
}
