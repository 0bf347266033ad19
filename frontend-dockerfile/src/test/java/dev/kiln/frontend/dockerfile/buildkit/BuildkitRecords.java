package dev.kiln.frontend.dockerfile.buildkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.cache.CacheKey;
import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.KeyFormulas;
import dev.kiln.core.cache.KeyWalk;
import dev.kiln.core.cache.buildkit.BuildkitChecksummer;
import dev.kiln.core.cache.buildkit.ChecksumTree;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathFilter;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Digest;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The records a BuildKit cache export of a kiln definition would hold under a key function: every
 * record digest with its links (input index, parent record, selector), content keys included, links
 * from session-bound (build context) keys left out as BuildKit's exporter does.
 */
final class BuildkitRecords {

  /** One link of a record: from {@code parent} into input {@code input}, under {@code selector}. */
  record Link(int input, String parent, String selector) {}

  /** Record digest → its links (empty for roots). */
  final Map<String, Set<Link>> records = new LinkedHashMap<>();

  /** Record digests of content keys, by the vertex and map input they belong to. */
  final Map<String, String> contentKeys = new LinkedHashMap<>();

  private BuildkitRecords() {}

  /**
   * @param images the resolved image of each image reference
   * @param context the build context directory
   * @param outputs the file tree of a vertex's output where a test knows it (else no content key)
   */
  static BuildkitRecords of(
      Definition def,
      KeyFormulas keys,
      Map<String, ResolvedImage> images,
      Path context,
      Function<Vertex, ChecksumTree> outputs)
      throws IOException {
    BuildkitRecords r = new BuildkitRecords();
    Map<Digest, List<List<CacheKey>>> vertexKeys = new HashMap<>();
    Set<String> sessionBound = new HashSet<>();
    for (Vertex v : def.vertices()) {
      List<CacheMap> maps;
      if (v.op() instanceof ImageOp image) {
        ResolvedImage resolved = images.get(image.ref());
        if (resolved == null) {
          throw new IllegalArgumentException("no resolved image for " + image.ref());
        }
        maps = keys.forImage(image, resolved);
      } else if (v.op() instanceof LocalOp local) {
        maps = List.of(keys.forLocal(local, "test-session"));
      } else {
        maps = keys.cacheMaps(v);
      }
      List<Edge> edges = v.inputs();
      Map<Integer, CacheKey> content = new TreeMap<>();
      if (maps.size() == 1) {
        List<CacheMap.Input> in = maps.get(0).inputs();
        for (int i = 0; i < in.size(); i++) {
          ContentSelection sel = in.get(i).content();
          if (sel == null) {
            continue;
          }
          Vertex producer = edges.get(in.get(i).edge()).vertex();
          Digest c = checksum(producer, sel, context, outputs);
          if (c != null) {
            CacheKey ck = CacheKey.content(c);
            content.put(i, ck);
            r.records.putIfAbsent(ck.digest().toString(), new HashSet<>());
            r.contentKeys.put(ck.digest().toString(), v.metadata().name() + " input " + i);
          }
        }
      }
      List<List<CacheKey>> ks =
          KeyWalk.keys(
              v,
              maps,
              i -> vertexKeys.get(edges.get(i).vertex().digest()).get(edges.get(i).output()),
              content);
      vertexKeys.put(v.digest(), ks);
      if (v.op() instanceof ScratchOp) {
        // BuildKit has no scratch vertex, hence no record (dependants do not link it either)
        continue;
      }
      for (CacheKey k : ks.get(0)) {
        String d = k.digest().toString();
        if (maps.get(0).sessionBound()) {
          sessionBound.add(d);
          continue;
        }
        Set<Link> links = r.records.computeIfAbsent(d, x -> new HashSet<>());
        for (int i = 0; i < k.deps().size(); i++) {
          for (CacheKey.Dep dep : k.deps().get(i)) {
            String parent = dep.key().digest().toString();
            if (!sessionBound.contains(parent)) {
              links.add(
                  new Link(i, parent, dep.selector() == null ? null : dep.selector().toString()));
            }
          }
        }
      }
    }
    return r;
  }

  private static Digest checksum(
      Vertex producer, ContentSelection sel, Path context, Function<Vertex, ChecksumTree> outputs)
      throws IOException {
    try {
      if (producer.op() instanceof LocalOp) {
        return new BuildkitChecksummer().checksum(context, sel, PathFilter.ALL);
      }
      ChecksumTree tree = outputs.apply(producer);
      return tree == null ? null : BuildkitChecksummer.checksum(tree, sel);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The records of an exported cache config ({@code records}) or decoded inline cache (array). */
  static Map<String, Set<Link>> exported(JsonNode recordsNode) {
    List<String> digests = new ArrayList<>();
    recordsNode.forEach(n -> digests.add(n.get("digest").asText()));
    Map<String, Set<Link>> out = new LinkedHashMap<>();
    for (JsonNode n : recordsNode) {
      Set<Link> links = new HashSet<>();
      JsonNode inputs = n.path("inputs");
      for (int i = 0; i < inputs.size(); i++) {
        for (JsonNode l : inputs.get(i)) {
          JsonNode sel = l.get("selector");
          links.add(
              new Link(i, digests.get(l.get("link").asInt()), sel == null ? null : sel.asText()));
        }
      }
      out.put(n.get("digest").asText(), links);
    }
    return out;
  }

  static final ObjectMapper JSON = new ObjectMapper();
}
