package dev.kiln.solver.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The append-only journal behind {@link LocalCacheManager}: one record per line, {@code <crc32c of
 * the JSON as 8 hex digits> <JSON>\n}, the first record a header naming {@link #VERSION}.
 *
 * <p>Crash safety: a record is appended with one {@code write} after the in-memory index accepted
 * it; a crash can only leave a torn last line. Replay stops at the first line that is incomplete,
 * fails its checksum or does not parse, and truncates the file there, so later appends never follow
 * garbage. A journal of another version is discarded (it is a cache). Not thread-safe: the manager
 * serialises access.
 */
final class CacheJournal implements Closeable {

  /**
   * Version of the journal format; bump when a record's meaning changes. v2: snapshot ids name
   * stacked snapshots (a result may have no layers until they are exported; {@code layers} records
   * add them).
   */
  static final String VERSION = "kiln.cachejournal.v2";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final FileChannel channel;
  private long droppedBytes;

  private CacheJournal(FileChannel channel) {
    this.channel = channel;
  }

  /** Opens {@code file}, replaying every intact record into {@code sink} before returning. */
  static CacheJournal open(Path file, Consumer<JsonNode> sink) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      CacheJournal journal = new CacheJournal(ch);
      journal.replay(Files.readAllBytes(file), sink);
      return journal;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private void replay(byte[] all, Consumer<JsonNode> sink) throws IOException {
    int good = 0;
    boolean header = false;
    int pos = 0;
    while (pos < all.length) {
      int nl = indexOf(all, (byte) '\n', pos);
      JsonNode record = nl < 0 ? null : decode(all, pos, nl);
      if (record == null) {
        break;
      }
      if (!header) {
        if (!VERSION.equals(record.path("version").asText())) {
          break;
        }
        header = true;
      } else {
        sink.accept(record);
      }
      pos = nl + 1;
      good = pos;
    }
    droppedBytes = all.length - good;
    channel.truncate(good);
    channel.position(good);
    if (good == 0) {
      append(MAPPER.createObjectNode().put("t", "header").put("version", VERSION));
    }
  }

  private static JsonNode decode(byte[] all, int from, int nl) {
    if (nl - from < 10 || all[from + 8] != ' ') {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(all, from + 9, nl - from - 9);
    String stated = new String(all, from, 8, StandardCharsets.US_ASCII);
    if (!stated.equals(HexFormat.of().toHexDigits((int) crc.getValue()))) {
      return null;
    }
    try {
      return MAPPER.readTree(new String(all, from + 9, nl - from - 9, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** A new empty JSON object for a record. */
  static ObjectNode record() {
    return MAPPER.createObjectNode();
  }

  /** The shared mapper (for converting values inside records). */
  static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Appends one record with a single write. */
  void append(ObjectNode record) throws IOException {
    byte[] json = MAPPER.writeValueAsBytes(record);
    CRC32C crc = new CRC32C();
    crc.update(json);
    byte[] prefix =
        (HexFormat.of().toHexDigits((int) crc.getValue()) + " ")
            .getBytes(StandardCharsets.US_ASCII);
    ByteBuffer buf = ByteBuffer.allocate(prefix.length + json.length + 1);
    buf.put(prefix).put(json).put((byte) '\n').flip();
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  /** Bytes discarded by the replay (a torn or corrupt tail, or a journal of another version). */
  long droppedBytes() {
    return droppedBytes;
  }

  /** Forces the journal to disk. */
  void sync() throws IOException {
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    try {
      channel.force(false);
    } finally {
      channel.close();
    }
  }
}
