package dev.kiln.testsupport;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;
import okio.Okio;

/** Serves one client connection of a {@link FaultProxy}: a keep-alive loop of requests. */
final class ProxyConnection {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "host",
          "content-length",
          "expect");

  private final FaultProxy proxy;
  private final Socket socket;

  ProxyConnection(FaultProxy proxy, Socket socket) {
    this.proxy = proxy;
    this.socket = socket;
  }

  void run() {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      for (HttpIo.Head head = HttpIo.readHead(in); head != null; head = HttpIo.readHead(in)) {
        if (!handle(head, in, out)) {
          return;
        }
        out.flush();
      }
    } catch (IOException | RuntimeException e) {
      // The client or upstream went away, or a fault cut the connection: the socket is closed.
    }
  }

  /** Handles one request; returns whether the connection stays open. */
  private boolean handle(HttpIo.Head head, InputStream in, OutputStream out) throws IOException {
    FaultRule.Fault fault = proxy.match(head.method(), head.path());
    boolean keepAlive =
        head.version().equals("HTTP/1.1") && !"close".equalsIgnoreCase(head.header("Connection"));
    boolean expectContinue = "100-continue".equalsIgnoreCase(head.header("Expect"));
    String faultName = fault == null ? "" : fault.getClass().getSimpleName();
    if (fault instanceof FaultRule.Fault.Respond respond) {
      if (expectContinue) {
        keepAlive = false; // the client holds its body back; do not wait for it
      } else {
        HttpIo.drain(HttpIo.body(head, in));
      }
      byte[] body = respond.body().getBytes(StandardCharsets.UTF_8);
      StringBuilder h = new StringBuilder();
      h.append("HTTP/1.1 ").append(respond.status()).append(' ').append(reason(respond.status()));
      h.append("\r\n");
      respond.headers().forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
      h.append("Content-Length: ").append(body.length).append("\r\n");
      h.append(keepAlive ? "" : "Connection: close\r\n").append("\r\n");
      // Logged before answering, so a client that got its answer also sees the log entry.
      proxy.log(entry(head, respond.status(), faultName));
      out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (!head.method().equals("HEAD")) {
        out.write(body);
      }
      out.flush();
      return keepAlive;
    }
    if (expectContinue) {
      out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    InputStream body = HttpIo.body(head, in);
    if (fault instanceof FaultRule.Fault.CutRequestBody cut) {
      proxy.log(entry(head, -1, faultName));
      body.readNBytes((int) Math.min(cut.afterBytes(), Integer.MAX_VALUE - 8));
      reset(socket);
      return false;
    }
    if (fault instanceof FaultRule.Fault.Delay delay) {
      try {
        Thread.sleep(delay.delay().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    long cutAfter =
        fault instanceof FaultRule.Fault.CutResponseBody cut ? cut.afterBytes() : Long.MAX_VALUE;
    Response upstreamResponse;
    try {
      upstreamResponse = proxy.http().newCall(upstreamRequest(head, body)).execute();
    } catch (IOException e) {
      String bad = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      out.write(bad.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      proxy.log(entry(head, 502, "upstream-failure"));
      return false;
    }
    try (Response response = upstreamResponse) {
      HttpIo.drain(body); // a GET's body, if any, was not forwarded
      proxy.log(entry(head, response.code(), faultName));
      writeResponse(head, response, out, keepAlive, cutAfter);
      if (cutAfter != Long.MAX_VALUE) {
        reset(socket);
        return false;
      }
    }
    return keepAlive;
  }

  private Request upstreamRequest(HttpIo.Head head, InputStream body) {
    Request.Builder builder = new Request.Builder().url(proxy.upstream() + head.target());
    boolean acceptEncoding = false;
    for (String[] h : head.headers()) {
      if (!HOP_BY_HOP.contains(h[0].toLowerCase(Locale.ROOT))) {
        builder.addHeader(h[0], h[1]);
        acceptEncoding |= h[0].equalsIgnoreCase("Accept-Encoding");
      }
    }
    if (!acceptEncoding) {
      // Otherwise okhttp would ask for gzip and unzip transparently, changing what the client gets.
      builder.header("Accept-Encoding", "identity");
    }
    RequestBody requestBody = null;
    if (head.hasBody() && !head.method().equals("GET") && !head.method().equals("HEAD")) {
      requestBody = new StreamingBody(body, head.chunked() ? -1 : head.contentLength());
    } else if (Set.of("POST", "PUT", "PATCH").contains(head.method())) {
      requestBody = RequestBody.create(new byte[0], null);
    }
    return builder.method(head.method(), requestBody).build();
  }

  private void writeResponse(
      HttpIo.Head head, Response response, OutputStream out, boolean keepAlive, long cutAfter)
      throws IOException {
    int code = response.code();
    boolean noBody =
        head.method().equals("HEAD") || code == 204 || code == 304 || (code >= 100 && code < 200);
    ResponseBody body = response.body();
    long length = body.contentLength();
    StringBuilder h = new StringBuilder("HTTP/1.1 ").append(code).append(' ');
    h.append(response.message().isEmpty() ? reason(code) : response.message()).append("\r\n");
    Headers headers = response.headers();
    for (int i = 0; i < headers.size(); i++) {
      String name = headers.name(i);
      String lower = name.toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(lower) && !(noBody && lower.equals("content-length"))) {
        continue;
      }
      String value =
          lower.equals("location") ? proxy.rewriteLocation(headers.value(i)) : headers.value(i);
      h.append(name).append(": ").append(value).append("\r\n");
    }
    boolean chunked = !noBody && length < 0;
    if (!noBody) {
      h.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + length + "\r\n");
    }
    h.append(keepAlive ? "" : "Connection: close\r\n").append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (noBody) {
      out.flush();
      return;
    }
    long sent = 0;
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = body.byteStream()) {
      while (sent < cutAfter) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, cutAfter - sent));
        if (n < 0) {
          break;
        }
        if (chunked) {
          out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write(buffer, 0, n);
        if (chunked) {
          out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        sent += n;
      }
    }
    if (chunked && sent < cutAfter) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    out.flush();
  }

  private static AccessLogEntry entry(HttpIo.Head head, int status, String fault) {
    return new AccessLogEntry(head.method(), head.path(), head.query(), status, fault);
  }

  /** Closes with RST (SO_LINGER 0) so the peer sees a reset, not a clean end of stream. */
  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException e) {
      // the socket is already gone
    }
    closeQuietly(socket);
  }

  static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to free
    }
  }

  private static String reason(int code) {
    return Map.of(
            200,
            "OK",
            401,
            "Unauthorized",
            404,
            "Not Found",
            429,
            "Too Many Requests",
            500,
            "Internal Server Error",
            502,
            "Bad Gateway",
            503,
            "Service Unavailable")
        .getOrDefault(code, "Status");
  }

  /** A one-shot request body streamed from the client connection. */
  private static final class StreamingBody extends RequestBody {
    private final InputStream in;
    private final long length;

    StreamingBody(InputStream in, long length) {
      this.in = in;
      this.length = length;
    }

    @Override
    public MediaType contentType() {
      return null; // the client's Content-Type header is forwarded as is
    }

    @Override
    public long contentLength() {
      return length;
    }

    @Override
    public boolean isOneShot() {
      return true;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.writeAll(Okio.source(in));
    }
  }
}
