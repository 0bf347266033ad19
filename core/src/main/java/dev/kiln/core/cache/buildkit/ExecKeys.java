package dev.kiln.core.cache.buildkit;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.internal.GoPaths;
import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathSelector;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The cache map BuildKit computes for the exec op its Dockerfile frontend emits for a kiln {@link
 * ExecOp} ({@code solver/llbsolver/ops/exec.go}, {@code client/llb/exec.go}). Pure.
 */
final class ExecKeys {

  static final String TYPE = "buildkit.exec.v0";

  private ExecKeys() {}

  /** One mount as BuildKit's LLB has it: sorted by target, inputs renumbered. */
  private record LlbMount(Mount mount, int input, int output, int edge) {}

  /**
   * The cache map, or empty when the op's meaning is not what its BuildKit key would say (an env
   * hint that does not match the env the op runs with).
   */
  static Optional<CacheMap> of(Vertex vertex, ExecOp op, Formulas f) {
    List<String> env = op.meta().env();
    Optional<List<String>> hint = BuildkitHints.env(vertex);
    if (hint.isPresent()) {
      if (!sameEntries(hint.get(), env)) {
        return Optional.empty();
      }
      env = hint.get();
    }
    List<LlbMount> mounts = llbMounts(vertex, op, f);
    int inputCount = 0;
    for (LlbMount m : mounts) {
      inputCount = Math.max(inputCount, m.input() + 1);
    }
    GoJsonObject meta =
        f.json()
            .strings("args", op.meta().args())
            .strings("env", env)
            .str("cwd", op.meta().cwd())
            .str("user", op.meta().user());
    List<GoJsonObject> hosts = new ArrayList<>();
    for (ExecMeta.HostIp h : op.meta().extraHosts()) {
      hosts.add(f.json().str("Host", h.host())); // BuildKit blanks the IP
    }
    meta.objects("extraHosts", hosts)
        .str("hostname", op.meta().hostname())
        .bool("removeMountStubsRecursive", true);
    GoJsonObject exec = f.json().obj("meta", meta);
    // BuildKit drops the mounts of a plain RUN (one writable root bind) from the key.
    if (!(mounts.size() == 1 && mounts.get(0).mount().type() == Mount.Type.BIND)) {
      List<GoJsonObject> list = new ArrayList<>();
      for (LlbMount m : mounts) {
        list.add(mountJson(m, f));
      }
      exec.objects("mounts", list);
    }
    exec.num("network", network(op));
    List<GoJsonObject> secretEnv = new ArrayList<>();
    for (Mount m : op.mounts()) {
      if (m.type() == Mount.Type.SECRET && m.options().envName() != null) {
        Mount.Options o = m.options();
        secretEnv.add(
            f.json().str("ID", o.id()).str("name", o.envName()).bool("optional", o.optional()));
      }
    }
    exec.objects("secretenv", secretEnv);
    String[] p = normalise(op.platform());
    GoJsonObject wrapper =
        f.json()
            .strAlways("Type", TYPE)
            .obj("Exec", exec)
            .strAlways("OS", p[0])
            .strAlways("Arch", p[1])
            .str("Variant", p[2]);
    if (f.protoOmitEmpty()) {
      wrapper.str("OSVersion", op.platform().osVersion()).strings("OSFeatures", osFeatures(op));
    }
    Digest d = Digests.sha256(wrapper.bytes());
    return Optional.of(new CacheMap(d, false, inputs(vertex, mounts, inputCount, f)));
  }

  private static List<String> osFeatures(ExecOp op) {
    return op.platform().osFeatures();
  }

  private static boolean sameEntries(List<String> a, List<String> b) {
    List<String> x = new ArrayList<>(a);
    List<String> y = new ArrayList<>(b);
    x.sort(null);
    y.sort(null);
    return x.equals(y);
  }

  /**
   * Mounts sorted by target, with BuildKit's input (deduplicated, scratch = -1) and output; then
   * the secret mounts and the SSH sockets in the order written, as the LLB client appends them
   * (input and output unset before v0.17, so 0; later input -1).
   */
  private static List<LlbMount> llbMounts(Vertex vertex, ExecOp op, Formulas f) {
    List<Mount> sorted = new ArrayList<>();
    List<Mount> secrets = new ArrayList<>();
    List<Mount> agents = new ArrayList<>();
    for (Mount m : op.mounts()) {
      if (m.type() == Mount.Type.SECRET) {
        if (m.target() != null) { // an env-only secret is no mount in BuildKit's LLB
          secrets.add(m);
        }
      } else if (m.type() == Mount.Type.SSH) {
        agents.add(m);
      } else {
        sorted.add(m);
      }
    }
    sorted.sort((a, b) -> GoPaths.compareBytes(a.target(), b.target()));
    Map<Edge, Integer> inputs = new HashMap<>();
    List<LlbMount> out = new ArrayList<>();
    for (Mount m : sorted) {
      int input = -1;
      int edge = m.input();
      if (edge >= 0) {
        Edge e = vertex.inputs().get(edge);
        if (!(e.vertex().op() instanceof ScratchOp)) {
          input = inputs.computeIfAbsent(e, k -> inputs.size());
        }
      }
      // The Dockerfile frontend gives every mount but the root ForceNoOutput or no output.
      int output = m.target().equals("/") ? 0 : -1;
      out.add(new LlbMount(m, input, output, edge));
    }
    secrets.addAll(agents);
    for (Mount m : secrets) {
      out.add(new LlbMount(m, f.protoOmitEmpty() ? -1 : 0, 0, -1));
    }
    return out;
  }

  private static GoJsonObject mountJson(LlbMount lm, Formulas f) {
    Mount m = lm.mount();
    GoJsonObject j = f.json();
    if (f.protoOmitEmpty()) {
      j.num("input", lm.input());
    } else {
      j.numAlways("input", lm.input());
    }
    j.str("dest", m.target());
    if (f.protoOmitEmpty()) {
      j.num("output", lm.output());
    } else {
      j.numAlways("output", lm.output());
    }
    // the LLB client never marks secret and ssh mounts read-only (kiln's graph does)
    boolean owned = m.type() == Mount.Type.SECRET || m.type() == Mount.Type.SSH;
    j.bool("readonly", m.readOnly() && !owned);
    switch (m.type()) {
      case BIND -> {}
      case CACHE -> {
        String id = "/" + m.cacheId();
        int sharing = m.sharing().ordinal();
        if (f.clearCustomCacheOpts() && !defaultCacheMount(id, m.target(), sharing)) {
          id = "";
          sharing = 0;
        }
        j.num("mountType", 3).obj("cacheOpt", f.json().str("ID", id).num("sharing", sharing));
      }
      case TMPFS ->
          j.num("mountType", 4).obj("TmpfsOpt", f.json().num("size", m.options().tmpfsSize()));
      case SECRET ->
          j.num("mountType", 1).obj("secretOpt", ownedOpt(m.options(), m.options().id(), f));
      case SSH -> {
        // the frontend passes the id as written; kiln's graph names an unnamed agent "default"
        String id = m.options().id().equals("default") ? "" : m.options().id();
        j.num("mountType", 2).obj("SSHOpt", ownedOpt(m.options(), id, f));
      }
    }
    return j;
  }

  /** {@code pb.SecretOpt} and {@code pb.SSHOpt}: the same fields. */
  private static GoJsonObject ownedOpt(Mount.Options o, String id, Formulas f) {
    return f.json()
        .str("ID", id)
        .num("uid", o.uid())
        .num("gid", o.gid())
        .num("mode", o.mode())
        .bool("optional", o.optional());
  }

  /** BuildKit's {@code checkShouldClearCacheOpts} negated: a Dockerfile default cache mount. */
  private static boolean defaultCacheMount(String id, String dest, int sharing) {
    if (sharing != 0) {
      return false;
    }
    int slash = id.indexOf('/');
    return id.equals(dest) || (slash >= 0 && id.substring(slash + 1).equals(dest));
  }

  private static int network(ExecOp op) {
    return switch (op.network()) {
      case SANDBOX -> 0;
      case HOST -> 1;
      case NONE -> 2;
    };
  }

  private static List<CacheMap.Input> inputs(
      Vertex vertex, List<LlbMount> mounts, int count, Formulas f) {
    List<CacheMap.Input> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<String> selectors = new ArrayList<>();
      boolean content = !f.perMountContentCache();
      int edge = -1;
      for (LlbMount lm : mounts) {
        if (lm.input() != i || lm.edge() < 0) {
          continue; // secrets and sockets of v0.11 count for input 0, with no selector
        }
        edge = lm.edge();
        Mount m = lm.mount();
        // The frontend sets no mount selector for a whole input ("/" in kiln's graph).
        String sel = m.selector().equals("/") ? "" : m.selector();
        if (f.rootSelectors()) {
          if (m.type() == Mount.Type.TMPFS) {
            continue;
          }
          selectors.add(GoPaths.joinRoot(sel));
          boolean safe = lm.output() == -1 || m.readOnly() || sel.isEmpty();
          content = safe && !m.target().equals("/");
        } else {
          if (!sel.isEmpty()) {
            selectors.add(GoPaths.joinRoot(sel));
          }
          if ((!m.readOnly() || m.target().equals("/")) && lm.output() != -1) {
            content = false;
          }
        }
      }
      Digest selector = selectors.isEmpty() ? null : Digests.sha256(String.join("\0", selectors));
      ContentSelection sel = null;
      if (content) {
        List<PathSelector> paths = new ArrayList<>();
        for (String p : GoPaths.dedupe(selectors)) {
          paths.add(new PathSelector(p, true, false));
        }
        boolean context = vertex.inputs().get(edge).vertex().op() instanceof LocalOp;
        sel = new ContentSelection(paths, f.contentHash(), context);
      }
      out.add(new CacheMap.Input(edge, selector, sel));
    }
    return out;
  }

  /**
   * The platform as BuildKit's daemon normalises it (containerd's {@code platforms.Normalize}):
   * {@code os}, {@code arch}, {@code variant} ("" when none).
   */
  static String[] normalise(Platform p) {
    String os = p.os().toLowerCase(Locale.ROOT);
    String arch = p.architecture().toLowerCase(Locale.ROOT);
    String variant = p.variant() == null ? "" : p.variant().toLowerCase(Locale.ROOT);
    switch (arch) {
      case "i386" -> arch = "386";
      case "x86_64", "x86-64" -> arch = "amd64";
      case "aarch64", "arm64" -> {
        arch = "arm64";
        if (variant.equals("8") || variant.equals("v8")) {
          variant = "";
        }
      }
      case "armhf" -> {
        arch = "arm";
        variant = "v7";
      }
      case "armel" -> {
        arch = "arm";
        variant = "v6";
      }
      case "arm" -> {
        if (variant.isEmpty() || variant.equals("7")) {
          variant = "v7";
        } else if (variant.equals("5") || variant.equals("6") || variant.equals("8")) {
          variant = "v" + variant;
        }
      }
      default -> {}
    }
    if (arch.equals("amd64") && (variant.equals("v1"))) {
      variant = "";
    }
    return new String[] {os, arch, variant};
  }
}
