package dev.kiln.solver.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs {@code getfattr} (Debian package {@code attr}) for {@link OpaqueProbe}. Stateless. */
final class Getfattr {

  private Getfattr() {}

  /** Exit code and both output streams. */
  record Result(int code, String out, String err) {}

  /**
   * Runs {@code getfattr args…} about {@code subject} (named in messages).
   *
   * @throws IOException if it cannot be started or is interrupted (the interrupt flag is kept)
   */
  static Result run(Path subject, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("getfattr"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    // Errors drained on their own thread, so that neither pipe can fill up and block getfattr.
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return e.getMessage();
              }
            });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      return new Result(p.waitFor(), out, err.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroy();
      throw new InterruptedIOException("getfattr was interrupted on " + subject);
    }
  }
}
