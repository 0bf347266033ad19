package dev.kiln.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program with a timeout and captures its output. A timeout kills the process tree
 * and fails with an {@link AssertionError} carrying what was captured so far.
 *
 * <p>Build one per command: {@code ProcessRunner.of("skopeo", "inspect", ref).timeout(d).run()}.
 * Not thread-safe; {@link #run()} may be called more than once.
 */
public final class ProcessRunner {
  private final List<String> command;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Duration timeout = Duration.ofMinutes(2);
  private Path directory;
  private byte[] stdin = new byte[0];

  private ProcessRunner(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a command needs at least the program name");
    }
    this.command = List.copyOf(command);
  }

  /** A runner for {@code command} (program then arguments; no shell). */
  public static ProcessRunner of(String... command) {
    return new ProcessRunner(List.of(command));
  }

  /** A runner for {@code command} (program then arguments; no shell). */
  public static ProcessRunner of(List<String> command) {
    return new ProcessRunner(command);
  }

  /** Sets the timeout; default two minutes. */
  public ProcessRunner timeout(Duration value) {
    timeout = value;
    return this;
  }

  /** Sets the working directory. */
  public ProcessRunner directory(Path value) {
    directory = value;
    return this;
  }

  /** Adds or overrides an environment variable. */
  public ProcessRunner env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Bytes fed to standard input (default none; stdin is then closed). */
  public ProcessRunner stdin(byte[] value) {
    stdin = value.clone();
    return this;
  }

  /** Runs to completion and returns the exit code and outputs, whatever the exit code. */
  public ProcessResult run() {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outPump = pump(process.getInputStream(), out);
    Thread errPump = pump(process.getErrorStream(), err);
    try {
      try (var in = process.getOutputStream()) {
        in.write(stdin);
      } catch (IOException e) {
        // the program exited without reading its input; its exit code tells the story
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish within "
                + timeout
                + "\n--- stdout ---\n"
                + out.toString(StandardCharsets.UTF_8)
                + "\n--- stderr ---\n"
                + err.toString(StandardCharsets.UTF_8));
      }
      outPump.join();
      errPump.join();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + command.get(0), e);
    }
    return new ProcessResult(
        command,
        process.exitValue(),
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
    Thread thread =
        new Thread(
            () -> {
              try (in) {
                in.transferTo(sink);
              } catch (IOException e) {
                // the process closed its end; what was read is kept
              }
            },
            "process-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
