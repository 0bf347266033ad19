package dev.kiln.solver.layer;

import dev.kiln.oci.Digests;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One standard gzip member (readable by {@code gzip -d}, Go's compress/gzip, zlib) whose deflate
 * stream is produced on several threads, as pigz does: the input is cut into fixed blocks of {@link
 * #BLOCK_SIZE} bytes; each block is deflated on its own with the previous block's last 32 KiB as
 * preset dictionary and ended with a sync flush (the last one with a final block), so the blocks'
 * outputs concatenate into one valid deflate stream; each block's CRC-32 is computed beside its
 * deflate and the CRCs are combined in order. The header is the fixed one kiln has always written
 * (mtime 0, no name, OS byte 255, as Go writes).
 *
 * <p>A block whose bytes look random ({@link #incompressible}: already compressed content) is
 * written as stored deflate blocks instead of being searched for matches that are not there.
 *
 * <p>The bytes depend only on the input and the level — never on the number of threads, the
 * executor or how the input was split into {@code write} calls — because block boundaries are fixed
 * offsets and each block's deflate sees exactly the same dictionary and data.
 *
 * <p>A large file's content can be made a segment ({@link #beginSegment}, {@link #endSegment}): the
 * block before it is cut short, the segment's blocks start at its first byte, the first one without
 * a dictionary, and the segment ends with a short block. Its deflated bytes then depend on nothing
 * but its own bytes and the level, so they are kept in {@link GzipSegments} and replayed, not
 * deflated again, when another layer holds the same content. Where segments begin is decided by the
 * writer from the input (the tar's entries), so the stream is still a function of the input and the
 * level alone; replaying gives the bytes deflating would have given. A block after a short one
 * takes only that short block as its dictionary.
 *
 * <p>Memory is bounded: at most {@code maxInFlight} blocks (input and output buffers, about 2 × 128
 * KiB each) are queued or running; a writer that gets ahead waits for the oldest block and writes
 * it out. Output is written to the target on the writing thread, in order. {@link #finish()} ends
 * the member without closing the target. Not thread-safe: one writer.
 */
final class ParallelGzipOutputStream extends OutputStream implements SegmentedOutput {
  /** Input bytes per block (pigz's default); fixed, since the output depends on it. */
  static final int BLOCK_SIZE = 128 * 1024;

  private static final int DICT_SIZE = 32 * 1024;
  private static final byte[] HEADER = {
    0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff
  };

  private final OutputStream out;
  private final int level;
  private final Executor executor;
  private final int maxInFlight;
  private final ArrayDeque<Block> inFlight = new ArrayDeque<>();
  private final ArrayDeque<byte[]> freeInputs = new ArrayDeque<>();
  private final ArrayDeque<byte[]> freeOutputs = new ArrayDeque<>();
  private final ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Deflater> storers = new ConcurrentLinkedQueue<>();
  private final long fullBlockShift = Crc32Combine.shift(BLOCK_SIZE);

  private final GzipSegments segments;

  private byte[] current;
  private int filled;
  private byte[] previous;
  private int previousLength;
  private Recording recording;
  private Replay replaying;
  private final List<Recording> unfinished = new ArrayList<>();
  private long crc;
  private long length;
  private boolean headerWritten;
  private boolean finished;

  /**
   * @param out where the member goes (not closed by {@link #finish()})
   * @param level deflate level 0–9, or -1 for zlib's default (6)
   * @param executor runs the blocks' deflates; its tasks never block
   * @param maxInFlight how many blocks may be queued or running at once (at least 1)
   */
  ParallelGzipOutputStream(OutputStream out, int level, Executor executor, int maxInFlight) {
    this(out, level, executor, maxInFlight, null);
  }

  /**
   * @param segments where deflated segments are kept and looked up, or null to keep none (the bytes
   *     are the same either way)
   */
  ParallelGzipOutputStream(
      OutputStream out, int level, Executor executor, int maxInFlight, GzipSegments segments) {
    this.segments = segments;
    if (level < -1 || level > 9) {
      throw new IllegalArgumentException("gzip level must be -1..9, got " + level);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
    }
    this.out = Objects.requireNonNull(out, "out");
    this.level = level;
    this.executor = Objects.requireNonNull(executor, "executor");
    this.maxInFlight = maxInFlight;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (finished) {
      throw new IOException("gzip stream already finished");
    }
    if (replaying != null) {
      replaying.consume(b, off, len);
      return;
    }
    if (recording != null) {
      recording.hash(b, off, len);
    }
    while (len > 0) {
      if (current == null) {
        current = freeInputs.isEmpty() ? new byte[BLOCK_SIZE] : freeInputs.pop();
        filled = 0;
      } else if (filled == BLOCK_SIZE) {
        // A full block is sent only once more input shows it is not the last one.
        submit(false);
        continue;
      }
      int n = Math.min(len, BLOCK_SIZE - filled);
      System.arraycopy(b, off, current, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public long received() {
    return length + filled;
  }

  @Override
  public boolean mayReplay(long contentLength) {
    return segments != null && segments.mayHave(level, contentLength);
  }

  @Override
  public void beginSegment(long contentLength, byte[] sha256) throws IOException {
    if (finished || recording != null || replaying != null) {
      throw new IOException("gzip segment begun inside another or after the end");
    }
    cut();
    // the segment's first block takes no dictionary: its bytes depend on the segment alone
    previous = null;
    previousLength = 0;
    GzipSegments.Segment kept = null;
    if (sha256 != null && segments != null) {
      // write out every block first: a segment of this stream still in progress could be the one
      // another stream waits for
      while (!inFlight.isEmpty()) {
        drainOldest();
      }
      try {
        segments.awaitPending(level, contentLength);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a gzip segment");
      }
      kept = segments.get(new GzipSegments.Key(level, contentLength, sha256));
    }
    if (kept != null) {
      replaying = new Replay(kept); // every block before it is written out (above)
    } else {
      recording = new Recording(contentLength);
    }
  }

  @Override
  public void endSegment() throws IOException {
    if (replaying != null) {
      Replay r = replaying;
      replaying = null;
      if (r.count != r.segment.inputLength() || r.crc.getValue() != r.segment.crc()) {
        throw new IOException(
            "a kept gzip segment does not match the bytes it stands for ("
                + r.count
                + " bytes given, "
                + r.segment.inputLength()
                + " kept)");
      }
      writeHeaderOnce();
      out.write(r.segment.deflated());
      crc = Crc32Combine.combine(crc, r.segment.crc(), Crc32Combine.shift(r.segment.inputLength()));
      length += r.segment.inputLength();
      // the next block's dictionary: the segment's last block, as deflating it would have left it
      if (current != null && filled > 0) {
        previous = current;
        previousLength = filled;
        current = null;
        filled = 0;
      }
      return;
    }
    if (recording == null) {
      throw new IOException("gzip segment ended without beginning");
    }
    cut();
    Recording r = recording;
    recording = null;
    r.close();
  }

  /** Sends the block being filled, however short, so that the next byte starts a new block. */
  private void cut() throws IOException {
    if (current != null && filled > 0) {
      submit(false);
    }
  }

  /** A segment being deflated: its content's digest as it comes, and its blocks as they drain. */
  private final class Recording {
    final long contentLength;
    final MessageDigest sha;
    long hashed;
    int pending;
    boolean closed;
    ChunkedBytes deflated;
    long crc;
    long inputLength;

    /** Kept under the digest of the bytes that came (a digest taken before is only a lookup). */
    Recording(long contentLength) {
      this.contentLength = contentLength;
      this.sha = segments != null ? Digests.newSha256() : null;
      this.deflated = segments == null ? null : new ChunkedBytes();
      if (segments != null) {
        segments.started(level, contentLength);
        unfinished.add(this);
      }
    }

    /** Tells the segments this one is over, once (kept or not). */
    void end() {
      if (segments != null && unfinished.remove(this)) {
        segments.ended(level, contentLength);
      }
    }

    void hash(byte[] b, int off, int len) {
      // nothing is kept once the segment proved too big or incompressible: stop hashing it too
      if (sha != null && deflated != null && hashed < contentLength) {
        int n = (int) Math.min(len, contentLength - hashed);
        sha.update(b, off, n);
        hashed += n;
      }
    }

    /** Takes a block of this segment as it is written out ({@code shift}: its CRC shift). */
    void add(Block b, long shift) {
      pending--;
      if (deflated != null) {
        deflated.write(b.output, 0, b.outputLength);
        crc = Crc32Combine.combine(crc, b.crc, shift);
        inputLength += b.length;
        if (deflated.size() > GzipSegments.MAX_SEGMENT
            || (inputLength >= GzipSegments.MIN_CONTENT
                && deflated.size() > inputLength * 9 / 10)) {
          deflated = null; // too big to keep, or stored anyway: cheap to make again
        }
      }
      publishIfDone();
    }

    void close() {
      closed = true;
      publishIfDone();
    }

    private void publishIfDone() {
      if (!closed || pending > 0) {
        return;
      }
      if (deflated != null && segments != null && hashed == contentLength) {
        segments.put(
            new GzipSegments.Key(level, contentLength, sha.digest()),
            new GzipSegments.Segment(deflated.toByteArray(), crc, inputLength));
      }
      // else too big, incompressible, or not the content its entry said: nothing kept
      deflated = null;
      end();
    }
  }

  /**
   * A segment's deflated bytes as they come, in 256 KiB chunks: growing never copies what came
   * before (a growing array copied ~2.5 times a segment's size).
   */
  private static final class ChunkedBytes {
    private static final int CHUNK = 256 * 1024;
    private final List<byte[]> chunks = new ArrayList<>();
    private int lastUsed = CHUNK;
    private long size;

    void write(byte[] b, int off, int len) {
      while (len > 0) {
        if (lastUsed == CHUNK) {
          chunks.add(new byte[CHUNK]);
          lastUsed = 0;
        }
        int n = Math.min(len, CHUNK - lastUsed);
        System.arraycopy(b, off, chunks.get(chunks.size() - 1), lastUsed, n);
        lastUsed += n;
        off += n;
        len -= n;
        size += n;
      }
    }

    long size() {
      return size;
    }

    byte[] toByteArray() {
      byte[] out = new byte[Math.toIntExact(size)];
      int at = 0;
      for (byte[] c : chunks) {
        int n = (int) Math.min(c.length, size - at);
        System.arraycopy(c, 0, out, at, n);
        at += n;
      }
      return out;
    }
  }

  /** A kept segment standing in for the bytes that come: they are only counted and checked. */
  private final class Replay {
    final GzipSegments.Segment segment;
    final CRC32 crc = new CRC32();
    long count;

    Replay(GzipSegments.Segment segment) {
      this.segment = segment;
    }

    /**
     * Takes input like {@link #write} would, keeping only the block being filled (for the
     * dictionary of the block after the segment) and the CRC.
     */
    void consume(byte[] b, int off, int len) {
      crc.update(b, off, len);
      count += len;
      while (len > 0) {
        if (current == null) {
          current = freeInputs.isEmpty() ? new byte[BLOCK_SIZE] : freeInputs.pop();
          filled = 0;
        } else if (filled == BLOCK_SIZE) {
          filled = 0; // a full block nothing will reference: fill it again
        }
        int n = Math.min(len, BLOCK_SIZE - filled);
        System.arraycopy(b, off, current, filled, n);
        filled += n;
        off += n;
        len -= n;
      }
    }
  }

  /**
   * Deflates what is left as the final block, writes every block in order and the trailer (CRC-32
   * and length mod 2^32, little-endian). Idempotent; the target stays open.
   */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    if (recording != null || replaying != null) {
      throw new IOException("gzip stream finished inside a segment");
    }
    if (current == null) {
      current = new byte[0];
      filled = 0;
    }
    submit(true);
    while (!inFlight.isEmpty()) {
      drainOldest();
    }
    finished = true;
    writeHeaderOnce();
    byte[] trailer = new byte[8];
    intLe(trailer, 0, (int) crc);
    intLe(trailer, 4, (int) length);
    out.write(trailer);
    release();
  }

  /** Finishes the member, then flushes the target; the target is not closed. */
  @Override
  public void close() throws IOException {
    try {
      finish();
      out.flush();
    } finally {
      abandon();
    }
  }

  /** Waits for blocks still running after a failure and frees the native deflaters. */
  private void abandon() {
    boolean interrupted = false;
    for (Block b : inFlight) {
      while (true) {
        try {
          b.task.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          break;
        }
      }
    }
    inFlight.clear();
    for (Recording r : List.copyOf(unfinished)) {
      r.end();
    }
    release();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void release() {
    Deflater d;
    while ((d = deflaters.poll()) != null) {
      d.end();
    }
  }

  private void submit(boolean last) throws IOException {
    if (inFlight.size() >= maxInFlight) {
      drainOldest();
    }
    Block block =
        new Block(
            current,
            filled,
            previous,
            previousLength,
            last,
            freeOutputs.isEmpty() ? new byte[outputSize()] : freeOutputs.pop());
    block.recording = recording;
    if (recording != null) {
      recording.pending++;
    }
    if (last && inFlight.isEmpty()) {
      // Nothing to overlap with: a small layer is deflated here, sparing a thread hand-off.
      block.task.run();
    } else {
      executor.execute(block.task);
    }
    inFlight.add(block);
    length += filled;
    previous = current;
    previousLength = filled;
    current = null;
    filled = 0;
    while (!inFlight.isEmpty() && inFlight.peek().task.isDone() && !last) {
      drainOldest();
    }
  }

  private void drainOldest() throws IOException {
    Block b = inFlight.poll();
    try {
      b.task.get();
    } catch (InterruptedException e) {
      inFlight.addFirst(b);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing a layer");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IOException("deflating a block: " + cause, cause);
    }
    writeHeaderOnce();
    out.write(b.output, 0, b.outputLength);
    long shift = b.length == BLOCK_SIZE ? fullBlockShift : Crc32Combine.shift(b.length);
    crc = Crc32Combine.combine(crc, b.crc, shift);
    if (b.recording != null) {
      b.recording.add(b, shift);
    }
    // b's dictionary is the block before it, which nothing reads any more.
    if (b.dictionary != null) {
      freeInputs.push(b.dictionary);
    }
    freeOutputs.push(b.output);
  }

  private void writeHeaderOnce() throws IOException {
    if (!headerWritten) {
      headerWritten = true;
      out.write(HEADER);
    }
  }

  private static int outputSize() {
    // zlib's deflateBound for a block plus the sync flush marker, rounded up generously.
    return BLOCK_SIZE + (BLOCK_SIZE >> 8) + 1024;
  }

  private static void intLe(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  /**
   * Bits per byte above which a block is stored instead of deflated. Random bytes of a full block
   * measure about 7.9986; text and binaries stay far below. Data already compressed (archives,
   * images, jars) is where this matters: deflate would search it for matches at its full cost only
   * to emit stored blocks anyway (as zstd, which skips incompressible input the same way).
   */
  static final double STORED_ENTROPY = 7.995;

  /**
   * True when the block's byte histogram says deflate cannot shrink it: order-0 entropy at least
   * {@link #STORED_ENTROPY}. Depends only on the block's bytes, so the stream stays the same for
   * any thread count. (Repeats inside a block of otherwise random bytes would still compress; such
   * blocks are stored a little larger than deflate would make them, never wrongly.)
   */
  static boolean incompressible(byte[] b, int length) {
    if (length < BLOCK_SIZE / 2) {
      return false; // too few bytes for the estimate to mean much
    }
    // four tables, so that runs of one byte value do not serialise on one counter
    int[] c0 = new int[256];
    int[] c1 = new int[256];
    int[] c2 = new int[256];
    int[] c3 = new int[256];
    int i = 0;
    for (; i + 3 < length; i += 4) {
      c0[b[i] & 0xff]++;
      c1[b[i + 1] & 0xff]++;
      c2[b[i + 2] & 0xff]++;
      c3[b[i + 3] & 0xff]++;
    }
    for (; i < length; i++) {
      c0[b[i] & 0xff]++;
    }
    double bits = 0;
    for (int v = 0; v < 256; v++) {
      int c = c0[v] + c1[v] + c2[v] + c3[v];
      if (c != 0) {
        double p = (double) c / length;
        bits -= p * Math.log(p);
      }
    }
    return bits / Math.log(2) >= STORED_ENTROPY;
  }

  /** One block: its input, the block before it (the dictionary), and its deflated bytes. */
  private final class Block {
    final byte[] input;
    final int length;
    final byte[] dictionary;
    final int dictionaryLength;
    final boolean last;
    final FutureTask<Void> task;
    byte[] output;
    int outputLength;
    long crc;
    Recording recording;

    Block(
        byte[] input,
        int length,
        byte[] dictionary,
        int dictionaryLength,
        boolean last,
        byte[] output) {
      this.input = input;
      this.length = length;
      this.dictionary = dictionary;
      this.dictionaryLength = dictionary == null ? 0 : dictionaryLength;
      this.last = last;
      this.output = output;
      this.task = new FutureTask<>(this::deflate, null);
    }

    private void deflate() {
      CRC32 c = new CRC32();
      c.update(input, 0, length);
      crc = c.getValue();
      boolean stored = incompressible(input, length);
      ConcurrentLinkedQueue<Deflater> pool = stored ? storers : deflaters;
      Deflater d = pool.poll();
      if (d == null) {
        d = new Deflater(stored ? Deflater.NO_COMPRESSION : level, true);
      }
      try {
        if (dictionaryLength > 0 && !stored) {
          int n = Math.min(DICT_SIZE, dictionaryLength);
          d.setDictionary(dictionary, dictionaryLength - n, n);
        }
        d.setInput(input, 0, length);
        int n = 0;
        if (last) {
          d.finish();
          while (!d.finished()) {
            n += d.deflate(grow(n), n, output.length - n, Deflater.NO_FLUSH);
          }
        } else {
          // SYNC_FLUSH ends on a byte boundary with an empty stored block; a full output buffer
          // means there may be more to flush.
          int got;
          do {
            got = d.deflate(grow(n), n, output.length - n, Deflater.SYNC_FLUSH);
            n += got;
          } while (n == output.length);
        }
        outputLength = n;
      } finally {
        d.reset();
        pool.add(d);
      }
    }

    private byte[] grow(int used) {
      if (used == output.length) {
        output = java.util.Arrays.copyOf(output, output.length * 2);
      }
      return output;
    }
  }
}
