package dev.kiln.solver.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.solver.cache.CacheResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The http source ({@link HttpOp}) as BuildKit's {@code source/http}: the file is downloaded into a
 * snapshot of its own ({@code /<filename>}, 0600, root, mtime = {@code Last-Modified} or the epoch)
 * and keyed by its content ({@link CacheMaps#forHttp}), never by the URL.
 *
 * <ul>
 *   <li>With a checksum the key is known without a request; the file is downloaded only when a step
 *       needs it and no earlier download of that URL has that digest, and a download that does not
 *       match fails.
 *   <li>Without one, every solve asks the server: with the ETags of earlier downloads of the URL
 *       (kept under {@code <root>/http/}), first a {@code HEAD} with {@code If-None-Match} (some
 *       servers ignore it on {@code GET}), then a conditional {@code GET}; a matching ETag or a
 *       {@code 304} reuses the earlier download, anything else downloads again.
 * </ul>
 *
 * Thread-safe. Results are per worker (one build): a vertex resolved for its key is not fetched
 * again when it runs.
 */
final class HttpSource {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER_AGENT = "kiln";

  /** One earlier download of a URL. */
  record Download(String etag, String lastModified, String digest, String snapshot) {}

  private final SnapshotStore snapshots;
  private final Path records;
  private final Map<Digest, Download> resolved = new ConcurrentHashMap<>();
  private HttpClient client;

  HttpSource(SnapshotStore snapshots, Path records) {
    this.snapshots = snapshots;
    this.records = records;
  }

  /**
   * The HTTP client, made on the first download: creating one loads the TLS stack and the trust
   * store, which a build without {@code ADD URL} should not pay for.
   */
  private synchronized HttpClient client() {
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NORMAL)
              .connectTimeout(Duration.ofSeconds(30))
              .build();
    }
    return client;
  }

  CacheMap cacheMap(Vertex vertex, HttpOp op) throws IOException, InterruptedException {
    if (op.checksum() != null) {
      return CacheMaps.forHttp(op, op.checksum(), null);
    }
    Download d = resolve(op);
    resolved.put(vertex.digest(), d);
    return CacheMaps.forHttp(op, Digest.parse(d.digest()), parseTime(d.lastModified()));
  }

  CacheResult run(Vertex vertex, HttpOp op) throws IOException, InterruptedException {
    Download d = resolved.get(vertex.digest());
    if (d == null && op.checksum() != null) {
      d =
          earlier(op).stream()
              .filter(e -> e.digest().equals(op.checksum().toString()))
              .findFirst()
              .orElse(null);
      if (d == null) {
        d = download(op, request(op).GET().build());
      }
    } else if (d == null) {
      d = resolve(op);
    }
    if (op.checksum() != null && !d.digest().equals(op.checksum().toString())) {
      throw new IOException(
          "digest mismatch for "
              + op.url()
              + ": "
              + d.digest()
              + " (expected: "
              + op.checksum()
              + "); fix the URL or --checksum");
    }
    return CacheResult.ofSnapshot(d.snapshot());
  }

  /** Asks the server, conditionally on the ETags of earlier downloads; downloads when changed. */
  private Download resolve(HttpOp op) throws IOException, InterruptedException {
    Map<String, Download> byEtag = new ConcurrentHashMap<>();
    for (Download e : earlier(op)) {
      if (!e.etag().isEmpty()) {
        byEtag.put(e.etag(), e);
      }
    }
    String onlyEtag = byEtag.size() == 1 ? byEtag.keySet().iterator().next() : "";
    if (!byEtag.isEmpty()) {
      String etags = String.join(", ", byEtag.keySet());
      HttpRequest head =
          request(op)
              .method("HEAD", HttpRequest.BodyPublishers.noBody())
              .header("If-None-Match", etags)
              .header("Accept-Encoding", "gzip")
              .build();
      try {
        HttpResponse<Void> r = client().send(head, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200 || r.statusCode() == 304) {
          Download hit = matching(r, byEtag, onlyEtag);
          if (hit != null) {
            return hit;
          }
        }
      } catch (IOException e) {
        // BuildKit goes on with the GET when the HEAD fails
      }
      HttpRequest get = request(op).GET().header("If-None-Match", etags).build();
      HttpResponse<InputStream> r = send(op, get);
      if (r.statusCode() == 304) {
        r.body().close();
        Download hit = matching(r, byEtag, onlyEtag);
        if (hit == null) {
          throw new IOException(
              "fetching "
                  + op.url()
                  + ": invalid not-modified ETag "
                  + r.headers().firstValue("ETag"));
        }
        return hit;
      }
      return save(op, r);
    }
    return download(op, request(op).GET().build());
  }

  private static Download matching(
      HttpResponse<?> r, Map<String, Download> byEtag, String onlyEtag) {
    String etag = etag(r.headers().firstValue("ETag").orElse(""));
    if (etag.isEmpty() && r.statusCode() == 304) {
      etag = onlyEtag; // a 304 without ETag refers to the only one asked about
    }
    return byEtag.get(etag);
  }

  private Download download(HttpOp op, HttpRequest get) throws IOException, InterruptedException {
    return save(op, send(op, get));
  }

  private HttpResponse<InputStream> send(HttpOp op, HttpRequest req)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> r;
    try {
      r = client().send(req, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new IOException("fetching " + op.url() + ": " + describe(e), e);
    }
    if (r.statusCode() < 200 || r.statusCode() >= 400) {
      r.body().close();
      throw new IOException("fetching " + op.url() + ": invalid response status " + r.statusCode());
    }
    return r;
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Writes the response body as the result's only file; records the download. */
  private Download save(HttpOp op, HttpResponse<InputStream> r) throws IOException {
    String lastModified = r.headers().firstValue("Last-Modified").orElse("");
    Instant mtime = Optional.ofNullable(parseTime(lastModified)).orElse(Instant.EPOCH);
    Path temp = snapshots.newTemp();
    try {
      Path file = SnapshotStore.createRoot(temp.resolve("d")).resolve(op.filename());
      MessageDigest md = Digests.newSha256();
      try (InputStream in = r.body();
          OutputStream out = Files.newOutputStream(file)) {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          md.update(buf, 0, n);
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        throw new IOException("downloading " + op.url() + ": " + describe(e), e);
      }
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      Files.setLastModifiedTime(file, FileTime.from(mtime));
      Digest digest = Digest.sha256(md.digest());
      // content-derived: the same file, name and time give the same snapshot
      String id =
          SnapshotStore.id(
              'h',
              Digests.sha256(
                  "kiln.http.v1\0"
                      + op.filename()
                      + "\0"
                      + digest
                      + "\0"
                      + mtime.getEpochSecond()));
      snapshots.commit(temp, id, SnapshotMeta.tree());
      Download d =
          new Download(
              etag(r.headers().firstValue("ETag").orElse("")), lastModified, digest.toString(), id);
      record(op, d);
      return d;
    } catch (IOException | RuntimeException e) {
      SnapshotStore.deleteTree(temp);
      throw e;
    }
  }

  /** The earlier downloads of {@code op}'s URL whose snapshot still exists. */
  private List<Download> earlier(HttpOp op) throws IOException {
    Path dir = records.resolve(urlHash(op));
    List<Download> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        Download d;
        try {
          d = JSON.readValue(f.toFile(), Download.class);
        } catch (IOException e) {
          continue; // a damaged record is only a cache miss
        }
        if (snapshots.exists(d.snapshot())) {
          out.add(d);
        }
      }
    }
    return out;
  }

  private void record(HttpOp op, Download d) throws IOException {
    Path dir = Files.createDirectories(records.resolve(urlHash(op)));
    Path tmp = dir.resolve(UUID.randomUUID() + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(d));
    Files.move(
        tmp,
        dir.resolve(d.snapshot() + ".json"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Where earlier downloads of a URL are recorded: the URL and file name, as BuildKit's urlHash.
   */
  private static String urlHash(HttpOp op) {
    return Digests.sha256((op.url() + "\0" + op.filename()).getBytes(StandardCharsets.UTF_8)).hex();
  }

  private static HttpRequest.Builder request(HttpOp op) throws IOException {
    try {
      return HttpRequest.newBuilder(URI.create(op.url()))
          .header("User-Agent", USER_AGENT)
          .timeout(Duration.ofMinutes(10));
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid URL " + op.url() + ": " + e.getMessage(), e);
    }
  }

  /** BuildKit's {@code etagValue}: a weak ETag compares like a strong one. */
  private static String etag(String v) {
    return v.startsWith("W/") ? v.substring(2) : v;
  }

  private static Instant parseTime(String httpDate) {
    if (httpDate == null || httpDate.isEmpty()) {
      return null;
    }
    try {
      return ZonedDateTime.parse(httpDate, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
