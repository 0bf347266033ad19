package dev.kiln.solver.worker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A socket for {@code RUN --mount=type=ssh}: it accepts connections from the container and relays
 * each one, byte for byte, to the client's SSH agent socket, as BuildKit forwards the agent over
 * its session. The socket gets the mount's owner and mode, which the agent's own socket could not
 * be given. Closed after the run. Thread-safe.
 */
final class SshForwarder implements AutoCloseable {

  private final Path socket;
  private final ServerSocketChannel server;
  private final Thread acceptor;
  private final List<SocketChannel> open = new CopyOnWriteArrayList<>();

  private SshForwarder(Path socket, ServerSocketChannel server, Path agent) {
    this.socket = socket;
    this.server = server;
    this.acceptor = new Thread(() -> accept(agent), "kiln-ssh-forward");
    acceptor.setDaemon(true);
  }

  /**
   * Listens on {@code socket} (created, owned by {@code uid:gid} with {@code mode}) and relays to
   * {@code agent}.
   *
   * @throws IOException if the agent socket does not exist or the socket cannot be made
   */
  static SshForwarder start(Path agent, Path socket, long uid, long gid, int mode)
      throws IOException {
    if (!Files.exists(agent, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the SSH agent socket " + agent + " does not exist");
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socket));
      Files.setAttribute(socket, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(socket, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
      Files.setPosixFilePermissions(socket, ExecMounts.permissions(mode));
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    SshForwarder f = new SshForwarder(socket, server, agent);
    f.acceptor.start();
    return f;
  }

  Path socket() {
    return socket;
  }

  private void accept(Path agent) {
    while (true) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        SocketChannel upstream = SocketChannel.open(UnixDomainSocketAddress.of(agent));
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(SocketChannel from, SocketChannel to) {
    Thread t =
        new Thread(
            () -> {
              ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
              try {
                while (from.read(buf) >= 0) {
                  buf.flip();
                  while (buf.hasRemaining()) {
                    to.write(buf);
                  }
                  buf.clear();
                }
                to.shutdownOutput();
              } catch (ClosedChannelException e) {
                // the other direction or close() ended the connection
              } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "kiln-ssh-relay");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closeQuietly(server);
    for (SocketChannel c : open) {
      closeQuietly(c);
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // its directory is removed by the caller
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }
}
