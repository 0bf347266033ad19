package dev.kiln.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.solver.cache.FetchingContentStore;
import dev.kiln.solver.store.LocalContentStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step that hit a remote cache is {@code CACHED}; when its layer is read later, the download
 * through the {@link FetchingContentStore} is a line of its own with bytes, in every mode.
 */
class CacheDownloadProgressTest {

  private static final String SOURCE = "registry localhost:5000/app:cache";

  @TempDir Path tmp;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final Digest step = Digests.sha256("step");
  private final byte[] layer = new byte[300_000];
  private Descriptor blob;

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** The hit, then a read of its layer through the fetching store (downloaded from "SOURCE"). */
  private void hitThenRead(ProgressDisplay d) throws Exception {
    new Random(7).nextBytes(layer);
    blob =
        Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256(layer), layer.length)
            .withAnnotation("containerd.io/uncompressed", Digests.sha256("diff").toString());
    ImportedCache cache =
        ImportedCache.ofInline(SOURCE, List.of(), List.of(blob), b -> slowly(layer));
    FetchingContentStore store =
        new FetchingContentStore(LocalContentStore.at(tmp.resolve("content")), List.of(cache), d);
    d.vertexCached(step, "[2/2] RUN make");
    try (InputStream in = store.open(blob.digest())) {
      assertThat(in.readAllBytes()).isEqualTo(layer);
    }
    d.finish(true);
  }

  /** The bytes in small reads, so that the display sees progress before the end. */
  private InputStream slowly(byte[] b) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        now.addAndGet(10_000_000L);
        return super.read(buf, off, Math.min(len, 65_536));
      }
    };
  }

  private String line() {
    return "downloading " + blob.digest() + " from " + SOURCE;
  }

  @Test
  void plain_hitIsCached_downloadIsItsOwnStepWithItsBytes() throws Exception {
    hitThenRead(ProgressDisplay.create(ProgressMode.PLAIN, out, now::get, Map.of()));

    List<String> lines = output().lines().toList();
    assertThat(lines).startsWith("#1 [2/2] RUN make", "#1 CACHED", "", "#2 " + line());
    assertThat(lines)
        .contains("#2 " + blob.digest().toString().substring(0, 19) + " 300.00kB done")
        .anyMatch(l -> l.matches("#2 DONE \\d+\\.\\ds"));
  }

  @Test
  void rawjson_downloadIsAVertexWithStatusesUpToItsSize() throws Exception {
    hitThenRead(ProgressDisplay.create(ProgressMode.RAWJSON, out, now::get, Map.of()));

    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String l : output().lines().toList()) {
      events.add(json.readTree(l));
    }
    assertThat(events.get(0).path("vertexes").get(0).path("cached").asBoolean()).isTrue();
    JsonNode download = events.get(1).path("vertexes").get(0);
    assertThat(download.path("name").asText()).isEqualTo(line());
    String vertex = download.path("digest").asText();
    assertThat(vertex).isEqualTo(FetchingContentStore.downloadLine(blob.digest()).toString());
    List<Long> current =
        events.stream()
            .flatMap(e -> e.path("statuses").valueStream())
            .filter(s -> s.path("vertex").asText().equals(vertex))
            .peek(s -> assertThat(s.path("total").asLong()).isEqualTo(layer.length))
            .map(s -> s.path("current").asLong())
            .toList();
    assertThat(current).isNotEmpty().isSorted().endsWith((long) layer.length);
    assertThat(events.get(events.size() - 1).path("vertexes").get(0).has("completed")).isTrue();
  }

  @Test
  void tty_finalFrameShowsTheCachedStepAndTheDownloadWithItsBytes() throws Exception {
    hitThenRead(new TtyDisplay(out, now::get, new TerminalSize(200, 30)));

    String plain = output().replaceAll("\033\\[[0-9]*[A-Za-z]", "").replace("\r", "");
    List<String> frame = plain.lines().filter(l -> !l.isBlank()).toList();
    int finished =
        frame.lastIndexOf(
            frame.stream().filter(l -> l.contains("FINISHED")).reduce((a, b) -> b).orElseThrow());
    List<String> last = frame.subList(finished, frame.size());
    assertThat(last.get(1)).startsWith(" => CACHED [2/2] RUN make");
    assertThat(last.get(2)).startsWith(" => " + line());
    assertThat(last.get(3)).contains("300.00kB / 300.00kB");
  }
}
