package dev.kiln.solver.remote;

import dev.kiln.core.cache.CacheMap;
import dev.kiln.core.cache.CacheMaps;
import dev.kiln.core.cache.KeyFormulas;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.MergeOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.ContentSelection;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.PathSelector;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.scheduler.CancellationToken;
import dev.kiln.solver.scheduler.OpRunner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A toy worker whose results are layer chains with real blobs in a {@link ContentStore}, with call
 * counters. An image "pull" writes one base layer; a local source is the {@link #context} map (path
 * → text) without layers; a file or exec op reads every blob of its inputs (so a lazily imported
 * input is fetched through the store) and appends one layer whose bytes name the vertex, the
 * content it copies and the {@link #salt} (a RUN whose output differs per machine); a merge
 * concatenates its inputs' chains. Content checksums read the selected context files or every blob
 * of a layered input.
 */
final class LayerToyRunner implements OpRunner {

  final ContentStore store;
  final Map<String, String> context = new TreeMap<>();
  final Map<Digest, AtomicInteger> runs = new ConcurrentHashMap<>();
  final AtomicInteger checksums = new AtomicInteger();
  volatile String salt = "";

  LayerToyRunner(ContentStore store, Map<String, String> context) {
    this.store = store;
    this.context.putAll(context);
  }

  int runs(Vertex v) {
    AtomicInteger n = runs.get(v.digest());
    return n == null ? 0 : n.get();
  }

  /** Runs of ops other than the build context's transfer. */
  int stepRuns() {
    int n = 0;
    for (Map.Entry<Digest, AtomicInteger> e : runs.entrySet()) {
      n += e.getValue().get();
    }
    return n - localRuns.get();
  }

  private final AtomicInteger localRuns = new AtomicInteger();

  @Override
  public List<CacheMap> cacheMaps(Vertex v, KeyFormulas keys, CancellationToken cancel) {
    if (v.op() instanceof ImageOp img) {
      return List.of(
          new CacheMap(Digests.sha256("manifest of " + img.ref()), false, List.of()),
          new CacheMap(Digests.sha256("config of " + img.ref()), false, List.of()));
    }
    if (v.op() instanceof LocalOp l) {
      return List.of(keys.forLocal(l, "content:" + Digests.sha256(context.toString())));
    }
    return keys.cacheMaps(v);
  }

  @Override
  public List<CacheResult> run(Vertex v, List<CacheResult> inputs, CancellationToken cancel)
      throws IOException {
    List<CacheResult> out = execute(v, inputs);
    // Counted once done: an attempt that failed reading its inputs did not run the step.
    runs.computeIfAbsent(v.digest(), d -> new AtomicInteger()).incrementAndGet();
    return out;
  }

  private List<CacheResult> execute(Vertex v, List<CacheResult> inputs) throws IOException {
    if (v.op() instanceof ImageOp img) {
      return List.of(new CacheResult("", List.of(layer("base layer of " + img.ref()))));
    }
    if (v.op() instanceof LocalOp) {
      localRuns.incrementAndGet();
      return List.of(
          new CacheResult("local-" + Digests.sha256(context.toString()).hex(), List.of()));
    }
    for (CacheResult in : inputs) {
      read(in);
    }
    if (v.op() instanceof MergeOp) {
      List<Descriptor> all = new ArrayList<>();
      inputs.forEach(in -> all.addAll(in.layers()));
      return List.of(new CacheResult("", all));
    }
    StringBuilder text = new StringBuilder(v.op() instanceof ExecOp ? "exec " : "file ");
    text.append(v.digest());
    CacheMap map = CacheMaps.of(v);
    for (int i = 0; i < map.inputs().size(); i++) {
      ContentSelection sel = map.inputs().get(i).content();
      if (sel != null && v.op() instanceof dev.kiln.core.graph.FileOp) {
        text.append(" copies ").append(content(inputs.get(i), sel));
      }
    }
    if (v.op() instanceof ExecOp) {
      text.append(salt);
    }
    List<Descriptor> chain = new ArrayList<>(inputs.get(0).layers());
    chain.add(layer(text.toString()));
    return List.of(new CacheResult("", chain));
  }

  @Override
  public Optional<Digest> contentChecksum(
      Vertex vertex,
      int input,
      CacheResult inputResult,
      ContentSelection selection,
      CancellationToken cancel)
      throws IOException {
    checksums.incrementAndGet();
    return Optional.of(Digests.sha256(content(inputResult, selection)));
  }

  private String content(CacheResult r, ContentSelection sel) throws IOException {
    if (r.layers().isEmpty()) {
      StringBuilder sb = new StringBuilder();
      for (PathSelector p : sel.paths()) {
        sb.append(p.path()).append('=').append(context.get(p.path())).append(';');
      }
      return sb.toString();
    }
    return new String(read(r), StandardCharsets.UTF_8);
  }

  /** Every blob of the chain, concatenated: reading is what fetches a lazy blob. */
  private byte[] read(CacheResult r) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (Descriptor d : r.layers()) {
      try (InputStream in = store.open(d.digest())) {
        in.transferTo(all);
      }
    }
    return all.toByteArray();
  }

  private Descriptor layer(String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Digests.Sized s = store.write(new ByteArrayInputStream(bytes), null);
    return Descriptor.of(MediaTypes.OCI_LAYER_GZIP, s.digest(), s.size())
        .withAnnotation(CacheAnnotations.UNCOMPRESSED, Digests.sha256("tar of " + text).toString());
  }
}
