package dev.kiln.solver.fileop;

import dev.kiln.core.graph.FileAction;
import dev.kiln.core.pattern.Glob;
import dev.kiln.solver.layer.ArchiveUnpacker;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.layer.LayerException;
import java.io.IOException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@link FileAction.Copy} with Docker's COPY rules (BuildKit's file backend over fsutil's
 * copy): the source is resolved inside its root, wildcards expand per component, the destination is
 * a directory when it ends in {@code /} or there are several sources, a directory source is copied
 * as its contents when {@code dirContentsOnly}, and a source lands inside an existing destination
 * directory under its own base name. With {@code attemptUnpackDockerCompatibility} (ADD), a matched
 * source that is a regular file whose content is a tar archive is extracted into the destination
 * directory by {@link ArchiveUnpacker} instead (BuildKit's {@code unpack}). One instance per
 * action; not thread-safe.
 */
final class CopyAction {
  private final FileAction.Copy copy;
  private final FileOpInput input;
  private final RootedFs src;
  private final RootedFs dest;
  private final UserDb.Ids owner;
  private final FileOpExecutor.Options options;
  private final String name;

  CopyAction(
      FileAction.Copy copy,
      FileOpInput input,
      RootedFs src,
      RootedFs dest,
      UserDb.Ids owner,
      FileOpExecutor.Options options) {
    this.copy = copy;
    this.input = input;
    this.src = src;
    this.dest = dest;
    this.owner = owner;
    this.options = options;
    this.name = copy.attemptUnpackDockerCompatibility() ? "ADD" : "COPY";
  }

  void run() throws IOException, FileOpException {
    List<String> sources = sources();
    if (sources.isEmpty()) {
      return;
    }
    boolean destIsDir = copy.dest().endsWith("/") || sources.size() > 1;
    Path destPath = dest.resolve(copy.dest(), true);
    // Prepared on the first plain copy: an archive creates its destination itself, in one mkdir -p
    // so the fixed timestamp of the parents holds.
    boolean prepared = false;
    TreeCopier copier = new TreeCopier(dest, copy.mode(), owner, options.privileged(), name);
    for (String virtual : sources) {
      Path from = src.resolve(virtual, copy.followSymlinks());
      BasicFileAttributes fa = RootedFs.lstat(from);
      if (fa == null) {
        // A followed symlink whose target is missing.
        throw notFound(virtual);
      }
      if (copy.attemptUnpackDockerCompatibility()
          && fa.isRegularFile()
          && ArchiveUnpacker.isArchive(from)) {
        unpack(virtual, from, destPath);
        continue;
      }
      if (!prepared) {
        prepareDestination(destPath, destIsDir);
        prepared = true;
      }
      BasicFileAttributes da = RootedFs.lstat(destPath);
      boolean destExists = da != null;
      Path target = destPath;
      if ((!copy.dirContentsOnly() && fa.isDirectory() && destExists)
          || (!fa.isDirectory() && destExists && da.isDirectory())) {
        String base = baseName(virtual);
        target = base.isEmpty() ? destPath : destPath.resolve(base);
      }
      if (fa.isDirectory()
          && src.root().equals(dest.root())
          && (target.startsWith(from) && !target.equals(from))) {
        throw new FileOpException(
            name
                + " failed: cannot copy "
                + virtual
                + " into itself ("
                + dest.display(target)
                + ")");
      }
      if (target.equals(from) && src.root().equals(dest.root())) {
        continue; // copying a path onto itself changes nothing
      }
      copier.copy(from, target);
    }
  }

  private List<String> sources() throws IOException, FileOpException {
    if (copy.allowWildcard() && Glob.hasMeta(copy.src())) {
      List<String> matches;
      try {
        matches = src.glob(copy.src());
      } catch (IllegalArgumentException e) {
        throw new FileOpException(name + " failed: " + e.getMessage());
      }
      if (matches.isEmpty() && !copy.allowEmptyWildcard()) {
        throw new FileOpException(
            name
                + " failed: no source files were specified ("
                + relative(copy.src())
                + " matched nothing in "
                + input.label()
                + ")");
      }
      return matches;
    }
    Path p;
    try {
      p = src.resolve(copy.src(), copy.followSymlinks());
    } catch (NotDirectoryException e) {
      throw notFound(copy.src());
    }
    if (RootedFs.lstat(p) == null) {
      throw notFound(copy.src());
    }
    return List.of(copy.src());
  }

  private void prepareDestination(Path destPath, boolean destIsDir)
      throws IOException, FileOpException {
    Path dir = destIsDir ? destPath : destPath.getParent();
    if (dir == null || !dir.startsWith(dest.root())) {
      dir = dest.root();
    }
    BasicFileAttributes a = RootedFs.lstat(dir);
    if (a != null && !a.isDirectory()) {
      throw new FileOpException(
          name + " failed: destination " + dest.display(dir) + " is not a directory");
    }
    if (a != null) {
      return;
    }
    if (!copy.createDestPath()) {
      throw new FileOpException(
          name
              + " failed: destination "
              + (destIsDir ? "directory " : "parent ")
              + dest.display(dir)
              + " does not exist");
    }
    createDirs(dir);
  }

  /**
   * Extracts the archive {@code from} into {@code destPath} as a directory, created when missing as
   * BuildKit's {@code MkdirAll} (its parents too, unless {@code createDestPath} is false), with the
   * {@code --chown} owner. Extracted entries keep the archive's owners and modes: neither {@code
   * --chown} nor {@code --chmod} applies to them, as in docker's builder (dockerd 20.10, compared
   * by the CLI's DockerParityIT).
   */
  private void unpack(String virtual, Path from, Path destPath)
      throws IOException, FileOpException {
    BasicFileAttributes a = RootedFs.lstat(destPath);
    if (a != null && !a.isDirectory()) {
      throw new FileOpException(
          name
              + " failed: cannot extract archive "
              + relative(virtual)
              + " into "
              + dest.display(destPath)
              + ": it is not a directory");
    }
    if (a == null) {
      Path parent = destPath.getParent();
      if (!copy.createDestPath()
          && parent != null
          && parent.startsWith(dest.root())
          && RootedFs.lstat(parent) == null) {
        throw new FileOpException(
            name + " failed: destination parent " + dest.display(parent) + " does not exist");
      }
      createDirs(destPath);
    }
    ArchiveUnpacker unpacker =
        new ArchiveUnpacker(
            new LayerApplier.Options(options.privileged(), LayerApplier.DEFAULT_MAX_HEADER_BYTES));
    try {
      unpacker.unpack(from, relative(virtual) + " (" + input.label() + ")", destPath, -1, -1);
    } catch (LayerException e) {
      throw new FileOpException(name + " failed: " + e.getMessage(), e);
    }
  }

  /** {@code mkdir -p dir}: created directories get 0755, the owner and the fixed timestamp. */
  private void createDirs(Path dir) throws IOException {
    List<Path> created = new ArrayList<>();
    dest.mkdirs(dir, created::add);
    FileTime time = options.timestamp() == null ? null : FileTime.from(options.timestamp());
    for (Path d : created) {
      if (owner != null && options.privileged()) {
        Attrs.chown(d, owner.uid(), owner.gid());
      }
      Attrs.chmod(d, 0755);
      if (time != null) {
        Attrs.setMtime(d, time, false);
      }
    }
  }

  private FileOpException notFound(String path) {
    return new FileOpException(
        name + " failed: file not found in " + input.label() + ": " + relative(path));
  }

  private static String baseName(String virtual) {
    String v = virtual;
    while (v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    return v.substring(v.lastIndexOf('/') + 1);
  }

  private static String relative(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p.isEmpty() ? "." : p;
  }
}
