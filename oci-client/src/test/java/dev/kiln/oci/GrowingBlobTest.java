package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a blob while it is written: only reported bytes, waiting for more, end and failure. */
class GrowingBlobTest {

  @TempDir Path dir;

  private static String text(ByteBuffer b) {
    b.flip();
    return StandardCharsets.UTF_8.decode(b).toString();
  }

  @Test
  void read_seesOnlyReportedBytes_waitsForMore_andEndsAtTheCompletedSize() throws Exception {
    Path file = dir.resolve("blob");
    Files.writeString(file, "abcdef");
    try (GrowingBlob blob = new GrowingBlob(file)) {
      blob.appended(3);
      ByteBuffer buf = ByteBuffer.allocate(16);
      assertThat(blob.read(0, buf)).isEqualTo(3);
      assertThat(text(buf)).isEqualTo("abc");

      CompletableFuture<String> next =
          CompletableFuture.supplyAsync(
              () -> {
                ByteBuffer b = ByteBuffer.allocate(16);
                try {
                  blob.read(3, b);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
                return text(b);
              });
      Thread.sleep(50);
      assertThat(next).as("nothing beyond what was reported").isNotDone();
      blob.appended(5);
      assertThat(next.get(60, TimeUnit.SECONDS)).isEqualTo("de");

      Files.writeString(file, "abcdefgh");
      blob.completed(Digests.sha256("abcdefgh"), 8);
      buf.clear();
      assertThat(blob.read(5, buf)).isEqualTo(3);
      assertThat(text(buf)).isEqualTo("fgh");
      assertThat(blob.read(8, ByteBuffer.allocate(4))).isEqualTo(-1);
      assertThat(blob.digest()).isEqualTo(Digests.sha256("abcdefgh"));
      assertThat(blob.size()).isEqualTo(8);
      assertThat(blob.writerFailed()).isFalse();
    }
  }

  @Test
  void read_afterTheWriterFailed_throwsItsReason_evenIfTheFileWasDeleted() throws Exception {
    Path file = dir.resolve("blob");
    Files.writeString(file, "abc");
    try (GrowingBlob blob = new GrowingBlob(file)) {
      Files.delete(file);
      blob.appended(1);
      blob.failed(new IOException("no space left on device"));
      assertThatThrownBy(() -> blob.read(0, ByteBuffer.allocate(4)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no space left on device");
      assertThat(blob.digest()).isNull();
      assertThat(blob.writerFailed()).isTrue();
    }
  }

  @Test
  void read_interrupted_isAnInterruptedIoException() throws Exception {
    Path file = dir.resolve("blob");
    Files.writeString(file, "");
    try (GrowingBlob blob = new GrowingBlob(file)) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> blob.read(0, ByteBuffer.allocate(4)))
          .isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.interrupted()).isTrue();
    }
  }
}
