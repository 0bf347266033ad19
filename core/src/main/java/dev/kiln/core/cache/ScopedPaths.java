package dev.kiln.core.cache;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves paths inside a snapshot as the container would see them: {@code root} is {@code /},
 * absolute symlink targets and {@code ..} are interpreted relative to it and can never leave it.
 */
final class ScopedPaths {

  private ScopedPaths() {}

  /**
   * The host path of {@code path} in the tree at {@code root}. Symlinks in parent components are
   * always resolved; the final component only when {@code followFinal}. The result may not exist.
   *
   * @throws FileSystemException after more than {@code maxHops} symlinks (a loop)
   */
  static Path resolve(Path root, String path, boolean followFinal, int maxHops) throws IOException {
    Deque<String> todo = new ArrayDeque<>(split(path));
    List<String> done = new ArrayList<>();
    int hops = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      Path candidate = join(root, done).resolve(c);
      boolean last = todo.isEmpty();
      if ((!last || followFinal) && Files.isSymbolicLink(candidate)) {
        if (++hops > maxHops) {
          throw new FileSystemException(path, null, "too many levels of symbolic links");
        }
        String target = Files.readSymbolicLink(candidate).toString();
        if (target.startsWith("/")) {
          done.clear();
        }
        List<String> parts = split(target);
        for (int i = parts.size() - 1; i >= 0; i--) {
          todo.addFirst(parts.get(i));
        }
        continue;
      }
      done.add(c);
    }
    return join(root, done);
  }

  private static List<String> split(String path) {
    return List.of(path.split("/", -1));
  }

  private static Path join(Path root, List<String> parts) {
    Path p = root;
    for (String s : parts) {
      p = p.resolve(s);
    }
    return p;
  }
}
