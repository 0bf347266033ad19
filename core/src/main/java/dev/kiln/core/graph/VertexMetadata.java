package dev.kiln.core.graph;

import java.util.Map;
import java.util.TreeMap;

/**
 * Descriptive data attached to a vertex that never affects its digest or its cache keys: the
 * progress name shown to users and free-form description entries (e.g. {@code
 * com.docker.dockerfile.v1.command}).
 *
 * @param name the custom/progress name, empty when none (the solver then derives one)
 * @param description free-form key/value description, sorted by key
 */
public record VertexMetadata(String name, Map<String, String> description) {

  /** No name, no description. */
  public static final VertexMetadata EMPTY = new VertexMetadata("", Map.of());

  /** Copies the map into a sorted immutable map. */
  public VertexMetadata {
    name = name == null ? "" : name;
    description =
        description == null
            ? Map.of()
            : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(description));
  }

  /** This metadata with {@code newName}. */
  public VertexMetadata withName(String newName) {
    return new VertexMetadata(newName, description);
  }

  /** This metadata plus one description entry. */
  public VertexMetadata withDescription(String key, String value) {
    TreeMap<String, String> m = new TreeMap<>(description);
    m.put(key, value);
    return new VertexMetadata(name, m);
  }

  /** True when there is neither a name nor a description. */
  public boolean isEmpty() {
    return name.isEmpty() && description.isEmpty();
  }
}
