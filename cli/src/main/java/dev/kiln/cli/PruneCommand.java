package dev.kiln.cli;

import dev.kiln.solver.worker.LocalWorker;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln prune --filter type=exec.cachemount}: drops the persistent {@code RUN
 * --mount=type=cache} directories under {@code --root}, as {@code docker builder prune --filter
 * type=exec.cachemount} does. Takes the state's lock, so no build uses them meanwhile.
 */
@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    versionProvider = KilnCommand.Version.class,
    description = "Remove build cache: the cache mounts of RUN --mount=type=cache.",
    sortOptions = false)
final class PruneCommand implements Callable<Integer> {

  /** The only filter so far (docker's name for cache mounts). */
  static final String CACHE_MOUNTS = "type=exec.cachemount";

  @Option(
      names = "--filter",
      paramLabel = "FILTER",
      description = "What to remove; " + CACHE_MOUNTS + " (the cache mounts) is supported.")
  List<String> filters = new ArrayList<>();

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "Where kiln keeps its state (default: $XDG_DATA_HOME/kiln or ~/.local/share/kiln).")
  String root;

  private final Invocation invocation;

  PruneCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() throws CliException {
    if (!filters.equals(List.of(CACHE_MOUNTS))) {
      throw new CliException(
          "kiln prune removes only cache mounts so far: pass --filter " + CACHE_MOUNTS);
    }
    Path state = KilnState.root(root, invocation);
    if (!Files.isDirectory(state)) {
      invocation.out().println("Total: 0 cache mounts");
      return 0;
    }
    try (FileChannel channel =
        FileChannel.open(
            state.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        invocation.err().println("waiting for another kiln using " + state + " …");
        lock = channel.lock();
      }
      try {
        int n = LocalWorker.pruneCacheMounts(state.resolve("worker"));
        invocation.out().println("Total: " + n + " cache mount" + (n == 1 ? "" : "s"));
        return 0;
      } finally {
        lock.release();
      }
    } catch (IOException e) {
      throw new CliException("pruning cache mounts in " + state + ": " + e.getMessage(), e);
    }
  }
}
