package dev.kiln.solver.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large contents deflated as segments of their own: the stream is the same with or without a kept
 * segment, for any thread count, and a kept segment replaces deflating.
 */
class GzipSegmentsTest {
  private static ExecutorService one;
  private static ExecutorService two;

  @TempDir Path tmp;

  @BeforeAll
  static void pools() {
    one = Executors.newFixedThreadPool(1);
    two = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    one.shutdownNow();
    two.shutdownNow();
  }

  /** Text that deflates well, ~3.3 MiB, not a multiple of the block size. */
  private static byte[] content() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 3_400_000; i++) {
      sb.append(i).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /**
   * {@code before}, then {@code content} as a segment (with padding to 512), then {@code after}.
   */
  private static byte[] stream(
      byte[] before,
      byte[] content,
      byte[] after,
      ExecutorService pool,
      GzipSegments segments,
      boolean hashFirst)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, pool, 4, segments)) {
      gz.write(before);
      gz.beginSegment(
          content.length,
          hashFirst && gz.mayReplay(content.length) ? Digests.newSha256().digest(content) : null);
      for (int off = 0; off < content.length; off += 70_000) {
        gz.write(content, off, Math.min(70_000, content.length - off));
      }
      gz.write(new byte[(512 - content.length % 512) % 512]);
      gz.endSegment();
      gz.write(after);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] gz) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  private static byte[] input(byte[] before, byte[] content, byte[] after) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(before);
    b.writeBytes(content);
    b.writeBytes(new byte[(512 - content.length % 512) % 512]);
    b.writeBytes(after);
    return b.toByteArray();
  }

  @Test
  void keptSegment_replayed_sameBytesAsDeflating_anyThreads() throws Exception {
    byte[] content = content();
    byte[] before = bytes(200_000, 1);
    byte[] after = "tail of the tar".repeat(5000).getBytes(StandardCharsets.US_ASCII);
    byte[] none = stream(before, content, after, two, null, false);

    GzipSegments kept = new GzipSegments();
    byte[] recorded = stream(before, content, after, two, kept, true);
    assertThat(kept.hits()).isZero();
    // another layer: other bytes before the same content, one thread
    byte[] otherBefore = bytes(77_777, 2);
    byte[] replayed = stream(otherBefore, content, after, one, kept, true);
    assertThat(kept.hits()).isEqualTo(1);
    byte[] deflated = stream(otherBefore, content, after, two, null, false);

    assertThat(recorded).isEqualTo(none);
    assertThat(replayed).isEqualTo(deflated);
    assertThat(gunzip(recorded)).isEqualTo(input(before, content, after));
    assertThat(gunzip(replayed)).isEqualTo(input(otherBefore, content, after));
  }

  @Test
  void twoStreamsAtOnce_sameContent_secondWaitsAndReplays_eachStreamAsAlone() throws Exception {
    byte[] content = content();
    GzipSegments kept = new GzipSegments();
    ExecutorService writers = Executors.newFixedThreadPool(1);
    java.util.concurrent.CountDownLatch begun = new java.util.concurrent.CountDownLatch(1);
    try {
      // the first stream is inside its segment when the second one reaches the same content
      java.util.concurrent.Future<byte[]> a =
          writers.submit(
              () -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (ParallelGzipOutputStream gz =
                    new ParallelGzipOutputStream(out, 6, two, 4, kept)) {
                  gz.write(bytes(5000, 7));
                  gz.beginSegment(content.length, null);
                  begun.countDown();
                  for (int off = 0; off < content.length; off += 4096) {
                    gz.write(content, off, Math.min(4096, content.length - off));
                    Thread.sleep(off % (256 * 1024) == 0 ? 5 : 0);
                  }
                  gz.write(new byte[(512 - content.length % 512) % 512]);
                  gz.endSegment();
                  gz.write(new byte[700]);
                }
                return out.toByteArray();
              });
      begun.await();
      assertThat(kept.mayHave(6, content.length)).isTrue();
      byte[] second = stream(bytes(9000, 8), content, new byte[900], one, kept, true);
      byte[] first = a.get();
      assertThat(kept.hits()).isEqualTo(1);
      assertThat(first).isEqualTo(stream(bytes(5000, 7), content, new byte[700], one, null, false));
      assertThat(second)
          .isEqualTo(stream(bytes(9000, 8), content, new byte[900], one, null, false));
    } finally {
      writers.shutdownNow();
    }
  }

  @Test
  void failedStream_releasesItsSegment_othersDoNotWait() throws Exception {
    byte[] content = content();
    GzipSegments kept = new GzipSegments();
    ParallelGzipOutputStream broken =
        new ParallelGzipOutputStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) throws IOException {
                throw new IOException("disk full");
              }
            },
            6,
            two,
            4,
            kept);
    broken.beginSegment(content.length, null);
    assertThat(kept.mayHave(6, content.length)).isTrue();
    assertThatThrownBy(
            () -> {
              try (broken) {
                broken.write(content);
              }
            })
        .isInstanceOf(IOException.class);
    assertThat(kept.mayHave(6, content.length)).isFalse();
  }

  @Test
  void keptSegment_otherBytes_failsInsteadOfWritingThem() throws Exception {
    byte[] content = content();
    GzipSegments kept = new GzipSegments();
    stream(new byte[0], content, new byte[10], two, kept, true);
    byte[] changed = content.clone();
    changed[1_000_000] ^= 1;
    // looked up under the first content's digest, then given other bytes: a mismatch, not a blob
    assertThatThrownBy(
            () -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              try (ParallelGzipOutputStream gz =
                  new ParallelGzipOutputStream(out, 6, two, 4, kept)) {
                gz.beginSegment(content.length, Digests.newSha256().digest(content));
                gz.write(changed);
                gz.write(new byte[(512 - content.length % 512) % 512]);
                gz.endSegment();
              }
            })
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not match");
  }

  @Test
  void randomContent_notKept() throws Exception {
    GzipSegments kept = new GzipSegments();
    byte[] random = bytes(3 << 20, 3);
    stream(new byte[100], random, new byte[100], two, kept, true);
    assertThat(kept.mayHave(6, random.length)).isFalse();
  }

  @Test
  void gzipTool_readsSegmentedStream() throws Exception {
    byte[] content = content();
    GzipSegments kept = new GzipSegments();
    stream(new byte[0], content, new byte[1], two, kept, true);
    byte[] replayed = stream(bytes(1000, 4), content, new byte[1024], two, kept, true);
    Path gz = Files.write(tmp.resolve("s.gz"), replayed);
    Process p = new ProcessBuilder("gzip", "-dc", gz.toString()).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    assertThat(out).isEqualTo(input(bytes(1000, 4), content, new byte[1024]));
  }
}
