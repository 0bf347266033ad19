package dev.kiln.core.cache.buildkit;

import dev.kiln.core.cache.internal.GoPaths;
import dev.kiln.core.pattern.Glob;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The checksum of a wildcard selector (BuildKit's {@code includedPaths} and the wildcard branch of
 * {@code Checksum}): walks the tree under the pattern's literal prefix in BuildKit's radix-key
 * order, keeps files, symlinks and directory headers matched by the pattern ({@link Glob}, the
 * matcher the copy itself uses) (and everything below a matched directory, but no directory
 * contents records), and combines their digests. One use.
 */
final class WildcardSelection {

  private static final byte[] NUL = {0};

  private final ContentHash hash;
  private final String pattern;
  private final boolean followLinks;
  private final List<Included> included = new ArrayList<>();
  private final Deque<Included> parentHeaders = new ArrayDeque<>();
  private String lastMatched = "";
  private String origPrefix;

  /** One kept entry: its path as the pattern spells it, its digest, whether it is top-level. */
  private static final class Included {
    final String path;
    Digest digest;
    final boolean symlink;
    final boolean topLevel;

    Included(String path, Digest digest, boolean symlink, boolean topLevel) {
      this.path = path;
      this.digest = digest;
      this.symlink = symlink;
      this.topLevel = topLevel;
    }
  }

  WildcardSelection(ContentHash hash, String pattern, boolean followLinks) {
    this.hash = hash;
    this.pattern = GoPaths.joinRoot(pattern);
    this.followLinks = followLinks;
  }

  Digest checksum() throws IOException {
    String d1 = literalPrefix(pattern);
    if (d1.equals("/")) {
      origPrefix = "";
      // The whole tree: root contents record, root header, then everything below.
      walkDir("/", "", true);
    } else {
      ContentHash.Resolved r = hash.resolve(d1);
      String resolved = r.path();
      String first = resolved;
      ChecksumTree.Node n = r.node();
      int hops = 0;
      while (n != null && n.isSymlink()) {
        if (++hops > 255) {
          throw new java.nio.file.FileSystemException(d1, null, "too many symlinks");
        }
        // v0.11 resolves each hop against the first link's directory (a shadowed variable in
        // wildcardPrefix); later versions walk the chain properly.
        resolved =
            ContentHash.cleanLink(
                hash.formulas().followNestedWildcardLinks() ? first : resolved, n.link());
        n = hash.tree().lstat(resolved);
      }
      if (n == null) {
        return Digests.sha256(new byte[0]);
      }
      origPrefix = d1;
      if (n.isDir()) {
        // From the prefix directory's header on (its contents record sorts before it).
        walkDir(resolved, d1, false);
      }
    }
    if (followLinks) {
      for (Included i : included) {
        if (i.symlink && (hash.formulas().followNestedWildcardLinks() || i.topLevel)) {
          i.digest = hash.follow(i.path, true);
        }
      }
    }
    if (included.isEmpty()) {
      return Digests.sha256(new byte[0]);
    }
    if (included.size() == 1 && GoPaths.base(pattern).equals(GoPaths.base(included.get(0).path))) {
      return included.get(0).digest;
    }
    MessageDigest md = Digests.newSha256();
    for (int i = 0; i < included.size(); i++) {
      Included e = included.get(i);
      if (hash.formulas().fileListWildcards()) {
        String rel = e.path.startsWith(origPrefix) ? e.path.substring(origPrefix.length()) : e.path;
        md.update(rel.isEmpty() ? NUL : rel.replace('/', '\0').getBytes(StandardCharsets.UTF_8));
      } else {
        if (i > 0) {
          md.update(NUL);
        }
        md.update(GoPaths.base(e.path).getBytes(StandardCharsets.UTF_8));
      }
      md.update(e.digest.toString().getBytes(StandardCharsets.UTF_8));
    }
    return Digest.sha256(md.digest());
  }

  /**
   * Visits, in radix-key order, directory {@code real} (spelled {@code spelled}): optionally its
   * contents record, its header, then each child (a sub-directory recursively).
   */
  private void walkDir(String real, String spelled, boolean withContents) throws IOException {
    ChecksumTree.Node self = hash.tree().lstat(real);
    if (withContents) {
      visit(spelled, real, self, Kind.CONTENTS);
    }
    visit(spelled, real, self, Kind.HEADER);
    for (String name : hash.sortedChildren(real)) {
      String childReal = real.equals("/") ? "/" + name : real + "/" + name;
      String childSpelled = spelled + "/" + name;
      ChecksumTree.Node c = hash.tree().lstat(childReal);
      if (c.isDir()) {
        walkDir(childReal, childSpelled, true);
      } else {
        visit(childSpelled, childReal, c, Kind.ENTRY);
      }
    }
  }

  private enum Kind {
    CONTENTS,
    HEADER,
    ENTRY
  }

  private void visit(String fn, String real, ChecksumTree.Node n, Kind kind) throws IOException {
    while (!parentHeaders.isEmpty() && !fn.startsWith(parentHeaders.peekLast().path + "/")) {
      parentHeaders.pollLast();
    }
    boolean topLevel = parentHeaders.isEmpty();
    if (lastMatched.isEmpty() || !fn.startsWith(lastMatched + "/")) {
      if (!Glob.match(pattern, fn)) {
        return;
      }
      lastMatched = fn;
    }
    if (kind == Kind.CONTENTS) {
      // Directory contents records are never kept (exclusions could make them wrong).
      return;
    }
    Digest d = kind == Kind.HEADER ? hash.dirHeader(real, n) : hash.entry(real, n);
    Included inc = new Included(fn, d, n.isSymlink(), topLevel);
    included.add(inc);
    if (kind == Kind.HEADER) {
      parentHeaders.addLast(inc);
    }
  }

  /** The components of {@code p} before the first one with a wildcard ({@code splitWildcards}). */
  static String literalPrefix(String p) {
    String[] parts = p.split("/", -1);
    List<String> literal = new ArrayList<>();
    for (String part : parts) {
      if (GoPaths.containsWildcards(part)) {
        break;
      }
      literal.add(part);
    }
    return GoPaths.joinRoot(String.join("/", literal));
  }
}
