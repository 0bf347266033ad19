package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.Mount.CacheSharing;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache mount directories and the SSH agent relay, without runc. */
class CacheMountsTest {

  @TempDir Path tmp;

  @Test
  void shared_sameDirectoryAtOnce_keptAcrossInstancesOfTheStore() throws Exception {
    CacheMounts caches = new CacheMounts(tmp.resolve("cm"));
    try (CacheMounts.Lease a = caches.acquire("id", CacheSharing.SHARED, null, null);
        CacheMounts.Lease b = caches.acquire("id", CacheSharing.SHARED, null, null)) {
      assertThat(a.dir()).isEqualTo(b.dir());
      Files.writeString(a.dir().resolve("f"), "x");
    }
    try (CacheMounts.Lease again =
        new CacheMounts(tmp.resolve("cm")).acquire("id", CacheSharing.SHARED, null, null)) {
      assertThat(again.dir().resolve("f")).hasContent("x");
    }
  }

  @Test
  void locked_secondUserWaitsForTheFirst() throws Exception {
    CacheMounts caches = new CacheMounts(tmp.resolve("cm"));
    CacheMounts.Lease first = caches.acquire("id", CacheSharing.LOCKED, null, null);
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Path> second =
        CompletableFuture.supplyAsync(
            () -> {
              started.countDown();
              try (CacheMounts.Lease l = caches.acquire("id", CacheSharing.LOCKED, null, null)) {
                return l.dir();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    started.await();
    Thread.sleep(300);
    assertThat(second).isNotDone();
    first.close();
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(first.dir());
  }

  @Test
  void private_busyCacheGivesANewSeededInstance_freeOneIsReused() throws Exception {
    Path seed = Files.createDirectories(tmp.resolve("seed"));
    Files.writeString(seed.resolve("s"), "seed");
    Files.setPosixFilePermissions(seed, PosixFilePermissions.fromString("rwxrwx---"));
    CacheMounts caches = new CacheMounts(tmp.resolve("cm"));
    Path firstDir;
    try (CacheMounts.Lease a = caches.acquire("id", CacheSharing.PRIVATE, seed, "snap/");
        CacheMounts.Lease b = caches.acquire("id", CacheSharing.PRIVATE, seed, "snap/")) {
      assertThat(a.dir()).isNotEqualTo(b.dir());
      assertThat(b.dir().resolve("s")).hasContent("seed");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b.dir())))
          .isEqualTo("rwxrwx---");
      firstDir = a.dir();
    }
    try (CacheMounts.Lease c = caches.acquire("id", CacheSharing.PRIVATE, seed, "snap/")) {
      assertThat(c.dir()).isEqualTo(firstDir);
    }
    // another seed (or none) is another cache
    try (CacheMounts.Lease d = caches.acquire("id", CacheSharing.PRIVATE, null, null)) {
      assertThat(d.dir()).isNotEqualTo(firstDir);
      assertThat(d.dir()).isEmptyDirectory();
    }
    assertThat(CacheMounts.prune(tmp.resolve("cm"))).isEqualTo(2);
    assertThat(tmp.resolve("cm")).isEmptyDirectory();
  }

  @Test
  void sshForwarder_relaysBothWays_socketGetsOwnerAndMode() throws Exception {
    Path agentSocket = tmp.resolve("agent.sock");
    try (ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      agent.bind(UnixDomainSocketAddress.of(agentSocket));
      CompletableFuture<Void> echo =
          CompletableFuture.runAsync(
              () -> {
                try (SocketChannel c = agent.accept()) {
                  ByteBuffer buf = ByteBuffer.allocate(64);
                  c.read(buf);
                  buf.flip();
                  ByteBuffer reply = ByteBuffer.allocate(buf.remaining() + 6);
                  reply.put("agent:".getBytes(StandardCharsets.UTF_8)).put(buf).flip();
                  c.write(reply);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Path relay = tmp.resolve("relay.sock");
      try (SshForwarder f = SshForwarder.start(agentSocket, relay, 1000, 50, 0660);
          SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(f.socket()))) {
        assertThat(Files.getAttribute(relay, "unix:uid")).isEqualTo(1000);
        assertThat(Files.getAttribute(relay, "unix:gid")).isEqualTo(50);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(relay)))
            .isEqualTo("rw-rw----");
        client.write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer in = ByteBuffer.allocate(64);
        while (in.position() < 11 && client.read(in) >= 0) {
          // read until the whole reply is in
        }
        assertThat(new String(in.array(), 0, in.position(), StandardCharsets.UTF_8))
            .isEqualTo("agent:hello");
      }
      echo.get(10, TimeUnit.SECONDS);
      assertThat(relay).doesNotExist();
    }
  }
}
