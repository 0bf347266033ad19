package dev.kiln.solver.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.port.ContentDigestMismatchException;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ContentStoreContract;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs core's {@link ContentStoreContract} against the on-disk store, plus disk-specific cases. */
class LocalContentStoreTest extends ContentStoreContract {

  @TempDir Path root;

  @Override
  protected ContentStore newStore() throws IOException {
    return LocalContentStore.at(root);
  }

  @Override
  protected void corrupt(ContentStore store, Digest digest, byte[] bytes) throws IOException {
    Files.write(((LocalContentStore) store).blobPath(digest), bytes);
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private long tempFiles() throws IOException {
    try (Stream<Path> s = Files.list(root.resolve("blobs/sha256"))) {
      return s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).count();
    }
  }

  @Test
  void write_storesUnderOciLayoutPath() throws IOException {
    LocalContentStore store = LocalContentStore.at(root);

    Digests.Sized s = store.write(bytes("layout"), null);

    assertThat(root.resolve("blobs/sha256").resolve(s.digest().hex()))
        .hasContent("layout")
        .isEqualTo(store.blobPath(s.digest()));
  }

  @Test
  void write_mismatch_leavesNoTempFile() throws IOException {
    LocalContentStore store = LocalContentStore.at(root);

    assertThatThrownBy(() -> store.write(bytes("x"), Digests.sha256("y")))
        .isInstanceOf(ContentDigestMismatchException.class);

    assertThat(tempFiles()).isZero();
  }

  @Test
  void write_failingSource_leavesNoTempFileAndNoBlob() throws IOException {
    LocalContentStore store = LocalContentStore.at(root);
    InputStream failing =
        new InputStream() {
          private int n;

          @Override
          public int read() throws IOException {
            if (n++ > 10) {
              throw new IOException("broken pipe");
            }
            return 'a';
          }
        };

    assertThatThrownBy(() -> store.write(failing, null)).hasMessageContaining("broken pipe");

    assertThat(tempFiles()).isZero();
    try (Stream<Path> s = Files.list(root.resolve("blobs/sha256"))) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void at_leftoverTempFile_isRemoved() throws IOException {
    Path dir = Files.createDirectories(root.resolve("blobs/sha256"));
    Files.writeString(dir.resolve(".tmp-crashed"), "half a blob");

    LocalContentStore.at(root);

    assertThat(tempFiles()).isZero();
  }

  @Test
  void write_expectedSha512_storedUnderItsAlgorithm() throws IOException {
    LocalContentStore store = LocalContentStore.at(root);
    Digest d = Digest.of("sha512", Digests.newDigest("sha512").digest("five".getBytes()));

    Digests.Sized s = store.write(bytes("five"), d);

    assertThat(s.digest()).isEqualTo(d);
    assertThat(root.resolve("blobs/sha512").resolve(d.hex())).hasContent("five");
    try (InputStream in = store.open(d)) {
      assertThat(in.readAllBytes()).isEqualTo("five".getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void adopt_movesTheFileInAndAnExistingBlobWins() throws Exception {
    LocalContentStore store = LocalContentStore.at(root.resolve("store"));
    byte[] bytes = "layer bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    dev.kiln.oci.Digest digest = dev.kiln.oci.Digests.sha256(bytes);
    Path first = java.nio.file.Files.write(root.resolve("first.blob"), bytes);
    Path second = java.nio.file.Files.write(root.resolve("second.blob"), bytes);

    assertThat(store.adopt(first, digest).size()).isEqualTo(bytes.length);
    store.adopt(second, digest);

    assertThat(first).doesNotExist();
    assertThat(second).doesNotExist();
    try (java.io.InputStream in = store.open(digest)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
  }
}
