package dev.kiln.core.cache.buildkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.graph.Vertex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a frontend records, in a vertex's {@link dev.kiln.core.graph.VertexMetadata} (outside every
 * digest), about the LLB BuildKit's own frontend would emit where kiln's graph differs without a
 * difference in what runs. Today: the order of a RUN's environment, which BuildKit builds by
 * "delete, then append" in instruction order (image ENV, the default {@code PATH}, then ENV and ARG
 * as they come); kiln's Dockerfile frontend now emits that order itself and records no hint, but
 * other graph builders may. The key function uses a hint only when it lists exactly the entries the
 * op runs with; otherwise the op keeps a kiln key. Thread-safe.
 */
public final class BuildkitHints {

  /** Description key of an exec vertex: a JSON array of {@code KEY=value} strings. */
  public static final String ENV = "dev.kiln.buildkit.env";

  private static final ObjectMapper JSON = new ObjectMapper();

  private BuildkitHints() {}

  /** The description value of the env hint {@code env} (a JSON array). */
  public static String envValue(List<String> env) {
    try {
      return JSON.writeValueAsString(env);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a list of strings as JSON", e);
    }
  }

  /**
   * The env hint of {@code vertex}, if it has a well-formed one.
   *
   * @throws IllegalArgumentException if the hint is present but not a JSON array of strings
   */
  static Optional<List<String>> env(Vertex vertex) {
    String text = vertex.metadata().description().get(ENV);
    if (text == null) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(text);
      List<String> out = new ArrayList<>();
      if (n == null || !n.isArray()) {
        throw new IllegalArgumentException("vertex hint " + ENV + " is not a JSON array: " + text);
      }
      for (JsonNode e : n) {
        if (!e.isTextual()) {
          throw new IllegalArgumentException("vertex hint " + ENV + " has a non-string: " + text);
        }
        out.add(e.asText());
      }
      return Optional.of(out);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("vertex hint " + ENV + " is not JSON: " + text, e);
    }
  }
}
