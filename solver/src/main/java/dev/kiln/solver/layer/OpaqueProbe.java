package dev.kiln.solver.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Tells whether an overlayfs upper directory is opaque (hides the lower directory's content).
 * overlayfs marks it with the xattr {@code trusted.overlay.opaque=y}, or {@code
 * user.overlay.opaque=y} when mounted with {@code userxattr}.
 */
@FunctionalInterface
public interface OpaqueProbe {

  /** True when {@code dir} is marked opaque. */
  boolean isOpaque(Path dir) throws IOException;

  /**
   * The probe for real overlay upper directories. {@code user.overlay.opaque} is read through Java;
   * {@code trusted.*} xattrs are invisible to Java's {@code UserDefinedFileAttributeView}, so
   * {@code trusted.overlay.opaque} is read by running {@code getfattr -n trusted.overlay.opaque
   * --only-values} (Debian package {@code attr}) once per directory: no JNI, at the cost of one
   * process per directory of the upper dir (which holds only what a step changed). Reading trusted
   * xattrs needs root.
   *
   * @throws LayerException when {@code getfattr} cannot be run
   */
  static OpaqueProbe getfattr() throws LayerException {
    try {
      Process p = new ProcessBuilder("getfattr", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) {
        throw new IOException("getfattr --version exited with " + p.exitValue());
      }
    } catch (IOException e) {
      throw new LayerException(
          "getfattr is needed to read trusted.overlay.opaque of overlay upper directories but"
              + " cannot be run ("
              + e.getMessage()
              + "); install the 'attr' package",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LayerException("interrupted while looking for getfattr", e);
    }
    return OpaqueProbe::getfattrOpaque;
  }

  private static boolean getfattrOpaque(Path dir) throws IOException {
    byte[] user = Stat.userXattrs(dir).get("user.overlay.opaque");
    if (user != null) {
      return new String(user, StandardCharsets.UTF_8).equals("y");
    }
    Process p =
        new ProcessBuilder(
                "getfattr",
                "--absolute-names",
                "--only-values",
                "-n",
                "trusted.overlay.opaque",
                "--",
                dir.toString())
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int code;
    try {
      code = p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroy();
      throw new InterruptedIOException("getfattr was interrupted on " + dir);
    }
    if (code == 0) {
      return out.equals("y");
    }
    if (err.contains("No such attribute")) {
      return false;
    }
    throw new IOException("getfattr -n trusted.overlay.opaque " + dir + " failed: " + err);
  }
}
