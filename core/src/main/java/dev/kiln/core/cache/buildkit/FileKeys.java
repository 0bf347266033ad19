package dev.kiln.core.cache.buildkit;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.internal.GoPaths;
import dev.kiln.core.graph.Edge;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.Owner;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.PathSelector;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cache map BuildKit computes for the file op of a kiln {@link FileOp} ({@code
 * solver/llbsolver/ops/file.go}, {@code client/llb/fileop.go}). Pure.
 */
final class FileKeys {

  static final String TYPE = "buildkit.file.v0";

  private FileKeys() {}

  /** A selector of a copy source, as BuildKit's {@code opsutils.Selector}. */
  private record Selector(String path, boolean followLinks, boolean wildcard) {}

  /** The cache map, or empty for actions the version's file op does not have. */
  static Optional<CacheMap> of(Vertex vertex, FileOp op, Formulas f) {
    // BuildKit's inputs: the vertex inputs in order, without scratch (input -1 in the LLB).
    List<Edge> edges = vertex.inputs();
    int[] llbInput = new int[edges.size()];
    List<Integer> llbEdges = new ArrayList<>();
    for (int i = 0; i < edges.size(); i++) {
      if (edges.get(i).vertex().op() instanceof ScratchOp) {
        llbInput[i] = -1;
      } else {
        llbInput[i] = llbEdges.size();
        llbEdges.add(i);
      }
    }
    int n = llbEdges.size();
    int base = llbInput[0];
    List<byte[]> actions = new ArrayList<>();
    List<int[]> indexes = new ArrayList<>();
    TreeMap<Integer, List<Selector>> selectors = new TreeMap<>();
    Set<Integer> invalid = new HashSet<>();
    int count = op.actions().size();
    for (int i = 0; i < count; i++) {
      FileAction a = op.actions().get(i);
      int input = i == 0 ? base : n + i - 1;
      int secondary = -1;
      // markInvalid: an input that an action writes on gets neither selector nor content key.
      if (input != -1) {
        invalid.add(input);
      }
      GoJsonObject j;
      if (a instanceof FileAction.Copy c) {
        secondary = llbInput[c.sourceInput()];
        String src = c.src();
        if (secondary != -1 && secondary < n) {
          boolean wildcard = c.allowWildcard() && GoPaths.containsWildcards(src);
          selectors
              .computeIfAbsent(secondary, k -> new ArrayList<>())
              .add(new Selector(src, c.followSymlinks(), wildcard));
          src = GoPaths.base(src);
        }
        j =
            f.json()
                .str("src", src)
                .str("dest", c.dest())
                .obj("owner", owner(c.owner(), base, f))
                .num("mode", c.mode())
                .bool("followSymlink", c.followSymlinks())
                .bool("dirCopyContents", c.dirContentsOnly())
                .bool("attemptUnpackDockerCompatibility", c.attemptUnpackDockerCompatibility())
                .bool("createDestPath", c.createDestPath())
                .bool("allowWildcard", c.allowWildcard())
                .bool("allowEmptyWildcard", c.allowEmptyWildcard())
                .num("timestamp", -1);
      } else if (a instanceof FileAction.Mkdir m) {
        j =
            f.json()
                .str("path", m.path())
                .num("mode", (m.mode() < 0 ? 0755 : m.mode()) & 0777)
                .bool("makeParents", m.makeParents())
                .obj("owner", owner(m.owner(), base, f))
                .num("timestamp", -1);
      } else if (a instanceof FileAction.Mkfile m) {
        j =
            f.json()
                .str("path", m.path())
                .num("mode", (m.mode() < 0 ? 0644 : m.mode()) & 0777)
                .bytes("data", m.data())
                .obj("owner", owner(m.owner(), base, f))
                .num("timestamp", -1);
      } else if (a instanceof FileAction.Rm r) {
        j =
            f.json()
                .str("path", r.path())
                .bool("allowNotFound", r.allowNotFound())
                .bool("allowWildcard", r.allowWildcard());
      } else if (a instanceof FileAction.Symlink s && f.symlinkAction()) {
        j = f.json().str("oldpath", s.oldPath()).str("newpath", s.newPath()).num("timestamp", -1);
      } else {
        return Optional.empty();
      }
      actions.add(j.bytes());
      indexes.add(new int[] {input, secondary, i == count - 1 ? 0 : -1});
    }
    GoJsonObject wrapper = f.json().strAlways("Type", TYPE).byteSlices("Actions", actions);
    if (!defaultIndexes(indexes)) {
      wrapper.intMatrix("indexes", indexes);
    }
    Digest d = Digests.sha256(wrapper.bytes());
    List<CacheMap.Input> inputs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int edge = llbEdges.get(i);
      List<Selector> sels = selectors.get(i);
      if (sels == null || invalid.contains(i)) {
        inputs.add(CacheMap.Input.plain(edge));
        continue;
      }
      boolean context = edges.get(edge).vertex().op() instanceof LocalOp;
      inputs.add(
          new CacheMap.Input(
              edge, selector(sels), new ContentSelection(content(sels), f.contentHash(), context)));
    }
    return Optional.of(new CacheMap(d, false, inputs));
  }

  /** {@code sha(join(raw source paths sorted descending by bytes, "\0"))}. */
  private static Digest selector(List<Selector> sels) {
    List<String> paths = new ArrayList<>();
    sels.forEach(s -> paths.add(s.path()));
    paths.sort((a, b) -> GoPaths.compareBytes(b, a));
    return Digests.sha256(String.join("\0", paths));
  }

  /** BuildKit's {@code dedupeSelectors}. */
  private static List<PathSelector> content(List<Selector> sels) {
    List<String> plain = new ArrayList<>();
    List<String> follow = new ArrayList<>();
    List<PathSelector> out = new ArrayList<>();
    for (Selector s : sels) {
      if (s.wildcard()) {
        out.add(new PathSelector(s.path(), s.followLinks(), true));
      } else if (s.followLinks()) {
        follow.add(s.path());
      } else {
        plain.add(s.path());
      }
    }
    GoPaths.dedupe(plain).forEach(p -> out.add(new PathSelector(p, false, false)));
    GoPaths.dedupe(follow).forEach(p -> out.add(new PathSelector(p, true, false)));
    return out;
  }

  /**
   * {@code {"user":…,"group":…}} as {@code llb.WithUser} writes it: numeric parts and {@code root}
   * by id, others by name with the action's base input.
   */
  private static GoJsonObject owner(Owner owner, int base, Formulas f) {
    if (owner == null) {
      return null;
    }
    return f.json()
        .obj("user", user(owner.user(), base, f))
        .obj("group", user(owner.group(), base, f));
  }

  private static GoJsonObject user(Owner.Id id, int base, Formulas f) {
    if (id == null) {
      return null;
    }
    GoJsonObject inner = f.json();
    if (id.byName() && !id.name().equals("root")) {
      GoJsonObject named = f.json().str("name", id.name());
      if (f.protoOmitEmpty()) {
        named.num("input", base);
      } else {
        named.numAlways("input", base);
      }
      inner.obj("byName", named);
    } else {
      inner.num(f.protoOmitEmpty() ? "byId" : "byID", id.byName() ? 0 : id.id());
    }
    return f.json().obj("User", inner);
  }

  /** BuildKit's {@code isDefaultIndexes} (kept for cache compatibility, quirk included). */
  static boolean defaultIndexes(List<int[]> idxs) {
    if (idxs.isEmpty()) {
      return false;
    }
    for (int i = 0; i < idxs.size(); i++) {
      int[] idx = idxs.get(i);
      if (i == 0 && idx[0] != 0) {
        return false;
      }
      if (i != 0 && idx[0] != idxs.size() + (i - 1)) {
        return false;
      }
      if (idx[1] != -1 && idx[1] != 1) {
        return false;
      }
      if (i == idxs.size() - 1 && idx[2] != 0) {
        return false;
      }
      if (i != idxs.size() - 1 && idx[2] != -1) {
        return false;
      }
    }
    return true;
  }
}
