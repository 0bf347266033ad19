package dev.kiln.solver.worker;

import dev.kiln.core.graph.ExecOp;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.exec.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The extra mounts of one RUN, made ready for runc and released after it: read-only binds of
 * inputs, writable binds whose changes are discarded ({@code rw}: a throwaway writable view),
 * tmpfs, cache directories ({@link CacheMounts}), secret files and SSH agent sockets. Secrets are
 * written only to a private directory on a memory file system ({@code /dev/shm} where there is
 * one), never to a snapshot, layer or cache record, and removed after the run; a secret exposed as
 * an environment variable goes into the process's environment only. Not thread-safe; one per run.
 */
final class ExecMounts implements AutoCloseable {

  /** Where the worker gets what the client provides at build time. */
  record Sources(
      CacheMounts caches,
      Map<String, byte[]> secrets,
      Map<String, Path> sshAgents,
      Path privateTmp) {}

  /** Opens the root file systems of a RUN's other inputs; each is released by its handle. */
  interface InputRoots {
    /** A read-only root file system of {@code input}. */
    Root readOnly(CacheResult input) throws IOException;

    /** A throwaway writable root file system over {@code input}; {@code close} discards it. */
    Root writable(CacheResult input) throws IOException;

    /** One opened root. */
    interface Root extends AutoCloseable {
      Path dir();

      @Override
      void close() throws IOException;
    }
  }

  private final List<Mount> mounts = new ArrayList<>();
  private final List<String> env = new ArrayList<>();
  private final List<AutoCloseable> cleanups = new ArrayList<>();

  private ExecMounts() {}

  /** The runc mounts, in the op's order. */
  List<Mount> mounts() {
    return mounts;
  }

  /** {@code KEY=value} entries for the process (secrets exposed as variables). */
  List<String> env() {
    return env;
  }

  static ExecMounts prepare(ExecOp op, List<CacheResult> inputs, Sources sources, InputRoots views)
      throws IOException, InterruptedException {
    ExecMounts out = new ExecMounts();
    try {
      int ssh = 0;
      for (dev.kiln.core.graph.Mount m : op.mounts().subList(1, op.mounts().size())) {
        switch (m.type()) {
          case TMPFS -> out.mounts.add(Mount.tmpfs(m.target(), m.options().tmpfsSize()));
          case BIND -> out.bind(m, inputs, views);
          case CACHE -> out.cache(m, inputs, sources, views);
          case SECRET -> out.secret(m, sources);
          case SSH -> out.ssh(m, sources, ssh++);
        }
      }
      return out;
    } catch (IOException | InterruptedException | RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private void bind(dev.kiln.core.graph.Mount m, List<CacheResult> inputs, InputRoots views)
      throws IOException {
    if (m.input() < 0) {
      throw new IOException("RUN mount '" + m.target() + "': a bind mount needs an input");
    }
    CacheResult input = inputs.get(m.input());
    // rw: the process may write, its changes are thrown away with the view
    InputRoots.Root root = m.readOnly() ? views.readOnly(input) : views.writable(input);
    cleanups.add(root);
    mounts.add(Mount.bind(source(root.dir(), m), m.target(), m.readOnly()));
  }

  private void cache(
      dev.kiln.core.graph.Mount m, List<CacheResult> inputs, Sources s, InputRoots views)
      throws IOException, InterruptedException {
    Path seed = null;
    String seedKey = null;
    if (m.input() >= 0) {
      CacheResult in = inputs.get(m.input());
      InputRoots.Root root = views.readOnly(in);
      cleanups.add(root);
      seed = source(root.dir(), m);
      seedKey = in.snapshotId() + m.selector();
    }
    CacheMounts.Lease lease = s.caches().acquire(m.cacheId(), m.sharing(), seed, seedKey);
    cleanups.add(lease);
    mounts.add(Mount.bind(lease.dir(), m.target(), m.readOnly()));
  }

  private void secret(dev.kiln.core.graph.Mount m, Sources s) throws IOException {
    dev.kiln.core.graph.Mount.Options o = m.options();
    byte[] value = s.secrets().get(o.id());
    if (value == null) {
      if (o.optional()) {
        return;
      }
      throw new IOException(
          "secret "
              + o.id()
              + ": not found (pass --secret id="
              + o.id()
              + ",src=FILE or env=VARIABLE)");
    }
    if (o.envName() != null) {
      env.add(o.envName() + "=" + new String(value, java.nio.charset.StandardCharsets.UTF_8));
    }
    if (m.target() == null) {
      return;
    }
    Path dir = privateDir(s);
    Path file = dir.resolve("secret");
    Files.write(file, value);
    Files.setAttribute(file, "unix:uid", (int) o.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(file, "unix:gid", (int) o.gid(), LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(file, permissions(o.mode()));
    mounts.add(Mount.bind(file, m.target(), true));
  }

  private void ssh(dev.kiln.core.graph.Mount m, Sources s, int index) throws IOException {
    dev.kiln.core.graph.Mount.Options o = m.options();
    Path agent = s.sshAgents().get(o.id());
    if (agent == null) {
      if (o.optional()) {
        return;
      }
      throw new IOException(
          "no SSH agent "
              + o.id()
              + " for RUN --mount=type=ssh: pass --ssh "
              + o.id()
              + (o.id().equals("default") ? "" : "=SOCKET"));
    }
    Path dir = privateDir(s);
    // the directory must let the container's user reach the socket
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    SshForwarder f =
        SshForwarder.start(agent, dir.resolve("agent-" + index), o.uid(), o.gid(), o.mode());
    cleanups.add(f);
    mounts.add(Mount.bind(f.socket(), m.target(), false));
  }

  /** A fresh 0700 directory on a memory file system, removed after the run. */
  private Path privateDir(Sources s) throws IOException {
    Path shm = Path.of("/dev/shm");
    Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : s.privateTmp();
    Path dir = base.resolve("kiln-" + UUID.randomUUID());
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    cleanups.add(() -> SnapshotStore.deleteTree(dir));
    return dir;
  }

  /** The selected path inside an input snapshot; a symlink may not lead outside it. */
  static Path source(Path root, dev.kiln.core.graph.Mount m) throws IOException {
    Path real = root.resolve(m.selector().substring(1)).toRealPath();
    if (!real.startsWith(root.toRealPath())) {
      throw new IOException(
          "RUN mount '" + m.target() + "': selector " + m.selector() + " leads outside its input");
    }
    return real;
  }

  /** The permissions of the low nine bits of {@code mode}. */
  static Set<PosixFilePermission> permissions(int mode) {
    StringBuilder s = new StringBuilder();
    for (int bit = 8; bit >= 0; bit--) {
      s.append((mode & (1 << bit)) != 0 ? "rwx".charAt((8 - bit) % 3) : '-');
    }
    return PosixFilePermissions.fromString(s.toString());
  }

  /** Releases everything, last made first; the first failure is thrown after trying them all. */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (int i = cleanups.size() - 1; i >= 0; i--) {
      try {
        cleanups.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
      }
    }
    cleanups.clear();
    if (first != null) {
      throw first;
    }
  }
}
