package dev.kiln.solver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.cache.CacheKey;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link CacheManager} kept in memory as a {@link KeyGraph} and persisted in an append-only
 * journal ({@code <root>/cache.journal}, see {@link CacheJournal}) that is replayed on open.
 *
 * <p>Thread-safe: the graph's monitor guards the index and the journal (every change is journaled
 * before the graph applies it); lookups are in-memory map operations. Durability: the journal is
 * forced to disk on {@link #close()} and {@link #sync()}; after a power loss trailing records may
 * be missing (a cache miss), never wrong. Results must be saved after the content they reference is
 * durable (the content store forces blobs before publishing them) — except results found in an
 * imported cache, whose blobs are fetched on demand.
 */
public final class LocalCacheManager implements CacheManager, Closeable {

  private final Clock clock;
  private final CacheJournal journal;
  private final KeyGraph graph;

  private LocalCacheManager(Path root, Clock clock) throws IOException {
    this.clock = clock;
    this.graph = KeyGraph.writable(new Journaled());
    this.journal = CacheJournal.open(root.resolve("cache.journal"), this::apply);
  }

  /**
   * Opens the cache under {@code root} (creating it), loading everything recorded before.
   *
   * @throws IOException if the journal cannot be read or created
   */
  public static LocalCacheManager open(Path root) throws IOException {
    return new LocalCacheManager(root, Clock.systemUTC());
  }

  @Override
  public CacheMatch lookup(CacheKey key) {
    return graph.lookup(key, new IdentityHashMap<>());
  }

  @Override
  public CacheRecord save(CacheKey key, CacheResult result, Instant createdAt) throws IOException {
    return save(key, result, createdAt, new IdentityHashMap<>()).record();
  }

  @Override
  public int drop(Digest blob) throws IOException {
    return graph.drop(blob);
  }

  @Override
  public void recordLayers(String snapshotId, List<Descriptor> layers) throws IOException {
    List<Descriptor> copy = List.copyOf(layers);
    synchronized (graph) {
      if (snapshotId.isEmpty() || !graph.withLayers(snapshotId, copy)) {
        return;
      }
      ObjectNode r = CacheJournal.record().put("t", "layers").put("snapshot", snapshotId);
      r.set("layers", CacheJournal.mapper().valueToTree(copy));
      journal.append(r);
    }
  }

  @Override
  public CacheManager session() {
    return new Session();
  }

  /** The number of keys with a result. */
  public int size() {
    return graph.size();
  }

  /** Forces everything saved so far to disk. */
  public void sync() throws IOException {
    synchronized (graph) {
      journal.sync();
    }
  }

  /** Bytes of a torn or corrupt journal tail that were discarded when this cache was opened. */
  long droppedBytes() {
    return journal.droppedBytes();
  }

  @Override
  public void close() throws IOException {
    synchronized (graph) {
      journal.close();
    }
  }

  /** Saves; {@code memo} is the caller's resolution memo. */
  KeyGraph.Saved save(
      CacheKey key, CacheResult result, Instant createdAt, Map<CacheKey, Set<String>> memo)
      throws IOException {
    Instant at = createdAt == null ? clock.instant() : createdAt;
    return graph.save(key, new CacheRecord(result, at), memo);
  }

  /** Links exportable roots (from an imported record) into the record {@code id}. */
  void addRootLinks(String id, Digest digest, List<CacheMatch.RootLink> links) throws IOException {
    graph.addRootLinks(id, digest, links);
  }

  /** Memoizes key resolution by key identity for its lifetime (one solve). */
  final class Session implements CacheManager {
    private final Map<CacheKey, Set<String>> memo = new IdentityHashMap<>();

    @Override
    public CacheMatch lookup(CacheKey key) {
      return graph.lookup(key, memo);
    }

    @Override
    public CacheRecord save(CacheKey key, CacheResult result, Instant createdAt)
        throws IOException {
      return LocalCacheManager.this.save(key, result, createdAt, memo).record();
    }

    /** Saves and returns the key's id with its record. */
    KeyGraph.Saved saveWithId(CacheKey key, CacheResult result, Instant createdAt)
        throws IOException {
      return LocalCacheManager.this.save(key, result, createdAt, memo);
    }

    @Override
    public int drop(Digest blob) throws IOException {
      return graph.drop(blob);
    }

    @Override
    public void recordLayers(String snapshotId, List<Descriptor> layers) throws IOException {
      LocalCacheManager.this.recordLayers(snapshotId, layers);
    }

    LocalCacheManager manager() {
      return LocalCacheManager.this;
    }
  }

  /** Writes each graph change to the journal (called under the graph's monitor). */
  private final class Journaled implements KeyGraph.Journal {
    @Override
    public void link(KeyGraph.Link l, String child, boolean parentIsRoot, boolean contentRoot)
        throws IOException {
      ObjectNode r =
          CacheJournal.record()
              .put("t", "link")
              .put("p", l.parent())
              .put("i", l.input())
              .put("d", l.childDigest())
              .put("s", l.selector())
              .put("c", child)
              .put("root", parentIsRoot);
      if (contentRoot) {
        r.put("content", true);
      }
      journal.append(r);
    }

    @Override
    public void result(String id, CacheRecord record) throws IOException {
      CacheResult result = record.result();
      ObjectNode r =
          CacheJournal.record()
              .put("t", "result")
              .put("id", id)
              .put("at", record.createdAt().toEpochMilli())
              .put("created", record.createdAt().toString());
      r.put("snapshot", result.snapshotId());
      r.set("layers", CacheJournal.mapper().valueToTree(result.layers()));
      journal.append(r);
    }

    @Override
    public void drop(String id) throws IOException {
      journal.append(CacheJournal.record().put("t", "drop").put("id", id));
    }
  }

  private void apply(JsonNode r) {
    switch (r.path("t").asText()) {
      case "link" ->
          graph.replayLink(
              new KeyGraph.Link(
                  r.path("p").asText(),
                  r.path("i").asInt(),
                  r.path("d").asText(),
                  r.path("s").asText()),
              r.path("c").asText(),
              r.path("root").asBoolean(),
              r.path("content").asBoolean());
      case "result" -> {
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode d : r.path("layers")) {
          layers.add(CacheJournal.mapper().convertValue(d, Descriptor.class));
        }
        graph.replayResult(
            r.path("id").asText(),
            new CacheRecord(new CacheResult(r.path("snapshot").asText(), layers), createdAt(r)));
      }
      case "drop" -> graph.replayDrop(r.path("id").asText());
      case "layers" -> {
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode d : r.path("layers")) {
          layers.add(CacheJournal.mapper().convertValue(d, Descriptor.class));
        }
        graph.withLayers(r.path("snapshot").asText(), List.copyOf(layers));
      }
      default -> {
        // A kind this version does not know: ignore it rather than drop the whole cache.
      }
    }
  }

  /** The full-precision time when recorded (kiln ≥ issue 9), else the millisecond one. */
  private static Instant createdAt(JsonNode r) {
    String s = r.path("created").asText("");
    if (!s.isEmpty()) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        // Fall back to the millisecond field written beside it.
      }
    }
    return Instant.ofEpochMilli(r.path("at").asLong());
  }
}
