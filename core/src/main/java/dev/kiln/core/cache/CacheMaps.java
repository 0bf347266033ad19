package dev.kiln.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.cache.internal.GoPaths;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.MergeOp;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.graph.internal.CanonicalJson;
import dev.kiln.core.graph.internal.OpCodec;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathSelector;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Computes the {@link CacheMap} of a vertex (cache-format.md §8). Kiln's op digests are {@code
 * sha256("kiln.cachekey.v1:" + canonicalJson(keyObject))} where the key object is the op's JSON
 * form minus the fields listed in {@code core/README.md}; image sources use BuildKit's exact
 * formulas ({@link ImageKeys}). Selectors follow BuildKit byte for byte. Stateless; thread-safe.
 */
public final class CacheMaps {

  /** The versioned type tag of every kiln op digest. Bump it when a key's content changes. */
  public static final String TAG = "kiln.cachekey.v1:";

  /** kiln's own key formulas as a {@link KeyFormulas}, version {@code kiln.cachekey.v1}. */
  public static final KeyFormulas KEYS =
      new KeyFormulas() {
        @Override
        public String version() {
          return "kiln.cachekey.v1";
        }

        @Override
        public List<CacheMap> cacheMaps(Vertex vertex) {
          return List.of(of(vertex));
        }

        @Override
        public List<CacheMap> forImage(ImageOp op, ResolvedImage image) {
          return CacheMaps.forImage(op, image);
        }

        @Override
        public CacheMap forLocal(LocalOp op, String sessionId) {
          return CacheMaps.forLocal(op, sessionId);
        }

        @Override
        public String toString() {
          return version();
        }
      };

  private CacheMaps() {}

  /**
   * The cache map of an exec, file, merge or scratch vertex.
   *
   * @throws IllegalArgumentException for image and local sources, whose keys need information from
   *     outside the graph: use {@link #forImage} and {@link #forLocal}
   */
  public static CacheMap of(Vertex vertex) {
    int n = vertex.inputs().size();
    if (vertex.op() instanceof ExecOp e) {
      return exec(e, n);
    } else if (vertex.op() instanceof FileOp f) {
      return file(f, n);
    } else if (vertex.op() instanceof MergeOp || vertex.op() instanceof ScratchOp) {
      List<CacheMap.Input> inputs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        inputs.add(CacheMap.Input.plain(i));
      }
      return new CacheMap(digest(OpCodec.encode(vertex.op())), false, inputs);
    } else if (vertex.op() instanceof ImageOp) {
      throw new IllegalArgumentException("image source keys need the resolved image: forImage");
    } else if (vertex.op() instanceof HttpOp) {
      throw new IllegalArgumentException("http source keys need the content digest: forHttp");
    }
    throw new IllegalArgumentException("local source keys need the session id: forLocal");
  }

  /**
   * The two alternative cache maps of an image source (BuildKit §8.2): manifest-based, then config
   * (chain-ID) based. The reference string itself is not part of either.
   */
  public static List<CacheMap> forImage(ImageOp op, ResolvedImage image) {
    ImageKeys.requireResolvedFor(op, image);
    List<CacheMap> maps = new ArrayList<>();
    for (Digest d : ImageKeys.keys(image)) {
      maps.add(new CacheMap(d, false, List.of()));
    }
    return maps;
  }

  /**
   * The cache map of an http source, as BuildKit's {@code formatCacheKey}: the file name, its mode
   * (0600) and owner (0:0), the sha256 of the content and the response's {@code Last-Modified}
   * (which becomes the file's mtime). The URL is not part of it: the same file from two URLs has
   * one key.
   *
   * @param content the sha256 of the downloaded content (or the op's checksum)
   * @param lastModified the response's {@code Last-Modified}, or null
   */
  public static CacheMap forHttp(HttpOp op, Digest content, java.time.Instant lastModified) {
    ObjectNode n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    n.put("type", "http").put("filename", op.filename()).put("perm", 0600);
    n.put("uid", 0).put("gid", 0).put("checksum", content.toString());
    if (lastModified != null) {
      n.put("lastModTime", HTTP_TIME.format(lastModified));
    }
    return new CacheMap(digest(n), false, List.of());
  }

  /** Go's {@code http.TimeFormat}. */
  private static final java.time.format.DateTimeFormatter HTTP_TIME =
      java.time.format.DateTimeFormatter.ofPattern(
              "EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US)
          .withZone(java.time.ZoneOffset.UTC);

  /**
   * The session-bound cache map of a local source. Consumers match local content only through
   * content keys, so this digest never leaves the session.
   */
  public static CacheMap forLocal(LocalOp op, String sessionId) {
    ObjectNode n = OpCodec.encode(op);
    n.put("session", sessionId);
    return new CacheMap(digest(n), true, List.of());
  }

  private static CacheMap exec(ExecOp op, int inputCount) {
    ObjectNode n = OpCodec.encode(op);
    // As BuildKit's exec cache map: proxy settings never change a key, extra hosts only by name.
    n.remove(OpCodec.PROXY_ENV);
    for (JsonNode h : n.path(OpCodec.EXTRA_HOSTS)) {
      ((ObjectNode) h).remove("ip");
    }
    for (JsonNode m : n.withArray("mounts")) {
      ObjectNode mn = (ObjectNode) m;
      // Selectors are per-input selectors, not part of D (as BuildKit blanks mounts[].selector).
      mn.remove("selector");
      // Default cache ids must not affect the key (BuildKit since v0.13.0).
      if ("cache".equals(mn.path("type").asText())
          && mn.path("cacheId").asText().equals(mn.path("target").asText())
          && "shared".equals(mn.path("sharing").asText())) {
        mn.remove("cacheId");
        mn.remove("sharing");
      }
    }
    List<CacheMap.Input> inputs = new ArrayList<>();
    for (int i = 0; i < inputCount; i++) {
      List<String> paths = new ArrayList<>();
      boolean contentSafe = true;
      for (Mount m : op.mounts()) {
        if (m.input() != i) {
          continue;
        }
        paths.add(GoPaths.joinRoot(m.selector()));
        contentSafe &= !m.target().equals("/") && (m.readOnly() || m.selector().equals("/"));
      }
      Digest selector = Digests.sha256(String.join("\0", paths));
      ContentSelection content = null;
      if (contentSafe) {
        List<PathSelector> sels = new ArrayList<>();
        new LinkedHashSet<>(paths).forEach(p -> sels.add(new PathSelector(p, true, false)));
        content = new ContentSelection(sels);
      }
      inputs.add(new CacheMap.Input(i, selector, content));
    }
    return new CacheMap(digest(n), false, inputs);
  }

  private static CacheMap file(FileOp op, int inputCount) {
    ObjectNode n = OpCodec.encode(op);
    ArrayNode actions = n.withArray("actions");
    List<Set<PathSelector>> selected = new ArrayList<>();
    for (int i = 0; i < inputCount; i++) {
      selected.add(new LinkedHashSet<>());
    }
    for (int i = 0; i < op.actions().size(); i++) {
      if (op.actions().get(i) instanceof FileAction.Copy c && c.sourceInput() != 0) {
        selected
            .get(c.sourceInput())
            .add(new PathSelector(c.src(), c.followSymlinks(), c.allowWildcard()));
        // The source path is the selector; only its base name stays in D (as BuildKit does).
        ((ObjectNode) actions.get(i)).put("src", GoPaths.base(c.src()));
      }
    }
    List<CacheMap.Input> inputs = new ArrayList<>();
    for (int i = 0; i < inputCount; i++) {
      if (i == 0 || selected.get(i).isEmpty()) {
        inputs.add(CacheMap.Input.plain(i));
        continue;
      }
      TreeSet<String> paths = new TreeSet<>(Comparator.reverseOrder());
      selected.get(i).forEach(s -> paths.add(s.path()));
      Digest selector = Digests.sha256(String.join("\0", paths));
      inputs.add(
          new CacheMap.Input(i, selector, new ContentSelection(List.copyOf(selected.get(i)))));
    }
    return new CacheMap(digest(n), false, inputs);
  }

  private static Digest digest(JsonNode keyObject) {
    byte[] json = CanonicalJson.bytes(keyObject);
    byte[] tag = TAG.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[tag.length + json.length];
    System.arraycopy(tag, 0, all, 0, tag.length);
    System.arraycopy(json, 0, all, tag.length, json.length);
    return Digests.sha256(all);
  }
}
