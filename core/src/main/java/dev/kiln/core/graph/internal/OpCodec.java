package dev.kiln.core.graph.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.MergeOp;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.NetworkMode;
import dev.kiln.core.graph.Op;
import dev.kiln.core.graph.Owner;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Platform;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of ops, shared by the canonical vertex bytes and the definition serialization, so
 * that what is hashed and what is persisted can never drift apart. Every field of every op is
 * written (lists even when empty); only absent optional values (an owner, a variant) and flags
 * added after {@link #VERTEX_VERSION} was fixed, when false (a copy's {@code
 * attemptUnpackDockerCompatibility}), are omitted, so adding such a flag keeps existing digests.
 * Thread-safe (stateless).
 */
public final class OpCodec {

  /** Version tag written into every vertex's canonical bytes; bump it when the form changes. */
  public static final String VERTEX_VERSION = "kiln.llb.v1";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String ATTEMPT_UNPACK = "attemptUnpackDockerCompatibility";

  /** The exec's proxy environment: in the vertex digest, removed from cache keys. */
  public static final String PROXY_ENV = "proxyEnv";

  /** The exec's hostname (absent for the default). */
  public static final String HOSTNAME = "hostname";

  /** The exec's extra hosts; cache keys keep the names only. */
  public static final String EXTRA_HOSTS = "extraHosts";

  private OpCodec() {}

  /** The canonical bytes of a vertex with {@code op} over {@code inputs}. */
  public static byte[] canonicalVertexBytes(Op op, List<Edge> inputs) {
    ObjectNode n = F.objectNode();
    n.put("version", VERTEX_VERSION);
    n.set("op", encode(op));
    ArrayNode in = n.putArray("inputs");
    for (Edge e : inputs) {
      in.addObject().put("digest", e.vertex().digest().toString()).put("output", e.output());
    }
    return CanonicalJson.bytes(n);
  }

  /** The JSON form of {@code op}. */
  public static ObjectNode encode(Op op) {
    ObjectNode n = F.objectNode();
    if (op instanceof ImageOp i) {
      n.put("type", "image").put("ref", i.ref()).set("platform", platform(i.platform()));
    } else if (op instanceof LocalOp l) {
      n.put("type", "local").put("name", l.name()).put("sharedKey", l.sharedKey());
      n.set("include", strings(l.includePatterns()));
      n.set("exclude", strings(l.excludePatterns()));
    } else if (op instanceof HttpOp h) {
      n.put("type", "http").put("url", h.url()).put("filename", h.filename());
      if (h.checksum() != null) {
        n.put("checksum", h.checksum().toString());
      }
    } else if (op instanceof ScratchOp) {
      n.put("type", "scratch");
    } else if (op instanceof MergeOp) {
      n.put("type", "merge");
    } else if (op instanceof ExecOp e) {
      n.put("type", "exec");
      n.set("args", strings(e.meta().args()));
      n.set("env", strings(e.meta().env()));
      n.put("cwd", e.meta().cwd()).put("user", e.meta().user());
      // Written only when set, so that execs made before these fields existed keep their digests.
      if (!e.meta().proxyEnv().isEmpty()) {
        n.set(PROXY_ENV, strings(e.meta().proxyEnv()));
      }
      if (!e.meta().hostname().isEmpty()) {
        n.put(HOSTNAME, e.meta().hostname());
      }
      if (!e.meta().extraHosts().isEmpty()) {
        ArrayNode hosts = n.putArray(EXTRA_HOSTS);
        for (ExecMeta.HostIp h : e.meta().extraHosts()) {
          hosts.addObject().put("host", h.host()).put("ip", h.ip());
        }
      }
      n.put("network", lower(e.network()));
      n.set("platform", platform(e.platform()));
      ArrayNode mounts = n.putArray("mounts");
      for (Mount m : e.mounts()) {
        ObjectNode mn = mounts.addObject();
        mn.put("input", m.input()).put("target", m.target()).put("selector", m.selector());
        mn.put("readOnly", m.readOnly()).put("type", lower(m.type()));
        if (m.type() == Mount.Type.CACHE) {
          mn.put("cacheId", m.cacheId()).put("sharing", lower(m.sharing()));
        }
        if (m.target() == null) {
          mn.remove("target");
        }
        if (!m.options().equals(Mount.Options.NONE)) {
          // only when set, so that mounts made before options existed keep their digests
          mn.set("options", mountOptions(m.options()));
        }
      }
    } else if (op instanceof FileOp f) {
      n.put("type", "file");
      ArrayNode actions = n.putArray("actions");
      for (FileAction a : f.actions()) {
        actions.add(action(a));
      }
    } else {
      throw new IllegalStateException("unknown op " + op.getClass());
    }
    return n;
  }

  private static ObjectNode mountOptions(Mount.Options o) {
    ObjectNode n = F.objectNode();
    if (o.tmpfsSize() != 0) {
      n.put("tmpfsSize", o.tmpfsSize());
    }
    if (o.noOutput()) {
      n.put("noOutput", true);
    }
    if (o.id() != null) {
      n.put("id", o.id());
    }
    if (o.envName() != null) {
      n.put("env", o.envName());
    }
    n.put("uid", o.uid()).put("gid", o.gid()).put("mode", o.mode());
    if (o.optional()) {
      n.put("optional", true);
    }
    return n;
  }

  private static Mount.Options mountOptions(JsonNode n) {
    return new Mount.Options(
        n.path("tmpfsSize").asLong(0),
        n.path("noOutput").asBoolean(false),
        n.has("id") ? text(n, "id") : null,
        n.has("env") ? text(n, "env") : null,
        n.path("uid").asLong(0),
        n.path("gid").asLong(0),
        n.path("mode").asInt(0),
        n.path("optional").asBoolean(false));
  }

  /** The JSON form of one file action. */
  public static ObjectNode action(FileAction a) {
    ObjectNode n = F.objectNode();
    if (a instanceof FileAction.Copy c) {
      n.put("action", "copy").put("sourceInput", c.sourceInput());
      n.put("src", c.src()).put("dest", c.dest());
      n.put("followSymlinks", c.followSymlinks()).put("dirContentsOnly", c.dirContentsOnly());
      n.put("createDestPath", c.createDestPath()).put("allowWildcard", c.allowWildcard());
      n.put("allowEmptyWildcard", c.allowEmptyWildcard()).put("mode", c.mode());
      owner(n, c.owner());
      if (c.attemptUnpackDockerCompatibility()) {
        // Written only when set (as protobuf omits a false bool in BuildKit's LLB), so that copies
        // made before the flag existed keep their vertex digests.
        n.put(ATTEMPT_UNPACK, true);
      }
    } else if (a instanceof FileAction.Mkdir m) {
      n.put("action", "mkdir").put("path", m.path()).put("mode", m.mode());
      n.put("makeParents", m.makeParents());
      owner(n, m.owner());
    } else if (a instanceof FileAction.Mkfile m) {
      n.put("action", "mkfile").put("path", m.path()).put("mode", m.mode());
      n.put("data", Base64.getEncoder().encodeToString(m.data()));
      owner(n, m.owner());
    } else if (a instanceof FileAction.Rm r) {
      n.put("action", "rm").put("path", r.path());
      n.put("allowNotFound", r.allowNotFound()).put("allowWildcard", r.allowWildcard());
    } else if (a instanceof FileAction.Symlink s) {
      n.put("action", "symlink").put("oldPath", s.oldPath()).put("newPath", s.newPath());
    } else {
      throw new IllegalStateException("unknown file action " + a.getClass());
    }
    return n;
  }

  /**
   * Decodes the JSON form of an op.
   *
   * @throws IllegalArgumentException naming the field when the JSON is not a valid op
   */
  public static Op decode(JsonNode n) {
    String type = text(n, "type");
    return switch (type) {
      case "image" -> new ImageOp(text(n, "ref"), platform(req(n, "platform")));
      case "local" ->
          new LocalOp(
              text(n, "name"),
              strings(req(n, "include")),
              strings(req(n, "exclude")),
              text(n, "sharedKey"));
      case "http" ->
          new HttpOp(
              text(n, "url"),
              text(n, "filename"),
              n.has("checksum") ? Digest.parse(text(n, "checksum")) : null);
      case "scratch" -> new ScratchOp();
      case "merge" -> new MergeOp();
      case "exec" -> {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode m : req(n, "mounts")) {
          boolean cache = "cache".equals(text(m, "type"));
          mounts.add(
              new Mount(
                  integer(m, "input"),
                  m.has("target") ? text(m, "target") : null,
                  text(m, "selector"),
                  bool(m, "readOnly"),
                  upper(Mount.Type.class, text(m, "type")),
                  cache ? text(m, "cacheId") : null,
                  cache ? upper(Mount.CacheSharing.class, text(m, "sharing")) : null,
                  m.has("options") ? mountOptions(req(m, "options")) : Mount.Options.NONE));
        }
        List<ExecMeta.HostIp> hosts = new ArrayList<>();
        for (JsonNode h : n.path(EXTRA_HOSTS)) {
          hosts.add(new ExecMeta.HostIp(text(h, "host"), text(h, "ip")));
        }
        yield new ExecOp(
            new ExecMeta(
                strings(req(n, "args")),
                strings(req(n, "env")),
                text(n, "cwd"),
                text(n, "user"),
                n.has(PROXY_ENV) ? strings(req(n, PROXY_ENV)) : List.of(),
                n.has(HOSTNAME) ? text(n, HOSTNAME) : "",
                hosts),
            mounts,
            upper(NetworkMode.class, text(n, "network")),
            platform(req(n, "platform")));
      }
      case "file" -> {
        List<FileAction> actions = new ArrayList<>();
        for (JsonNode a : req(n, "actions")) {
          actions.add(decodeAction(a));
        }
        yield new FileOp(actions);
      }
      default -> throw new IllegalArgumentException("unknown op type '" + type + "'");
    };
  }

  private static FileAction decodeAction(JsonNode n) {
    String kind = text(n, "action");
    return switch (kind) {
      case "copy" ->
          new FileAction.Copy(
              integer(n, "sourceInput"),
              text(n, "src"),
              text(n, "dest"),
              bool(n, "followSymlinks"),
              bool(n, "dirContentsOnly"),
              bool(n, "createDestPath"),
              bool(n, "allowWildcard"),
              bool(n, "allowEmptyWildcard"),
              integer(n, "mode"),
              owner(n),
              n.has(ATTEMPT_UNPACK) && bool(n, ATTEMPT_UNPACK));
      case "mkdir" ->
          new FileAction.Mkdir(
              text(n, "path"), integer(n, "mode"), bool(n, "makeParents"), owner(n));
      case "mkfile" ->
          new FileAction.Mkfile(
              text(n, "path"),
              integer(n, "mode"),
              Base64.getDecoder().decode(text(n, "data")),
              owner(n));
      case "rm" ->
          new FileAction.Rm(text(n, "path"), bool(n, "allowNotFound"), bool(n, "allowWildcard"));
      case "symlink" -> new FileAction.Symlink(text(n, "oldPath"), text(n, "newPath"));
      default -> throw new IllegalArgumentException("unknown file action '" + kind + "'");
    };
  }

  private static void owner(ObjectNode n, Owner o) {
    if (o == null) {
      return;
    }
    ObjectNode on = n.putObject("owner");
    on.set("user", ownerId(o.user()));
    if (o.group() != null) {
      on.set("group", ownerId(o.group()));
    }
  }

  private static ObjectNode ownerId(Owner.Id id) {
    return id.byName() ? F.objectNode().put("name", id.name()) : F.objectNode().put("id", id.id());
  }

  private static Owner owner(JsonNode n) {
    JsonNode o = n.get("owner");
    if (o == null) {
      return null;
    }
    JsonNode g = o.get("group");
    return new Owner(ownerId(req(o, "user")), g == null ? null : ownerId(g));
  }

  private static Owner.Id ownerId(JsonNode n) {
    return n.has("name") ? Owner.Id.named(text(n, "name")) : Owner.Id.of(req(n, "id").asLong());
  }

  private static ObjectNode platform(Platform p) {
    ObjectNode n = F.objectNode().put("os", p.os()).put("architecture", p.architecture());
    if (p.variant() != null && !p.variant().isEmpty()) {
      n.put("variant", p.variant());
    }
    if (p.osVersion() != null && !p.osVersion().isEmpty()) {
      n.put("osVersion", p.osVersion());
    }
    if (!p.osFeatures().isEmpty()) {
      n.set("osFeatures", strings(p.osFeatures()));
    }
    if (!p.features().isEmpty()) {
      n.set("features", strings(p.features()));
    }
    return n;
  }

  private static Platform platform(JsonNode n) {
    JsonNode v = n.get("variant");
    JsonNode ov = n.get("osVersion");
    return new Platform(
        text(n, "architecture"),
        text(n, "os"),
        ov == null ? null : ov.asText(),
        n.has("osFeatures") ? strings(n.get("osFeatures")) : null,
        v == null ? null : v.asText(),
        n.has("features") ? strings(n.get("features")) : null);
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(a::add);
    return a;
  }

  private static List<String> strings(JsonNode n) {
    if (!n.isArray()) {
      throw new IllegalArgumentException("expected an array of strings, got " + n.getNodeType());
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : n) {
      if (!s.isTextual()) {
        throw new IllegalArgumentException("expected a string, got " + s.getNodeType());
      }
      out.add(s.textValue());
    }
    return out;
  }

  private static JsonNode req(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return v;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = req(n, field);
    if (!v.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' must be a string");
    }
    return v.textValue();
  }

  private static int integer(JsonNode n, String field) {
    JsonNode v = req(n, field);
    if (!v.isInt()) {
      throw new IllegalArgumentException("field '" + field + "' must be an integer");
    }
    return v.intValue();
  }

  private static boolean bool(JsonNode n, String field) {
    JsonNode v = req(n, field);
    if (!v.isBoolean()) {
      throw new IllegalArgumentException("field '" + field + "' must be a boolean");
    }
    return v.booleanValue();
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static <E extends Enum<E>> E upper(Class<E> type, String value) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + value + "'", e);
    }
  }
}
