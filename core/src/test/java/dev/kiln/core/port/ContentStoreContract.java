package dev.kiln.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ContentStore}, run against every adapter (published in core's test-jar).
 * Subclasses supply a fresh empty store and a way to corrupt a stored blob behind its back.
 */
public abstract class ContentStoreContract {

  /** A new, empty store. */
  protected abstract ContentStore newStore() throws IOException;

  /** Overwrites the stored bytes of {@code digest} with {@code bytes}, keeping it listed. */
  protected abstract void corrupt(ContentStore store, Digest digest, byte[] bytes)
      throws IOException;

  private ContentStore store;

  @BeforeEach
  void createStore() throws IOException {
    store = newStore();
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void write_thenRead_returnsSameBytesDigestAndSize() throws IOException {
    Digests.Sized written = store.write(bytes("hello"), null);

    assertThat(written.digest()).isEqualTo(Digests.sha256("hello"));
    assertThat(written.size()).isEqualTo(5);
    assertThat(store.contains(written.digest())).isTrue();
    assertThat(store.size(written.digest())).isEqualTo(5);
    try (InputStream in = store.open(written.digest())) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
  }

  @Test
  void write_expectedDigestMismatch_throwsAndStoresNothing() throws IOException {
    Digest wrong = Digests.sha256("other");

    assertThatThrownBy(() -> store.write(bytes("hello"), wrong))
        .isInstanceOf(ContentDigestMismatchException.class)
        .hasMessageContaining(wrong.toString());
    assertThat(store.contains(wrong)).isFalse();
    assertThat(store.contains(Digests.sha256("hello"))).isFalse();
  }

  @Test
  void write_existingBlob_succeedsIdempotently() throws IOException {
    Digest d = Digests.sha256("same");
    store.write(bytes("same"), d);

    Digests.Sized again = store.write(bytes("same"), d);

    assertThat(again.digest()).isEqualTo(d);
    try (InputStream in = store.open(d)) {
      assertThat(in.readAllBytes()).isEqualTo("same".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void write_failingSource_propagatesError() {
    InputStream failing =
        new InputStream() {
          private int n;

          @Override
          public int read() throws IOException {
            if (n++ > 1000) {
              throw new IOException("source broke");
            }
            return 'x';
          }
        };

    assertThatThrownBy(() -> store.write(failing, null)).hasMessageContaining("source broke");
  }

  @Test
  void open_missing_contentNotFound() {
    Digest d = Digests.sha256("missing");

    assertThatThrownBy(() -> store.open(d))
        .isInstanceOf(ContentNotFoundException.class)
        .hasMessageContaining(d.toString());
    assertThatThrownBy(() -> store.size(d)).isInstanceOf(ContentNotFoundException.class);
  }

  @Test
  void open_corruptedBlob_failsAtEndOfStream() throws IOException {
    Digest d = store.write(bytes("precious"), null).digest();
    corrupt(store, d, "tampered".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(
            () -> {
              try (InputStream in = store.open(d)) {
                in.readAllBytes();
              }
            })
        .isInstanceOf(ContentDigestMismatchException.class);
  }

  @Test
  void openUnverified_startsAtTheOffset_andMissingIsNotFound() throws IOException {
    Digest d = store.write(bytes("0123456789"), null).digest();

    try (InputStream in = store.openUnverified(d, 0)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0123456789");
    }
    try (InputStream in = store.openUnverified(d, 4)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("456789");
    }
    try (InputStream in = store.openUnverified(d, 10)) {
      assertThat(in.readAllBytes()).isEmpty();
    }
    assertThatThrownBy(() -> store.openUnverified(Digests.sha256("absent"), 0))
        .isInstanceOf(ContentNotFoundException.class);
    assertThatThrownBy(() -> store.openUnverified(d, 11).readAllBytes())
        .isInstanceOf(IOException.class);
  }

  @Test
  void delete_present_removes() throws IOException {
    Digest d = store.write(bytes("gone"), null).digest();

    assertThat(store.delete(d)).isTrue();
    assertThat(store.contains(d)).isFalse();
    assertThat(store.delete(d)).isFalse();
  }

  @Test
  void write_largeBlob_streamed() throws IOException {
    byte[] chunk = new byte[1 << 20];
    chunk[7] = 42;
    InputStream big =
        new InputStream() {
          private long left = 16L << 20;

          @Override
          public int read() {
            return left-- > 0 ? chunk[(int) (left % chunk.length)] & 0xff : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (left <= 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
              b[off + i] = chunk[(int) ((left - 1 - i) % chunk.length)];
            }
            left -= n;
            return n;
          }
        };

    Digests.Sized s = store.write(big, null);

    assertThat(s.size()).isEqualTo(16L << 20);
    try (InputStream in = store.open(s.digest())) {
      assertThat(in.transferTo(java.io.OutputStream.nullOutputStream())).isEqualTo(16L << 20);
    }
  }

  @Test
  void write_concurrentSameBlob_allSucceed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Digests.Sized>> futures = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        futures.add(pool.submit(() -> store.write(bytes("concurrent"), null)));
      }
      for (Future<Digests.Sized> f : futures) {
        assertThat(f.get().digest()).isEqualTo(Digests.sha256("concurrent"));
      }
    } finally {
      pool.shutdownNow();
    }
    try (InputStream in = store.open(Digests.sha256("concurrent"))) {
      assertThat(in.readAllBytes()).isEqualTo("concurrent".getBytes(StandardCharsets.UTF_8));
    }
  }
}
