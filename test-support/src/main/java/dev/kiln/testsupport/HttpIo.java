package dev.kiln.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Minimal HTTP/1.1 wire reading for {@link FaultProxy}: lines, heads and body framing. */
final class HttpIo {
  private static final int MAX_LINE = 64 * 1024;

  private HttpIo() {}

  /** A request head: request line and headers in order. */
  record Head(String method, String target, String version, List<String[]> headers) {
    Head {
      headers = List.copyOf(headers);
    }

    String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    String query() {
      int q = target.indexOf('?');
      return q < 0 ? "" : target.substring(q + 1);
    }

    boolean chunked() {
      String te = header("Transfer-Encoding");
      return te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
    }

    long contentLength() {
      String cl = header("Content-Length");
      return cl == null ? -1 : Long.parseLong(cl.trim());
    }

    boolean hasBody() {
      return chunked() || contentLength() > 0;
    }
  }

  /** Reads a request head; null on a clean end of stream before the first byte. */
  static Head readHead(InputStream in) throws IOException {
    String requestLine = readLine(in);
    while (requestLine != null && requestLine.isEmpty()) {
      requestLine = readLine(in); // tolerate stray CRLF between requests
    }
    if (requestLine == null) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length != 3) {
      throw new IOException("malformed request line");
    }
    List<String[]> headers = new ArrayList<>();
    for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.add(
            new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
      }
    }
    return new Head(parts[0], parts[1], parts[2], headers);
  }

  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b = in.read();
    if (b < 0) {
      return null;
    }
    while (b >= 0 && b != '\n') {
      if (line.size() > MAX_LINE) {
        throw new IOException("header line too long");
      }
      line.write(b);
      b = in.read();
    }
    String s = line.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** The request body of {@code head} as a stream that ends where the body ends. */
  static InputStream body(Head head, InputStream in) {
    if (head.chunked()) {
      return new ChunkedInputStream(in);
    }
    long length = Math.max(0, head.contentLength());
    return new BoundedInputStream(in, length);
  }

  /** Reads {@code in} to its end, discarding the bytes. */
  static void drain(InputStream in) throws IOException {
    in.transferTo(OutputStreamSink.INSTANCE);
  }

  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }

  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    BoundedInputStream(InputStream in, long length) {
      this.in = in;
      this.remaining = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new IOException("request body ended early");
      }
      remaining -= n;
      return n;
    }
  }

  private static final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long chunkRemaining;
    private boolean done;

    ChunkedInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (chunkRemaining == 0) {
        String sizeLine = readLine(in);
        if (sizeLine == null) {
          throw new IOException("chunked body ended early");
        }
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
        chunkRemaining = Long.parseLong(hex, 16);
        if (chunkRemaining == 0) {
          for (String t = readLine(in); t != null && !t.isEmpty(); t = readLine(in)) {
            // trailers are dropped
          }
          done = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, chunkRemaining));
      if (n < 0) {
        throw new IOException("chunked body ended early");
      }
      chunkRemaining -= n;
      if (chunkRemaining == 0) {
        readLine(in); // CRLF after the chunk data
      }
      return n;
    }
  }
}
