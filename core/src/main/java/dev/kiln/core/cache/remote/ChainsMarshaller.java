package dev.kiln.core.cache.remote;

import dev.kiln.core.port.ExportLayer;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The normalisation of {@link CacheChains#marshal()}, step by step as its Javadoc lists them. */
final class ChainsMarshaller {

  private final List<CacheChains.Item> items;

  ChainsMarshaller(List<CacheChains.Item> items) {
    this.items = items;
  }

  /** A merged record. Identity matters: links compare nodes by reference. */
  private static final class Node {
    final Digest digest;
    final String digestString;
    final List<Set<NodeLink>> groups;
    final List<CacheChains.PendingResult> results = new ArrayList<>();
    String hash;
    List<List<NodeLink>> sortedGroups;
    int index;

    Node(Digest digest, int inputs) {
      this.digest = digest;
      this.digestString = digest.toString();
      this.groups = new ArrayList<>(inputs);
      for (int i = 0; i < inputs; i++) {
        groups.add(new LinkedHashSet<>());
      }
    }
  }

  private record NodeLink(Digest selector, Node parent) {
    String selectorString() {
      return selector == null ? "" : selector.toString();
    }
  }

  private record TrieKey(int parent, Digest blob) {}

  private record TrieNode(Digest blob, int parent, ExportLayer layer) {}

  MarshalledCache marshal() {
    List<Node> nodes = merge();
    for (Node n : nodeOrder(nodes)) {
      n.hash = structuralHash(n);
    }
    List<Node> sorted = new ArrayList<>(nodes);
    sorted.sort(RECORD_ORDER);
    for (int i = 0; i < sorted.size(); i++) {
      sorted.get(i).index = i;
    }

    // layer trie over each record's newest result, in record order (the pre-sort layer order)
    List<TrieNode> trie = new ArrayList<>();
    Map<TrieKey, Integer> trieIndex = new HashMap<>();
    Map<Digest, OffsetDateTime> firstUse = new HashMap<>();
    int[] resultLayer = new int[sorted.size()];
    OffsetDateTime[] resultTime = new OffsetDateTime[sorted.size()];
    for (Node n : sorted) {
      CacheChains.PendingResult best = best(n.results);
      resultLayer[n.index] = -1;
      if (best == null) {
        continue;
      }
      int parent = -1;
      for (ExportLayer layer : best.chain()) {
        Digest blob = layer.blob().digest();
        int p = parent;
        parent =
            trieIndex.computeIfAbsent(new TrieKey(p, blob), k -> addTrieNode(trie, blob, p, layer));
        firstUse.merge(blob, best.createdAt(), (a, b) -> a.isBefore(b) ? a : b);
      }
      resultLayer[n.index] = parent;
      resultTime[n.index] = best.createdAt();
    }

    Integer[] order = new Integer[trie.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    String[] blobStrings = new String[trie.size()];
    for (int i = 0; i < blobStrings.length; i++) {
      blobStrings[i] = trie.get(i).blob().toString();
    }
    Arrays.sort(
        order,
        Comparator.<Integer, String>comparing(i -> blobStrings[i])
            .thenComparingInt(i -> trie.get(i).parent()));
    int[] newIndex = new int[trie.size()];
    for (int i = 0; i < order.length; i++) {
      newIndex[order[i]] = i;
    }

    List<CacheConfig.Layer> layers = new ArrayList<>(trie.size());
    List<Descriptor> descriptors = new ArrayList<>(trie.size());
    Map<Digest, ExportLayer> blobs = new LinkedHashMap<>();
    for (int old : order) {
      TrieNode t = trie.get(old);
      layers.add(CacheConfig.Layer.of(t.blob(), t.parent() < 0 ? -1 : newIndex[t.parent()]));
      descriptors.add(CacheChains.describe(t.layer(), firstUse.get(t.blob())));
      blobs.putIfAbsent(t.blob(), t.layer());
    }

    List<CacheConfig.Record> records = new ArrayList<>(sorted.size());
    for (Node n : sorted) {
      List<List<CacheConfig.Input>> inputs = new ArrayList<>(n.groups.size());
      for (Set<NodeLink> group : n.groups) {
        List<CacheConfig.Input> g = new ArrayList<>(group.size());
        for (NodeLink l : group) {
          g.add(new CacheConfig.Input(l.selector(), l.parent().index));
        }
        g.sort(
            Comparator.comparingInt(CacheConfig.Input::link)
                .thenComparing(in -> in.selector() == null ? "" : in.selector().toString()));
        inputs.add(g);
      }
      List<CacheConfig.Result> results =
          resultLayer[n.index] < 0
              ? List.of()
              : List.of(
                  new CacheConfig.Result(newIndex[resultLayer[n.index]], resultTime[n.index]));
      records.add(new CacheConfig.Record(results, List.of(), n.digest, inputs));
    }
    return new MarshalledCache(new CacheConfig(layers, records), descriptors, blobs);
  }

  private static int addTrieNode(List<TrieNode> trie, Digest blob, int parent, ExportLayer layer) {
    trie.add(new TrieNode(blob, parent, layer));
    return trie.size() - 1;
  }

  /** Drops items without an exported dependency on some input and merges duplicates. */
  private List<Node> merge() {
    Map<CacheChains.Item, Node> nodeOf = new IdentityHashMap<>();
    Map<Digest, List<Node>> byDigest = new HashMap<>();
    List<Node> nodes = new ArrayList<>();
    for (CacheChains.Item item : CacheChains.topologicalOrder(items)) {
      int inputs = item.inputCount();
      List<Set<NodeLink>> groups = new ArrayList<>(inputs);
      for (int i = 0; i < inputs; i++) {
        groups.add(new LinkedHashSet<>());
      }
      for (CacheChains.Link l : item.links) {
        Node parent = nodeOf.get(l.parent());
        if (parent != null) {
          groups.get(l.input()).add(new NodeLink(l.selector(), parent));
        }
      }
      if (groups.stream().anyMatch(Set::isEmpty)) {
        continue; // an input without an exported dependency: the record could never be matched
      }
      List<Node> same = byDigest.computeIfAbsent(item.digest, d -> new ArrayList<>());
      Node target = null;
      for (Node candidate : same) {
        if (sharesEveryInput(candidate, groups)) {
          target = candidate;
          break;
        }
      }
      if (target == null) {
        target = new Node(item.digest, inputs);
        same.add(target);
        nodes.add(target);
      }
      for (int i = 0; i < inputs; i++) {
        target.groups.get(i).addAll(groups.get(i));
      }
      target.results.addAll(item.results);
      nodeOf.put(item, target);
    }
    return nodes;
  }

  private static boolean sharesEveryInput(Node candidate, List<Set<NodeLink>> groups) {
    if (candidate.groups.size() != groups.size()) {
      return false;
    }
    for (int i = 0; i < groups.size(); i++) {
      Set<NodeLink> have = candidate.groups.get(i);
      if (groups.get(i).stream().noneMatch(have::contains)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Nodes with every node after the nodes it links from (merging may link an early node from a
   * later one, so creation order is not enough).
   */
  private static List<Node> nodeOrder(List<Node> nodes) {
    Set<Node> done = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<Node> order = new ArrayList<>(nodes.size());
    java.util.Deque<Node> stack = new java.util.ArrayDeque<>();
    for (Node start : nodes) {
      stack.push(start);
      while (!stack.isEmpty()) {
        Node n = stack.peek();
        if (done.contains(n)) {
          stack.pop();
          continue;
        }
        boolean ready = true;
        for (Set<NodeLink> group : n.groups) {
          for (NodeLink l : group) {
            if (!done.contains(l.parent())) {
              stack.push(l.parent());
              ready = false;
            }
          }
        }
        if (ready) {
          done.add(n);
          order.add(n);
          stack.pop();
        }
      }
    }
    return order;
  }

  /** The newest result; the first added among equally new ones. */
  private static CacheChains.PendingResult best(List<CacheChains.PendingResult> results) {
    CacheChains.PendingResult best = null;
    for (CacheChains.PendingResult r : results) {
      if (best == null || r.createdAt().isAfter(best.createdAt())) {
        best = r;
      }
    }
    return best;
  }

  /**
   * A hash of the record's digest and, recursively, of its links; parents are hashed first (nodes
   * come in topological order). Also sorts each input group for the record comparison.
   */
  private static String structuralHash(Node n) {
    StringBuilder sb = new StringBuilder(n.digestString);
    n.sortedGroups = new ArrayList<>(n.groups.size());
    for (Set<NodeLink> group : n.groups) {
      List<NodeLink> g = new ArrayList<>(group);
      g.sort(LINK_ORDER);
      n.sortedGroups.add(g);
      sb.append('|');
      for (NodeLink l : g) {
        sb.append(l.selectorString()).append('>').append(l.parent().hash).append(',');
      }
    }
    return Digests.sha256(sb.toString()).hex();
  }

  /** Selector, then linked digest: the element order BuildKit's record comparison uses. */
  private static final Comparator<NodeLink> LINK_KEY =
      Comparator.<NodeLink, String>comparing(NodeLink::selectorString)
          .thenComparing(l -> l.parent().digestString);

  private static final Comparator<NodeLink> LINK_ORDER =
      LINK_KEY.thenComparing(l -> l.parent().hash);

  /** BuildKit's {@code sortConfig} record order, then the structural hash. */
  private static final Comparator<Node> RECORD_ORDER =
      (a, b) -> {
        int c = a.digestString.compareTo(b.digestString);
        if (c != 0) {
          return c;
        }
        c = Integer.compare(a.sortedGroups.size(), b.sortedGroups.size());
        if (c != 0) {
          return c;
        }
        for (int i = 0; i < a.sortedGroups.size(); i++) {
          List<NodeLink> ga = a.sortedGroups.get(i);
          List<NodeLink> gb = b.sortedGroups.get(i);
          c = Integer.compare(ga.size(), gb.size());
          if (c != 0) {
            return c;
          }
          for (int j = 0; j < ga.size(); j++) {
            NodeLink la = ga.get(j);
            NodeLink lb = gb.get(j);
            c = LINK_KEY.compare(la, lb);
            if (c != 0) {
              return c;
            }
          }
        }
        return a.hash.compareTo(b.hash);
      };
}
