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
 * a directory when it ends in {@code /} (several sources into one that does not are copied one
 * after the other onto it, as BuildKit does: the last file wins, directories merge), a directory
 * source is copied as its contents when {@code dirContentsOnly}, and a source lands inside an
 * existing destination directory under its own base name. Directories the copy creates (the
 * destination and its missing parents, fsutil's {@code MkdirAll}) get the {@code --chmod} mode,
 * else 0755, and the {@code --chown} owner, else root. With {@code
 * attemptUnpackDockerCompatibility} (ADD), a matched source that is a regular file whose content is
 * a tar archive is extracted into the destination directory by {@link ArchiveUnpacker} instead
 * (BuildKit's {@code unpack}). One instance per action; not thread-safe.
 */
final class CopyAction {
  private final FileAction.Copy copy;
  private final FileOpInput input;
  private final RootedFs src;
  private final RootedFs dest;
  private final UserDb.Ids owner;
  private final FileOpExecutor.Options options;
  private final String name;

  /** Directories this action created, parents first; their mode and mtime are set at the end. */
  private final List<CreatedDir> created = new ArrayList<>();

  private record CreatedDir(Path dir, int mode) {}

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
    boolean destIsDir = copy.dest().endsWith("/");
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
      if (fa.isDirectory() && copy.dirContentsOnly() && !destExists) {
        // fsutil's prepareTargetDir: the contents go into a directory made as MkdirAll makes it,
        // not one with the source directory's metadata
        createDirs(destPath, createdDirMode());
        da = RootedFs.lstat(destPath);
        destExists = true;
      }
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
    finishCreatedDirs();
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
    createDirs(dir, createdDirMode());
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
      // BuildKit's unpack makes the archive's destination 0755 whatever --chmod says
      createDirs(destPath, 0755);
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

  /**
   * {@code mkdir -p dir} as fsutil's {@code MkdirAll}: created directories get the owner now, and
   * {@code mode} and the timestamp when the action ends ({@link #finishCreatedDirs}).
   */
  private void createDirs(Path dir, int mode) throws IOException {
    List<Path> made = new ArrayList<>();
    dest.mkdirs(dir, made::add);
    for (Path d : made) {
      if (owner != null && options.privileged()) {
        Attrs.chown(d, owner.uid(), owner.gid());
      }
      created.add(new CreatedDir(d, mode));
    }
  }

  /**
   * The mode of the directories a plain copy creates: the {@code --chmod} mode (BuildKit since
   * fsutil's 2025 "fix custom chmod for parent directories"; 0755 before that) or 0755.
   */
  private int createdDirMode() {
    return copy.mode() >= 0 ? copy.mode() : 0755;
  }

  /**
   * The mode and the fixed timestamp of the directories the action created. Done last, so a mode
   * without write or search permission cannot stop the copy into them, and what was copied into
   * them cannot move their mtime (fsutil's {@code fixCreatedParentDirs}).
   */
  private void finishCreatedDirs() throws IOException {
    FileTime time = options.timestamp() == null ? null : FileTime.from(options.timestamp());
    for (int i = created.size() - 1; i >= 0; i--) {
      CreatedDir d = created.get(i);
      Attrs.chmod(d.dir(), d.mode());
      if (time != null) {
        Attrs.setMtime(d.dir(), time, false);
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
