package dev.kiln.solver.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * FIFOs and device nodes through coreutils: Java cannot make them, and its attribute views open a
 * file to change its mode or times, which blocks on a FIFO and may have side effects on a device.
 * Stateless and thread-safe.
 */
public final class Coreutils {
  private Coreutils() {}

  /** Makes a FIFO at {@code target} (mode 0600 until {@link #metadata} sets the real one). */
  public static void mkfifo(Path target) throws IOException {
    run("mkfifo", "-m", "0600", "--", target.toString());
  }

  /**
   * Owner (when {@code chown}), mode and mtime (whole seconds) of a FIFO or device node, in that
   * order (chown clears setuid/setgid).
   */
  public static void metadata(
      Path target, boolean chown, long uid, long gid, int mode, long mtimeEpochSecond)
      throws IOException {
    if (chown) {
      run("chown", "-h", uid + ":" + gid, "--", target.toString());
    }
    run("chmod", Integer.toOctalString(mode & 07777), "--", target.toString());
    run("touch", "-h", "-m", "-d", "@" + mtimeEpochSecond, "--", target.toString());
  }

  /** Runs {@code cmd}; a non-zero exit is an IOException with its output. */
  static void run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      p.destroy();
      throw new InterruptedIOException(String.join(" ", cmd) + " was interrupted");
    }
  }
}
