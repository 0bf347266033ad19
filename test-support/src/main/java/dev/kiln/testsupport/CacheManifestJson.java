package dev.kiln.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A registry cache's top-level object as skopeo, an independent client, reads it: {@code skopeo
 * inspect --raw}, and its layer entries and config entry whichever form it has (an image manifest
 * whose {@code config} is the cache config, or an index / manifest list with the config last).
 */
public final class CacheManifestJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private CacheManifestJson() {}

  /** {@code skopeo inspect --raw --tls-verify=false docker://REF}, parsed. */
  public static JsonNode inspectRaw(String ref) {
    String out =
        ProcessRunner.of("skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref)
            .timeout(Duration.ofMinutes(1))
            .run()
            .assertSuccess()
            .stdout();
    try {
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new UncheckedIOException("skopeo printed no JSON for " + ref, e);
    }
  }

  /** The config entry: {@code config} of a manifest, else the last entry of {@code manifests}. */
  public static JsonNode config(JsonNode top) {
    if (top.has("config")) {
      return top.path("config");
    }
    JsonNode entries = top.path("manifests");
    return entries.get(entries.size() - 1);
  }

  /**
   * The layer entries: {@code layers} of a manifest, else every entry of {@code manifests} but the
   * last.
   */
  public static List<JsonNode> layers(JsonNode top) {
    List<JsonNode> out = new ArrayList<>();
    if (top.has("config")) {
      top.path("layers").forEach(out::add);
    } else {
      JsonNode entries = top.path("manifests");
      for (int i = 0; i < entries.size() - 1; i++) {
        out.add(entries.get(i));
      }
    }
    return out;
  }
}
