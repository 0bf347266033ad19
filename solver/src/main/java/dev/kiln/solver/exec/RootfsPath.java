package dev.kiln.solver.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside a rootfs the way the container would see it, so that symlinks in an
 * untrusted image (say {@code /etc/passwd -> /host/secret} or {@code ../../..}) can never lead
 * outside the rootfs: absolute link targets restart from the rootfs, and {@code ..} stops at it
 * (the same rule as Go's securejoin used by runc and BuildKit). Stateless.
 */
final class RootfsPath {

  private static final int MAX_LINKS = 255;

  private RootfsPath() {}

  /**
   * @param rootfs the root directory
   * @param path a path as seen inside the container (absolute or relative to {@code /})
   * @return a host path under {@code rootfs}; components that do not exist are appended as-is
   * @throws IOException on a symlink loop or an unreadable link
   */
  static Path resolve(Path rootfs, String path) throws IOException {
    Deque<String> todo = new ArrayDeque<>(split(path));
    List<String> resolved = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!resolved.isEmpty()) {
          resolved.remove(resolved.size() - 1);
        }
        continue;
      }
      Path candidate = join(rootfs, resolved).resolve(c);
      if (Files.isSymbolicLink(candidate)) {
        if (++links > MAX_LINKS) {
          throw new IOException("too many levels of symbolic links resolving " + path);
        }
        String target = Files.readSymbolicLink(candidate).toString();
        if (target.startsWith("/")) {
          resolved.clear();
        }
        List<String> parts = split(target);
        for (int i = parts.size() - 1; i >= 0; i--) {
          todo.addFirst(parts.get(i));
        }
        continue;
      }
      resolved.add(c);
    }
    return join(rootfs, resolved);
  }

  private static Path join(Path rootfs, List<String> parts) {
    return parts.isEmpty() ? rootfs : rootfs.resolve(String.join("/", parts));
  }

  private static List<String> split(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }
}
