package dev.kiln.solver.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Builds a minimal rootfs from Debian's statically linked {@code /bin/busybox} (package
 * busybox-static), with users root and app (1000) and a group staff (50) that lists app.
 */
public final class BusyboxRootfs {

  /** The applets the tests use, as relative symlinks to busybox. */
  static final List<String> APPLETS =
      List.of(
          "sh",
          "echo",
          "cat",
          "ls",
          "id",
          "touch",
          "sleep",
          "env",
          "pwd",
          "hostname",
          "mkdir",
          "rm",
          "grep",
          "stat",
          "ip",
          "true",
          "false",
          "test",
          "wc");

  private BusyboxRootfs() {}

  /**
   * Fills {@code dir} with a busybox rootfs.
   *
   * @param dir an existing, empty directory
   * @param withEtcNetFiles whether to create {@code /etc/hosts} and {@code /etc/resolv.conf}
   * @return {@code dir}
   * @throws IOException when busybox is missing or a file cannot be written
   */
  public static Path create(Path dir, boolean withEtcNetFiles) throws IOException {
    Path busybox = Path.of("/bin/busybox");
    if (!Files.isRegularFile(busybox)) {
      throw new IOException("tests need /bin/busybox: install the Debian package busybox-static");
    }
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.copy(busybox, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    for (String d : List.of("proc", "sys", "dev", "tmp", "root", "etc", "home/app")) {
      Files.createDirectories(dir.resolve(d));
    }
    Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setAttribute(dir.resolve("home/app"), "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(dir.resolve("home/app"), "unix:gid", 1000, LinkOption.NOFOLLOW_LINKS);
    Files.writeString(
        dir.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
    Files.writeString(dir.resolve("etc/group"), "root:x:0:\nstaff:x:50:app\napp:x:1000:\n");
    if (withEtcNetFiles) {
      Files.writeString(dir.resolve("etc/hosts"), "# image's own\n");
      Files.writeString(dir.resolve("etc/resolv.conf"), "# image's own\n");
    }
    return dir;
  }
}
