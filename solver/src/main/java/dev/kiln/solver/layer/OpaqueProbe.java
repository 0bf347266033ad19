package dev.kiln.solver.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

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

  /**
   * A probe answering from one recursive {@code getfattr -R} over {@code root} (one process for the
   * whole tree instead of one per directory): the opaque directories below {@code root}
   * (inclusive), by {@code trusted.overlay.opaque} or {@code user.overlay.opaque}. Valid while the
   * tree does not change; asking about a path outside {@code root} fails. Needs root for trusted
   * xattrs.
   *
   * @throws LayerException when {@code getfattr} cannot be run or fails
   */
  static OpaqueProbe scan(Path root) throws LayerException {
    Path top = root.toAbsolutePath().normalize();
    Set<Path> opaque = new HashSet<>();
    try {
      Getfattr.Result r =
          Getfattr.run(
              top,
              "-R",
              "-h",
              "-d",
              "-m",
              "^(trusted|user)\\.overlay\\.opaque$",
              "--absolute-names",
              "--",
              top.toString());
      if (r.code() != 0) {
        throw new IOException("getfattr -R exited with " + r.code() + ": " + r.err());
      }
      String out = r.out();
      Path file = null;
      for (String line : out.split("\n")) {
        if (line.startsWith("# file: ")) {
          file = Path.of(unescape(line.substring("# file: ".length())));
        } else if (file != null && line.matches("(trusted|user)\\.overlay\\.opaque=\"y\"")) {
          opaque.add(file);
        }
      }
    } catch (IOException e) {
      throw new LayerException(
          "getfattr is needed to read trusted.overlay.opaque of overlay directories but failed on "
              + top
              + " ("
              + e.getMessage()
              + "); install the 'attr' package",
          e);
    }
    return dir -> {
      Path d = dir.toAbsolutePath().normalize();
      if (!d.startsWith(top)) {
        throw new IOException("opaque probe of " + top + " asked about " + d);
      }
      return opaque.contains(d);
    };
  }

  /** Undoes getfattr's escaping of file names: {@code \\} and octal {@code \ooo} bytes. */
  private static String unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\\' && isOctal(b, i + 1)) {
        out.write(((b[i + 1] - '0') << 6) | ((b[i + 2] - '0') << 3) | (b[i + 3] - '0'));
        i += 3;
      } else if (b[i] == '\\' && i + 1 < b.length && b[i + 1] == '\\') {
        out.write('\\');
        i++;
      } else {
        out.write(b[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte[] b, int from) {
    if (from + 2 >= b.length) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (b[i] < '0' || b[i] > '7') {
        return false;
      }
    }
    return true;
  }

  private static boolean getfattrOpaque(Path dir) throws IOException {
    byte[] user = Stat.userXattrs(dir).get("user.overlay.opaque");
    if (user != null) {
      return new String(user, StandardCharsets.UTF_8).equals("y");
    }
    Getfattr.Result r =
        Getfattr.run(
            dir,
            "--absolute-names",
            "--only-values",
            "-n",
            "trusted.overlay.opaque",
            "--",
            dir.toString());
    String out = r.out();
    String err = r.err().trim();
    int code = r.code();
    if (code == 0) {
      return out.equals("y");
    }
    if (err.contains("No such attribute")) {
      return false;
    }
    throw new IOException("getfattr -n trusted.overlay.opaque " + dir + " failed: " + err);
  }
}
