package dev.kiln.solver.fileop;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Tree helpers shared by the file op tests. */
final class Fixture {
  static final FileTime OLD = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));

  private Fixture() {}

  static Path file(Path root, String rel, String text, int mode) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    Files.setAttribute(p, "unix:mode", mode);
    Files.setLastModifiedTime(p, OLD);
    return p;
  }

  static Path dir(Path root, String rel) throws IOException {
    return Files.createDirectories(root.resolve(rel));
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }

  static int uid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  static int gid(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  /** Every entry of a tree with type, mode, owner, mtime, link text or content: a fingerprint. */
  static TreeMap<String, String> fingerprint(Path root) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(all::add);
    }
    for (Path p : all) {
      var a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
      String v = a.get("mode") + " " + a.get("uid") + " " + a.get("lastModifiedTime");
      if (Files.isSymbolicLink(p)) {
        v += " -> " + Files.readSymbolicLink(p);
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        v += " " + read(p);
      }
      out.put(root.relativize(p).toString(), v);
    }
    return out;
  }

  static FileOp op(FileAction... actions) {
    return new FileOp(List.of(actions));
  }

  /** A copy with every flag spelled out. */
  static FileAction.Copy copy(
      String src,
      String dest,
      boolean follow,
      boolean contents,
      boolean create,
      boolean wildcard,
      boolean emptyWildcard) {
    return new FileAction.Copy(
        1, src, dest, follow, contents, create, wildcard, emptyWildcard, -1, null);
  }

  /** A Dockerfile COPY as the converter emits it (allow-empty-wildcard included). */
  static FileAction.Copy dockerCopy(String src, String dest) {
    return new FileAction.Copy(1, src, dest, true, true, true, true, true, -1, null);
  }
}
