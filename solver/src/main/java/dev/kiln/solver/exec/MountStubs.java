package dev.kiln.solver.exec;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mount points missing from the rootfs (say {@code /etc/resolv.conf} in an image without one, or
 * the destination of a bind mount) would otherwise end up in the step's layer. Like BuildKit's
 * {@code MountStubsCleaner}, the chain of paths created for each (from the destination up to its
 * first missing ancestor) is removed after the run while it is still an empty file or directory;
 * anything the process wrote there stays.
 *
 * <p>The stubs are created here, before runc starts, rather than by runc: then the times of each
 * directory receiving a stub are known just before and just after, and when the process changed
 * nothing else there (its mtime is still the one right after the stubs were made) the directory
 * gets its old times back once the stubs are gone. Without that, an image without {@code
 * /etc/hosts} would get {@code /etc} into every RUN layer (BuildKit restores these times too,
 * moby/buildkit#3148). Destinations inside another mount (say {@code /dev/pts} in the {@code /dev}
 * tmpfs) are left to runc: they never touch the rootfs. Not thread-safe; one per run.
 */
final class MountStubs {

  /** A mount destination and whether its source is a regular file (a file stub, else a dir). */
  record Target(String destination, boolean file) {}

  /** A destination and the first of its ancestors (or itself) that was missing. */
  private record Stub(Path top, Path destination) {}

  /** Times of a directory that received stubs: before, right after, and at cleanup. */
  private static final class Parent {
    DirMetadata before; // its mtime is the one to restore
    FileTime atimeBefore;
    FileTime mtimeAfterStubs;
    boolean allRemoved = true;
  }

  private final List<Stub> stubs;
  private final Map<Path, Parent> parents;

  private final Map<Path, DirMetadata> untouched = new LinkedHashMap<>();

  private MountStubs(List<Stub> stubs, Map<Path, Parent> parents) {
    this.stubs = stubs;
    this.parents = parents;
  }

  /**
   * Creates the missing mount points of {@code targets} (in spec order) in {@code rootfs}.
   *
   * @throws IOException if a path cannot be resolved or created; the stubs made so far are removed
   */
  static MountStubs create(Path rootfs, List<Target> targets) throws IOException {
    MountStubs made = new MountStubs(new ArrayList<>(), new LinkedHashMap<>());
    try {
      made.createAll(rootfs, targets);
      return made;
    } catch (IOException | RuntimeException e) {
      made.clean();
      throw e;
    }
  }

  private void createAll(Path rootfs, List<Target> targets) throws IOException {
    List<String> earlier = new ArrayList<>();
    for (Target t : targets) {
      String dest = t.destination();
      boolean nested = earlier.stream().anyMatch(e -> isStrictlyUnder(dest, e));
      earlier.add(dest);
      if (nested) {
        continue;
      }
      Path top = firstMissing(rootfs, dest);
      if (top == null) {
        continue;
      }
      Path parent = top.getParent();
      if (!parents.containsKey(parent)) {
        BasicFileAttributes a = attributes(parent);
        Parent p = new Parent();
        p.before = a == null ? null : DirMetadata.of(parent);
        p.atimeBefore = a == null ? null : a.lastAccessTime();
        parents.put(parent, p);
      }
      Path destination = RootfsPath.resolve(rootfs, dest);
      stubs.add(new Stub(top, destination));
      Files.createDirectories(t.file() ? destination.getParent() : destination);
      if (t.file()) {
        Files.createFile(destination);
      }
    }
    for (Map.Entry<Path, Parent> e : parents.entrySet()) {
      BasicFileAttributes a = attributes(e.getKey());
      e.getValue().mtimeAfterStubs = a == null ? null : a.lastModifiedTime();
    }
  }

  private static Path firstMissing(Path rootfs, String dest) throws IOException {
    StringBuilder prefix = new StringBuilder();
    for (String part : dest.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      prefix.append('/').append(part);
      Path p = RootfsPath.resolve(rootfs, prefix.toString());
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        return p;
      }
    }
    return null;
  }

  private static boolean isStrictlyUnder(String path, String dir) {
    String d = dir.endsWith("/") ? dir : dir + "/";
    return !path.equals(dir) && path.startsWith(d);
  }

  /**
   * Removes the stubs that are still empty, nested ones first, then restores times; best effort.
   */
  void clean() {
    Map<Path, FileTime> atCleanup = new LinkedHashMap<>();
    for (Path parent : parents.keySet()) {
      BasicFileAttributes a = attributes(parent);
      atCleanup.put(parent, a == null ? null : a.lastModifiedTime());
    }
    for (int i = stubs.size() - 1; i >= 0; i--) {
      Stub s = stubs.get(i);
      boolean removedTop = false;
      for (Path p = s.destination(); p != null && p.startsWith(s.top()); p = p.getParent()) {
        if (!removeIfEmpty(p)) {
          break;
        }
        removedTop = p.equals(s.top());
      }
      if (!removedTop) {
        parents.get(s.top().getParent()).allRemoved = false;
      }
    }
    for (Map.Entry<Path, Parent> e : parents.entrySet()) {
      Parent p = e.getValue();
      FileTime now = atCleanup.get(e.getKey());
      if (p.allRemoved && p.before != null && now != null && now.equals(p.mtimeAfterStubs)) {
        if (restoreTimes(e.getKey(), p.before.mtime(), p.atimeBefore)) {
          untouched.put(e.getKey(), p.before);
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

  private static BasicFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean restoreTimes(Path dir, FileTime mtime, FileTime atime) {
    try {
      Files.getFileAttributeView(dir, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(mtime, atime, null);
      return true;
    } catch (IOException e) {
      // A changed directory time is a cosmetic difference in the layer, not a failure.
      return false;
    }
  }

  /**
   * After {@link #clean}: the directories that only received stubs, by path in the rootfs, with
   * their metadata from before (what the rootfs's lower layers hold). The process did not touch
   * them: every stub was still there to remove and their mtime was still the one the stubs left.
   * Such a directory cannot have been removed and made again either, since it held a mount point
   * during the whole run; on overlay it is a copy-up, and an upper copy with this metadata and no
   * entries is no change.
   */
  Map<Path, DirMetadata> untouchedParents() {
    return Map.copyOf(untouched);
  }
}
