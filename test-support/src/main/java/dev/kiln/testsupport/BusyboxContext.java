package dev.kiln.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A build context that turns Debian's statically linked {@code /bin/busybox} (package
 * busybox-static) into a small base image: {@code /bin/busybox} with a symlink per applet, {@code
 * /etc/passwd} and {@code /etc/group} with root, {@code app} (1000) and {@code nobody}, {@code
 * /tmp} (1777), and a {@code Dockerfile} ({@code FROM scratch}, {@code COPY . /}, PATH and {@code
 * CMD ["sh"]}). Any builder (kiln, docker) can build it, so tests need no image from Docker Hub.
 */
public final class BusyboxContext {

  /** The Dockerfile written into the context. */
  public static final String DOCKERFILE =
      "FROM scratch\n"
          + "COPY . /\n"
          + "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
          + "CMD [\"sh\"]\n";

  private BusyboxContext() {}

  /**
   * Fills {@code dir} (created if missing) with the context.
   *
   * @return {@code dir}
   * @throws IOException when busybox is missing or a file cannot be written
   */
  public static Path create(Path dir) throws IOException {
    Path busybox = Tools.require("busybox");
    Path real = busybox.toRealPath();
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.copy(real, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
    for (String applet : applets(real)) {
      Path link = bin.resolve(applet);
      if (!applet.equals("busybox")
          && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, Path.of("busybox"));
      }
    }
    for (String d : List.of("etc", "root", "home/app", "proc", "sys", "dev", "usr/bin", "var")) {
      Files.createDirectories(dir.resolve(d));
    }
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.writeString(
        dir.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\n"
            + "app:x:1000:1000:app:/home/app:/bin/sh\n"
            + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
    Files.writeString(
        dir.resolve("etc/group"), "root:x:0:\nstaff:x:50:app\napp:x:1000:\nnogroup:x:65534:\n");
    Files.writeString(dir.resolve("Dockerfile"), DOCKERFILE);
    Files.writeString(dir.resolve(".dockerignore"), "Dockerfile\n.dockerignore\n");
    return dir;
  }

  /** The applet names busybox reports ({@code busybox --list}). */
  private static List<String> applets(Path busybox) {
    ProcessResult r =
        ProcessRunner.of(busybox.toString(), "--list")
            .timeout(Duration.ofSeconds(30))
            .run()
            .assertSuccess();
    return r.stdout()
        .lines()
        .map(String::strip)
        .filter(s -> s.matches("[a-z0-9_.\\[\\-]+"))
        .toList();
  }
}
