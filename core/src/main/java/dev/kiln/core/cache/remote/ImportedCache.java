package dev.kiln.core.cache.remote;

import dev.kiln.core.port.ContentStore;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An imported cache as a read-only key graph (cache-format.md §7.1): the validated config, the
 * descriptor of every blob its manifest lists, and a {@link BlobFetcher} to bring a blob into the
 * local content store when it is needed (lazily; nothing is fetched when this is built).
 *
 * <p>Nodes are the config's records by position (digests may repeat: several records can share a
 * digest with different links). A node's results are its result chains whose every blob the
 * manifest lists (others are dropped silently, §2.2), newest first. Immutable and thread-safe.
 */
public final class ImportedCache {

  private final String source;
  private final CacheConfig config;
  private final Map<Digest, Descriptor> blobs;
  private final BlobFetcher fetcher;
  private final List<Node> nodes;
  private final Map<Digest, List<Node>> byDigest;

  private ImportedCache(
      String source, CacheConfig config, Map<Digest, Descriptor> blobs, BlobFetcher fetcher) {
    this.source = source;
    this.config = config;
    this.blobs = blobs;
    this.fetcher = fetcher;
    List<Node> ns = new ArrayList<>(config.records().size());
    for (int i = 0; i < config.records().size(); i++) {
      ns.add(new Node(i));
    }
    this.nodes = Collections.unmodifiableList(ns);
    Map<Digest, List<Node>> index = new HashMap<>();
    for (Node n : ns) {
      index.computeIfAbsent(n.digest(), d -> new ArrayList<>()).add(n);
    }
    for (Node n : ns) {
      List<List<CacheConfig.Input>> inputs = n.record().inputs();
      for (int i = 0; i < inputs.size(); i++) {
        for (CacheConfig.Input in : inputs.get(i)) {
          Node parent = ns.get(in.link());
          n.inputs.get(i).add(new Link(parent, in.selector()));
          parent.children.add(new Child(i, in.selector(), n));
        }
      }
      n.results = resolveResults(n.record());
    }
    index.replaceAll((d, l) -> List.copyOf(l));
    this.byDigest = index;
  }

  /**
   * Builds the graph of a cache config and the blobs its manifest lists.
   *
   * @param source the cache's name for messages (e.g. {@code registry localhost:5000/cache:main})
   * @param config the config; it is validated here
   * @param blobs the manifest's layer descriptors (media type, size, {@code
   *     containerd.io/uncompressed}, …); repeated digests are fine
   * @param fetcher opens a blob's bytes where the cache lives
   * @throws CacheFormatException if the config is inconsistent (§2.2)
   */
  public static ImportedCache of(
      String source, CacheConfig config, List<Descriptor> blobs, BlobFetcher fetcher)
      throws CacheFormatException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(fetcher, "fetcher");
    config.validate();
    Map<Digest, Descriptor> byDigest = new LinkedHashMap<>();
    for (Descriptor d : blobs) {
      byDigest.putIfAbsent(d.digest(), d);
    }
    return new ImportedCache(source, config, Collections.unmodifiableMap(byDigest), fetcher);
  }

  /**
   * Builds the graph of an inline cache (cache-format.md §4.3): its records point into the image's
   * layers, layer {@code i} having layer {@code i-1} as parent.
   *
   * @param imageLayers the image manifest's layers, bottom first, each annotated with its {@code
   *     containerd.io/uncompressed} diffID (and {@code buildkit/createdat} when known)
   */
  public static ImportedCache ofInline(
      String source,
      List<CacheConfig.Record> records,
      List<Descriptor> imageLayers,
      BlobFetcher fetcher)
      throws CacheFormatException {
    List<CacheConfig.Layer> layers = new ArrayList<>(imageLayers.size());
    for (int i = 0; i < imageLayers.size(); i++) {
      layers.add(CacheConfig.Layer.of(imageLayers.get(i).digest(), i - 1));
    }
    return of(source, new CacheConfig(layers, records), imageLayers, fetcher);
  }

  /** An empty graph (an image without inline cache). */
  public static ImportedCache empty(String source) {
    return new ImportedCache(
        source,
        new CacheConfig(List.of(), List.of()),
        Map.of(),
        b -> {
          throw new IOException(source + " has no blob " + b.digest());
        });
  }

  /** Where this cache came from, for messages. */
  public String source() {
    return source;
  }

  /** The config as imported. */
  public CacheConfig config() {
    return config;
  }

  /** Every record, in config order. */
  public List<Node> nodes() {
    return nodes;
  }

  /** The records with key {@code digest} (usually one; none when unknown). */
  public List<Node> nodes(Digest digest) {
    return byDigest.getOrDefault(digest, List.of());
  }

  /** True when the cache has no record. */
  public boolean isEmpty() {
    return nodes.isEmpty();
  }

  /** The manifest's descriptor of a blob, or null if the manifest does not list it. */
  public Descriptor blob(Digest digest) {
    return blobs.get(digest);
  }

  /** Every blob the manifest lists, in manifest order. */
  public List<Descriptor> blobs() {
    return List.copyOf(blobs.values());
  }

  /**
   * Brings a blob into {@code store} unless it is there already; digest and size are verified while
   * it streams, so nothing corrupt is stored.
   *
   * @throws IOException if the manifest does not list it, it cannot be fetched, or it does not
   *     match its descriptor; the message names the blob and this cache
   */
  public void fetch(Digest blob, ContentStore store) throws IOException {
    if (store.contains(blob)) {
      return;
    }
    Descriptor d = blobs.get(blob);
    if (d == null) {
      throw new IOException(source + " does not list blob " + blob);
    }
    Digests.Sized stored;
    try (InputStream in = fetcher.open(d)) {
      stored = store.write(in, blob);
    } catch (IOException e) {
      throw new IOException("fetching " + blob + " from " + source + ": " + e.getMessage(), e);
    }
    if (stored.size() != d.size()) {
      store.delete(blob);
      throw new IOException(
          "fetching "
              + blob
              + " from "
              + source
              + ": got "
              + stored.size()
              + " bytes, the manifest says "
              + d.size());
    }
  }

  private List<Result> resolveResults(CacheConfig.Record r) {
    List<Result> out = new ArrayList<>();
    for (CacheConfig.Result res : r.results()) {
      List<Descriptor> chain = new ArrayList<>();
      for (int i = res.layer(); i >= 0; i = config.layers().get(i).parent()) {
        chain.add(blobs.get(config.layers().get(i).blob()));
      }
      Collections.reverse(chain);
      addIfComplete(out, chain, res.createdAt().toInstant());
    }
    for (CacheConfig.ChainedResult c : r.chains()) {
      List<Descriptor> chain = new ArrayList<>();
      for (int i : c.layers()) {
        chain.add(blobs.get(config.layers().get(i).blob()));
      }
      addIfComplete(out, chain, c.createdAt().toInstant());
    }
    out.sort(Comparator.comparing(Result::createdAt).reversed());
    return Collections.unmodifiableList(out);
  }

  private static void addIfComplete(List<Result> out, List<Descriptor> chain, Instant createdAt) {
    if (!chain.isEmpty() && !chain.contains(null)) {
      out.add(new Result(chain, createdAt));
    }
  }

  /** One record of the imported graph. */
  public final class Node {
    private final int index;
    private final List<List<Link>> inputs = new ArrayList<>();
    private final List<Child> children = new ArrayList<>();
    private List<Result> results = List.of();

    private Node(int index) {
      this.index = index;
      for (int i = 0; i < config.records().get(index).inputs().size(); i++) {
        inputs.add(new ArrayList<>());
      }
    }

    /** Position of the record in the config. */
    public int index() {
      return index;
    }

    /** The record's key digest. */
    public Digest digest() {
      return record().digest();
    }

    /** The wire record. */
    public CacheConfig.Record record() {
      return config.records().get(index);
    }

    /** True when the record has no inputs (a source or content key). */
    public boolean isRoot() {
      return inputs.isEmpty();
    }

    /** Per input index, the records that can serve as that input (read-only). */
    public List<List<Link>> inputs() {
      return Collections.unmodifiableList(inputs);
    }

    /** The records that link from this one (read-only). */
    public List<Child> children() {
      return Collections.unmodifiableList(children);
    }

    /**
     * The children reached from this record as input {@code input} through {@code selector} (null =
     * no selector) whose digest is {@code childDigest}.
     */
    public List<Node> children(int input, Digest selector, Digest childDigest) {
      List<Node> out = new ArrayList<>();
      for (Child c : children) {
        if (c.input() == input
            && Objects.equals(c.selector(), selector)
            && c.child().digest().equals(childDigest)) {
          out.add(c.child());
        }
      }
      return out;
    }

    /** Results whose every blob the manifest lists, newest first. */
    public List<Result> results() {
      return results;
    }

    /** The cache this record belongs to. */
    public ImportedCache cache() {
      return ImportedCache.this;
    }

    @Override
    public String toString() {
      return "record " + index + " " + digest() + " of " + source;
    }
  }

  /**
   * A link into a record: {@code from} serves as the input through {@code selector}.
   *
   * @param from the input record
   * @param selector the selector, or null
   */
  public record Link(Node from, Digest selector) {}

  /**
   * A link out of a record.
   *
   * @param input the input index of {@code child} this record serves as
   * @param selector the selector, or null
   * @param child the dependent record
   */
  public record Child(int input, Digest selector, Node child) {}

  /**
   * One result: the layer blobs that reproduce the record's output, bottom first.
   *
   * @param chain layer descriptors as the manifest lists them ({@code containerd.io/uncompressed}
   *     holds the diffID)
   * @param createdAt when the result was created
   */
  public record Result(List<Descriptor> chain, Instant createdAt) {

    /** Copies the chain. */
    public Result {
      chain = List.copyOf(chain);
    }
  }
}
