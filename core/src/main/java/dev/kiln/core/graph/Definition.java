package dev.kiln.core.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.graph.internal.CanonicalJson;
import dev.kiln.core.graph.internal.OpCodec;
import dev.kiln.oci.Digest;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A whole build graph: the vertices reachable from some outputs, in topological order (every vertex
 * after all of its inputs), with lookup by digest.
 *
 * <p>Cycles cannot exist (a vertex can only be built from existing vertices); output indexes are
 * checked by {@link Edge}. When several vertices with the same digest but different metadata are
 * reachable, the first one met in a depth-first walk from the outputs, in order, is kept.
 *
 * <p>{@link #toJson()} / {@link #fromJson(byte[])} persist a definition; the bytes are canonical
 * JSON (see {@code core/README.md}) and equal for equal definitions, metadata included. Immutable
 * and thread-safe.
 */
public final class Definition {

  /** Version tag of the serialized form. */
  public static final String FORMAT_VERSION = "kiln.definition.v1";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<Vertex> vertices;
  private final Map<Digest, Vertex> byDigest;
  private final List<Edge> outputs;

  private Definition(List<Vertex> vertices, Map<Digest, Vertex> byDigest, List<Edge> outputs) {
    this.vertices = vertices;
    this.byDigest = byDigest;
    this.outputs = outputs;
  }

  /** The definition of everything needed to produce {@code outputs} (at least one). */
  public static Definition of(List<Edge> outputs) {
    List<Edge> outs = List.copyOf(outputs);
    if (outs.isEmpty()) {
      throw new IllegalArgumentException("a definition needs at least one output");
    }
    Map<Digest, Vertex> seen = new LinkedHashMap<>();
    // Iterative post-order walk: deep chains (10k+) must not overflow the stack.
    Set<Digest> expanded = new HashSet<>();
    Deque<Vertex> stack = new ArrayDeque<>();
    for (Edge out : outs) {
      stack.push(out.vertex());
      while (!stack.isEmpty()) {
        Vertex v = stack.peek();
        if (seen.containsKey(v.digest())) {
          stack.pop();
        } else if (expanded.add(v.digest())) {
          List<Edge> in = v.inputs();
          for (int i = in.size() - 1; i >= 0; i--) {
            if (!seen.containsKey(in.get(i).vertex().digest())) {
              stack.push(in.get(i).vertex());
            }
          }
        } else {
          stack.pop();
          seen.put(v.digest(), v);
        }
      }
    }
    return new Definition(List.copyOf(seen.values()), Collections.unmodifiableMap(seen), outs);
  }

  /** The definition of a single output. */
  public static Definition of(Edge output) {
    return of(List.of(output));
  }

  /** All vertices, each after its inputs. */
  public List<Vertex> vertices() {
    return vertices;
  }

  /** The requested outputs, in the order given. */
  public List<Edge> outputs() {
    return outputs;
  }

  /** The vertex with {@code digest}, if it is part of this definition. */
  public Optional<Vertex> vertex(Digest digest) {
    return Optional.ofNullable(byDigest.get(digest));
  }

  /** The number of distinct vertices. */
  public int size() {
    return vertices.size();
  }

  /** The serialized form: canonical JSON bytes (UTF-8). */
  public byte[] toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode().put("version", FORMAT_VERSION);
    ArrayNode vs = root.putArray("vertices");
    for (Vertex v : vertices) {
      ObjectNode vn = vs.addObject().put("digest", v.digest().toString());
      vn.set("op", OpCodec.encode(v.op()));
      ArrayNode in = vn.putArray("inputs");
      v.inputs().forEach(e -> in.add(edge(f, e)));
      if (!v.metadata().isEmpty()) {
        ObjectNode md = vn.putObject("metadata").put("name", v.metadata().name());
        ObjectNode desc = md.putObject("description");
        v.metadata().description().forEach(desc::put);
      }
    }
    ArrayNode outs = root.putArray("outputs");
    outputs.forEach(e -> outs.add(edge(f, e)));
    return CanonicalJson.bytes(root);
  }

  private static ObjectNode edge(JsonNodeFactory f, Edge e) {
    return f.objectNode().put("digest", e.vertex().digest().toString()).put("output", e.output());
  }

  /**
   * Reads a definition written by {@link #toJson()}. Every vertex's digest is recomputed and must
   * equal the stored one, so a tampered or differently-versioned file is rejected rather than
   * silently producing other cache keys.
   *
   * @throws DefinitionFormatException naming the vertex or field that is wrong
   */
  public static Definition fromJson(byte[] json) throws DefinitionFormatException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new DefinitionFormatException(
          "definition is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DefinitionFormatException("definition could not be read", e);
    }
    if (root == null || !FORMAT_VERSION.equals(root.path("version").asText())) {
      throw new DefinitionFormatException(
          "definition version is '"
              + (root == null ? "" : root.path("version").asText())
              + "', expected "
              + FORMAT_VERSION);
    }
    Map<Digest, Vertex> built = new LinkedHashMap<>();
    int index = 0;
    for (JsonNode vn : root.path("vertices")) {
      try {
        Digest stated = Digest.parse(vn.path("digest").asText());
        List<Edge> inputs = new ArrayList<>();
        for (JsonNode en : vn.path("inputs")) {
          inputs.add(resolve(built, en));
        }
        VertexMetadata md = VertexMetadata.EMPTY;
        JsonNode mn = vn.get("metadata");
        if (mn != null) {
          Map<String, String> desc = new LinkedHashMap<>();
          mn.path("description")
              .properties()
              .forEach(e -> desc.put(e.getKey(), e.getValue().asText()));
          md = new VertexMetadata(mn.path("name").asText(), desc);
        }
        Vertex v = Vertex.of(OpCodec.decode(vn.path("op")), inputs, md);
        if (!v.digest().equals(stated)) {
          throw new DefinitionFormatException(
              "vertex #"
                  + index
                  + " states digest "
                  + stated
                  + " but its content hashes to "
                  + v.digest());
        }
        built.put(v.digest(), v);
      } catch (IllegalArgumentException e) {
        throw new DefinitionFormatException(
            "vertex #" + index + " is invalid: " + e.getMessage(), e);
      }
      index++;
    }
    List<Edge> outputs = new ArrayList<>();
    try {
      for (JsonNode en : root.path("outputs")) {
        outputs.add(resolve(built, en));
      }
      return of(outputs);
    } catch (IllegalArgumentException e) {
      throw new DefinitionFormatException("definition outputs are invalid: " + e.getMessage(), e);
    }
  }

  private static Edge resolve(Map<Digest, Vertex> built, JsonNode en) {
    Digest d = Digest.parse(en.path("digest").asText());
    Vertex v = built.get(d);
    if (v == null) {
      throw new IllegalArgumentException(
          "input "
              + d
              + " is not defined before it is used (vertices must be in topological order)");
    }
    JsonNode out = en.get("output");
    if (out == null || !out.isInt()) {
      throw new IllegalArgumentException("input " + d + " has no integer output index");
    }
    return new Edge(v, out.intValue());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Definition d && vertices.equals(d.vertices) && outputs.equals(d.outputs);
  }

  @Override
  public int hashCode() {
    return vertices.hashCode() * 31 + outputs.hashCode();
  }

  @Override
  public String toString() {
    return "Definition[" + vertices.size() + " vertices, " + outputs.size() + " output(s)]";
  }
}
