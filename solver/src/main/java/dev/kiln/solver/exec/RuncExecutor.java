package dev.kiln.solver.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs a RUN step's process in a runc container (the executor adapter on runc).
 *
 * <p>Each {@link #run} writes a bundle ({@code config.json}, {@code hosts}, {@code resolv.conf})
 * under {@code <stateRoot>/bundles/<id>}, runs {@code runc --root <stateRoot>/runc run --bundle
 * <bundle> <id>} without a terminal, streams both output streams line by line to the listener and
 * waits. Whatever happens (success, non-zero exit, error, interrupt) the container is deleted,
 * mount-point stubs runc created in the rootfs are removed and the bundle is deleted. Containers
 * still running when the JVM shuts down (Ctrl-C) are killed by a shutdown hook.
 *
 * <p>Cancellation: interrupting the calling thread kills the container ({@code runc kill --all <id>
 * KILL}), cleans up and throws {@link InterruptedException}.
 *
 * <p>Thread-safe: containers run in parallel, each with its own id. {@link #close} kills what is
 * still running.
 */
public final class RuncExecutor implements AutoCloseable {

  /** How many lines of output an {@link ExecFailedException} carries. */
  public static final int TAIL_LINES = 20;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path stateRoot;
  private final Optional<Path> runcBinary;
  private final Runc runc;
  private final Map<String, Path> inFlight = new ConcurrentHashMap<>();
  private final Thread shutdownHook;

  /**
   * An executor that finds runc on {@code PATH} (or in the sbin directories).
   *
   * @param stateRoot directory for runc's state and the bundles; created if missing
   */
  public RuncExecutor(Path stateRoot) {
    this(stateRoot, Preflight.findOnPath("runc", System.getenv("PATH")));
  }

  /**
   * @param stateRoot directory for runc's state and the bundles; created if missing
   * @param runcBinary the runc binary, or empty when there is none (every run then fails with a
   *     message that says how to install it)
   */
  public RuncExecutor(Path stateRoot, Optional<Path> runcBinary) {
    this.stateRoot = stateRoot.toAbsolutePath();
    this.runcBinary = runcBinary;
    this.runc = new Runc(runcBinary.orElse(Path.of("runc")), runcStateDir());
    this.shutdownHook = new Thread(this::killAll, "kiln-runc-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * @return the directory passed to {@code runc --root}
   */
  public Path runcStateDir() {
    return stateRoot.resolve("runc");
  }

  /**
   * @return the directory under which bundles are written (empty when nothing runs)
   */
  public Path bundlesDir() {
    return stateRoot.resolve("bundles");
  }

  /**
   * Checks that containers can run here.
   *
   * @throws ExecUnavailableException naming what is missing: runc, or root
   */
  public void checkAvailable() throws ExecUnavailableException {
    Optional<String> problem = Preflight.problem(runcBinary, Preflight.effectiveUid());
    if (problem.isPresent()) {
      throw new ExecUnavailableException(problem.get());
    }
  }

  /**
   * Runs the process to completion.
   *
   * @param request what to run
   * @param output receives output lines as they arrive (from other threads)
   * @return timings of the run
   * @throws ExecUnavailableException when runc or root is missing
   * @throws ExecFailedException when the process exits non-zero
   * @throws ExecException when the container cannot be set up (unknown user, I/O error)
   * @throws InterruptedException when the calling thread was interrupted; the container is killed
   */
  public ExecResult run(ExecRequest request, OutputListener output)
      throws ExecException, InterruptedException {
    checkAvailable();
    long start = System.nanoTime();
    String id = "kiln-" + HexFormat.of().formatHex(id8());
    Path bundle = bundlesDir().resolve(id);
    inFlight.put(id, bundle);
    MountStubs stubs = null;
    try {
      Files.createDirectories(runcStateDir());
      Files.createDirectories(bundle);
      ExecUser user = UserResolver.resolve(request.rootfs(), request.user());
      createCwd(request.rootfs(), request.cwd(), user);
      Path hosts = bundle.resolve("hosts");
      Path resolvConf = bundle.resolve("resolv.conf");
      Files.writeString(hosts, BundleFiles.hosts(request.hostname(), request.extraHosts()));
      Files.writeString(resolvConf, BundleFiles.resolvConf(request.network()));
      ObjectNode spec = RuntimeSpec.build(request, user, hosts, resolvConf);
      stubs = MountStubs.create(request.rootfs(), targets(spec));
      Files.write(bundle.resolve("config.json"), RuntimeSpec.toBytes(spec));
      long started = System.nanoTime();
      int exit = runContainer(id, bundle, request, output);
      long ended = System.nanoTime();
      MountStubs made = stubs;
      stubs = null;
      made.clean();
      Map<String, DirMetadata> parents = new TreeMap<>();
      made.untouchedParents()
          .forEach((dir, meta) -> parents.put(request.rootfs().relativize(dir).toString(), meta));
      return new ExecResult(
          exit, Duration.ofNanos(started - start), Duration.ofNanos(ended - started), parents);
    } catch (IOException e) {
      throw new ExecException(
          "preparing container for " + request.args() + ": " + e.getMessage(), e);
    } finally {
      // runc run deletes a container that exited by itself; only a killed runc leaves state.
      if (Files.exists(runcStateDir().resolve(id), LinkOption.NOFOLLOW_LINKS)) {
        runc.deleteForce(id);
      }
      if (stubs != null) {
        stubs.clean();
      }
      try {
        BundleFiles.deleteTree(bundle);
      } catch (IOException e) {
        // Reported nowhere on purpose: the run's own outcome matters more than a leftover dir.
      }
      inFlight.remove(id);
    }
  }

  private int runContainer(String id, Path bundle, ExecRequest request, OutputListener output)
      throws IOException, InterruptedException, ExecFailedException {
    Process process = runc.startRun(bundle, id);
    OutputPump pump = new OutputPump(output, TAIL_LINES);
    pump.start(process.getInputStream(), OutputListener.Stream.STDOUT, id + "-stdout");
    pump.start(process.getErrorStream(), OutputListener.Stream.STDERR, id + "-stderr");
    int exit;
    try {
      exit = process.waitFor();
      pump.join();
    } catch (InterruptedException e) {
      runc.kill(id);
      awaitExit(process);
      throw e;
    }
    if (exit != 0) {
      throw new ExecFailedException(request.args(), exit, pump.tail());
    }
    return exit;
  }

  /** Waits for runc to exit after a kill, through further interrupts, then restores the flag. */
  private static void awaitExit(Process process) {
    boolean interrupted = false;
    while (true) {
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
        break;
      } catch (InterruptedException again) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<MountStubs.Target> targets(ObjectNode spec) {
    List<MountStubs.Target> out = new ArrayList<>();
    spec.get("mounts")
        .forEach(
            m ->
                out.add(
                    new MountStubs.Target(
                        m.get("destination").asText(),
                        // a file or socket (a secret, an agent) gets a file stub
                        m.get("type").asText().equals("bind")
                            && !Files.isDirectory(Path.of(m.get("source").asText())))));
    return out;
  }

  /** Creates missing components of cwd, owned by the process's user, as Docker does. */
  private static void createCwd(Path rootfs, String cwd, ExecUser user) throws IOException {
    StringBuilder prefix = new StringBuilder();
    for (String part : cwd.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      prefix.append('/').append(part);
      Path p = RootfsPath.resolve(rootfs, prefix.toString());
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(
            p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setAttribute(p, "unix:uid", (int) user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", (int) user.gid(), LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  private static byte[] id8() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Kills and deletes every container still running; used on JVM shutdown and by close. */
  private void killAll() {
    for (Map.Entry<String, Path> e : inFlight.entrySet()) {
      runc.kill(e.getKey());
      runc.deleteForce(e.getKey());
      try {
        BundleFiles.deleteTree(e.getValue());
      } catch (IOException ex) {
        // Best effort while the JVM goes down.
      }
    }
  }

  /**
   * Kills containers that are still running (their {@link #run} calls then fail) and removes the
   * shutdown hook. Idempotent.
   */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down, and the hook is running or has run.
    }
  }
}
