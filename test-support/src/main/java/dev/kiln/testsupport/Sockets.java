package dev.kiln.testsupport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Unix domain socket files in test trees (a build context holding a socket). */
public final class Sockets {
  private Sockets() {}

  /**
   * Creates a socket file at {@code path} (bound, then closed: the file stays) with {@code mode}.
   *
   * @return {@code path}
   */
  public static Path create(Path path, int mode) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
    }
    Files.setAttribute(path, "unix:mode", mode);
    return path;
  }
}
