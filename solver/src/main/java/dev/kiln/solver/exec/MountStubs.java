package dev.kiln.solver.exec;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mount points that runc has to create in the rootfs (say {@code /etc/resolv.conf} in an image
 * without one, or the destination of a bind mount) would otherwise end up in the step's layer. Like
 * BuildKit's {@code MountStubsCleaner}, this records which mount destinations did not exist before
 * the run and afterwards removes the chain of paths runc created for each (from the destination up
 * to its first missing ancestor) while it is still an empty file or directory; anything the process
 * wrote there stays. Not thread-safe; one per run.
 */
final class MountStubs {

  /** A destination and the first of its ancestors (or itself) that was missing. */
  private record Stub(Path top, Path destination) {}

  private final List<Stub> stubs;

  private MountStubs(List<Stub> stubs) {
    this.stubs = stubs;
  }

  /** Records, for each destination, whether and from where it is missing in the rootfs. */
  static MountStubs record(Path rootfs, List<String> destinations) throws IOException {
    List<Stub> stubs = new ArrayList<>();
    for (String dest : destinations) {
      StringBuilder prefix = new StringBuilder();
      for (String part : dest.split("/")) {
        if (part.isEmpty()) {
          continue;
        }
        prefix.append('/').append(part);
        Path p = RootfsPath.resolve(rootfs, prefix.toString());
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          stubs.add(new Stub(p, RootfsPath.resolve(rootfs, dest)));
          break;
        }
      }
    }
    return new MountStubs(stubs);
  }

  /** Removes the recorded stubs that are still empty, nested mounts first; best effort. */
  void clean() {
    for (int i = stubs.size() - 1; i >= 0; i--) {
      Stub s = stubs.get(i);
      for (Path p = s.destination(); p != null && p.startsWith(s.top()); p = p.getParent()) {
        if (!removeIfEmpty(p)) {
          break;
        }
      }
    }
  }

  private static boolean removeIfEmpty(Path p) {
    try {
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) != 0) {
        return false;
      }
      if (Files.isSymbolicLink(p)) {
        return false;
      }
      Files.deleteIfExists(p);
      return true;
    } catch (DirectoryNotEmptyException e) {
      return false;
    } catch (IOException e) {
      // A stub that cannot be removed is a cosmetic leftover in the layer, not a failure.
      return false;
    }
  }
}
