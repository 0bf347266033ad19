package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.buildkit.BuildkitKeys;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.State;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.scheduler.KeyFunction;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveException;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import dev.kiln.solver.store.LocalContentStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The http source against a real HTTP server on 127.0.0.1: content-keyed caching, conditional
 * re-checks with ETags (BuildKit's HEAD then GET), checksums, the file's mode and mtime.
 */
class HttpSourceTest {

  @TempDir Path tmp;
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile byte[] body = "version one\n".getBytes(StandardCharsets.UTF_8);
  private volatile String etag = "\"v1\"";

  /**
   * When set, HEAD answers 200 with this ETag whatever it is asked (a server varying by method).
   */
  private volatile String headEtag;

  private LocalContentStore store;

  @BeforeEach
  void start() throws IOException {
    store = LocalContentStore.at(tmp.resolve("content"));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          String inm = ex.getRequestHeaders().getFirst("If-None-Match");
          requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + inm);
          if (ex.getRequestURI().getPath().equals("/missing")) {
            ex.sendResponseHeaders(404, -1);
            ex.close();
            return;
          }
          boolean head = ex.getRequestMethod().equals("HEAD");
          String tag = head && headEtag != null ? headEtag : etag;
          if (tag != null) {
            ex.getResponseHeaders().set("ETag", tag);
          }
          ex.getResponseHeaders().set("Last-Modified", "Tue, 02 Jan 2024 03:04:05 GMT");
          if (inm != null && tag != null && inm.contains(tag) && !(head && headEtag != null)) {
            ex.sendResponseHeaders(304, -1);
          } else if (head) {
            ex.sendResponseHeaders(200, -1);
          } else {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          }
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** COPY the downloaded file into /out of an empty file system. */
  private static Definition add(String url, String file, Digest checksum) {
    State http = State.http(url, file, checksum).named("http");
    FileAction.Copy copy =
        new FileAction.Copy(0, "/" + file, "/out/", false, false, true, false, false, -1, null);
    return State.scratch().file(FileStep.copy(http, copy)).named("ADD").definition();
  }

  private record Solved(LocalWorker worker, SolveResult result) {}

  private Solved solve(Definition def) throws Exception {
    return solve(def, KeyFunction.KILN);
  }

  private Solved solve(Definition def, KeyFunction keys) throws Exception {
    LocalWorker worker = LocalWorker.builder(tmp.resolve("worker"), store).build();
    try (LocalCacheManager cache = LocalCacheManager.open(tmp.resolve("cache"));
        Scheduler scheduler =
            new Scheduler(worker, cache, Runtime.getRuntime().availableProcessors(), keys)) {
      return new Solved(worker, scheduler.solve(def, SolveOptions.DEFAULT));
    }
  }

  private static Path file(Solved s, String path) throws IOException {
    return s.worker().snapshot(s.result().outputs().get(0)).resolve(path);
  }

  @Test
  void noChecksum_secondBuild_headWithEtagNotModified_nothingRuns() throws Exception {
    Solved first = solve(add(url("/dl/tool.txt"), "tool.txt", null));
    requests.clear();
    Solved second = solve(add(url("/dl/tool.txt"), "tool.txt", null));

    assertThat(Files.readString(file(first, "out/tool.txt"))).isEqualTo("version one\n");
    assertThat(second.result().executed()).isZero();
    assertThat(requests).containsExactly("HEAD /dl/tool.txt \"v1\"");
    // as BuildKit: 0600, root, mtime from Last-Modified
    Path f = file(first, "out/tool.txt");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(Files.getLastModifiedTime(f).toInstant())
        .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
  }

  @Test
  void noChecksum_contentChanged_downloadedAgainAndRerun() throws Exception {
    solve(add(url("/f.txt"), "f.txt", null));
    body = "version two\n".getBytes(StandardCharsets.UTF_8);
    etag = "\"v2\"";
    requests.clear();
    Solved second = solve(add(url("/f.txt"), "f.txt", null));

    assertThat(requests).containsExactly("HEAD /f.txt \"v1\"", "GET /f.txt \"v1\"");
    assertThat(second.result().executed()).isEqualTo(2);
    assertThat(Files.readString(file(second, "out/f.txt"))).isEqualTo("version two\n");
  }

  @Test
  void headAnsweringAnotherEtag_conditionalGetNotModified_reused() throws Exception {
    etag = "W/\"weak\"";
    solve(add(url("/f.txt"), "f.txt", null));
    headEtag = "\"other-for-head\"";
    requests.clear();
    // HEAD answers 200 with another ETag; the conditional GET then says 304 for the weak one
    Solved second = solve(add(url("/f.txt"), "f.txt", null));

    assertThat(requests).containsExactly("HEAD /f.txt \"weak\"", "GET /f.txt \"weak\"");
    assertThat(second.result().executed()).isZero();
  }

  @Test
  void noEtag_downloadedEachBuild_butKeyedByContent() throws Exception {
    etag = null;
    solve(add(url("/a/f.txt"), "f.txt", null));
    requests.clear();
    Solved again = solve(add(url("/a/f.txt"), "f.txt", null));
    Solved otherUrl = solve(add(url("/b/f.txt"), "f.txt", null));

    assertThat(requests).containsExactly("GET /a/f.txt null", "GET /b/f.txt null");
    assertThat(again.result().executed()).isZero();
    assertThat(otherUrl.result().executed()).isZero();
  }

  @Test
  void checksum_keyWithoutRequest_downloadOnlyWhenNeeded() throws Exception {
    Digest sum = Digests.sha256("version one\n");
    Solved first = solve(add(url("/f.txt"), "f.txt", sum));
    assertThat(requests).containsExactly("GET /f.txt null");
    requests.clear();
    Solved second = solve(add(url("/f.txt"), "f.txt", sum));

    assertThat(requests).isEmpty();
    assertThat(second.result().executed()).isZero();
    assertThat(Files.readString(file(first, "out/f.txt"))).isEqualTo("version one\n");
  }

  @Test
  void buildkitKeys_httpRootIsFormatCacheKeyOfTheDownload() throws Exception {
    Definition def = add(url("/dl/tool.txt"), "tool.txt", null);
    HttpOp op =
        (HttpOp)
            def.vertices().stream()
                .filter(v -> v.op() instanceof HttpOp)
                .findFirst()
                .orElseThrow()
                .op();
    for (BuildkitKeys formulas : List.of(BuildkitKeys.V0_11, BuildkitKeys.V0_32)) {
      Solved s = solve(def, KeyFunction.of(formulas));

      CacheKey expected =
          CacheKey.of(
              formulas.forHttp(
                  op,
                  Digests.sha256(body),
                  Instant.parse("2024-01-02T03:04:05Z"),
                  "Tue, 02 Jan 2024 03:04:05 GMT"),
              0,
              List.of());
      assertThat(
              s.result().keys().entries().stream()
                  .filter(e -> e.vertex().op() instanceof HttpOp)
                  .flatMap(e -> e.alternatives().stream())
                  .map(a -> a.key().digest()))
          .as(formulas.version())
          .containsExactly(expected.digest());
    }
  }

  @Test
  void checksumMismatch_failsNamingBothDigests() {
    Digest wrong = Digests.sha256("something else");
    assertThatThrownBy(() -> solve(add(url("/f.txt"), "f.txt", wrong)))
        .isInstanceOf(SolveException.class)
        .hasMessageContaining("digest mismatch for " + url("/f.txt"))
        .hasMessageContaining("(expected: " + wrong + ")");
  }

  @Test
  void notFound_failsWithStatus() {
    assertThatThrownBy(() -> solve(add(url("/missing"), "missing", null)))
        .rootCause()
        .hasMessage("fetching " + url("/missing") + ": invalid response status 404");
  }
}
