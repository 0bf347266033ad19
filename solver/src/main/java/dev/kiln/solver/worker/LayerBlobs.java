package dev.kiln.solver.worker;

import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.port.BlobTap;
import dev.kiln.core.port.ContentStore;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.LayerCompressor;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.MediaTypes.Compression;
import dev.kiln.solver.layer.DirectoryWalker;
import dev.kiln.solver.layer.EntrySource;
import dev.kiln.solver.layer.LayerBlob;
import dev.kiln.solver.layer.LayerConverter;
import dev.kiln.solver.layer.LayerException;
import dev.kiln.solver.layer.LayerWriter;
import dev.kiln.solver.layer.OpaqueProbe;
import dev.kiln.solver.layer.OverlayUpperConverter;
import dev.kiln.solver.store.LocalContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Layer blobs, made lazily: a layer snapshot's diff directory becomes tar → diffID → compressed
 * blob → digest only when an output asks for it, once per variant (compression, level and {@code
 * SOURCE_DATE_EPOCH} clamp), and the descriptor is remembered in {@code
 * snapshots/<id>/blobs/<variant>.json} so every later export reuses the blob. A layer that came as
 * a blob (a base image layer) is its blob; converting it to another compression (only asked with
 * {@code force}) is remembered too, in {@code <root>/conversions/}.
 *
 * <p>Also the worker's {@link LayerCompressor}: asked to convert a blob it made, it makes (or
 * reuses) that layer's variant from the snapshot, or returns the blob when it already is that
 * variant; other blobs are converted by {@link LayerConverter}, once. Thread-safe: each variant of
 * a layer is made at most once at a time.
 */
final class LayerBlobs implements LayerCompressor {

  /** One blob variant of a layer. */
  record Variant(Compression compression, int level, Instant epoch) {

    static Variant of(Compression compression, Integer level, Instant epoch) {
      return new Variant(compression, effectiveLevel(compression, level), epoch);
    }

    /** The record file name: {@code gzip-l-1}, {@code zstd-l3-e1700000000}, … */
    String key() {
      return compression.name().toLowerCase(Locale.ROOT)
          + "-l"
          + level
          + (epoch == null ? "" : "-e" + epoch.getEpochSecond());
    }

    LayerWriter.Options options() {
      return new LayerWriter.Options(compression, level, true, epoch);
    }
  }

  private record Made(String layerId, Variant variant) {}

  private final SnapshotStore store;
  private final ContentStore content;
  private final Path conversions;
  private final boolean privileged;
  private final Predicate<Digest> imageLayer;
  private final Map<Digest, Made> made = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  /**
   * @param imageLayer whether a blob is a layer of a base image this build resolved
   */
  LayerBlobs(
      SnapshotStore store, ContentStore content, boolean privileged, Predicate<Digest> imageLayer) {
    this.store = store;
    this.imageLayer = imageLayer;
    this.content = content;
    this.conversions = store.root().resolve("conversions");
    this.privileged = privileged;
  }

  /** The level a request means: gzip -1 (zlib's default), zstd 3, or the level given. */
  static int effectiveLevel(Compression c, Integer level) {
    return switch (c) {
      case UNCOMPRESSED -> 0;
      case GZIP -> level == null ? -1 : level;
      case ZSTD -> level == null || level == 0 ? 3 : level;
    };
  }

  /**
   * The blob of each layer snapshot of {@code ids} as {@code request} wants it, in order, with the
   * diffID annotation: a layer that came as a blob keeps it unless {@code request.force()} asks for
   * another compression or a level; the variants of the others not made yet are made together
   * ({@link LayerWriter#writeAll}: several layers compressed at once within the pool's memory
   * bound).
   */
  List<Descriptor> blobs(List<String> ids, LayerRequest request) throws IOException {
    return blobs(ids, request, null);
  }

  /**
   * {@link #blobs(List, LayerRequest)}, telling {@code tap} (null for none) of each blob made as
   * its writing begins.
   */
  List<Descriptor> blobs(List<String> ids, LayerRequest request, BlobTap tap) throws IOException {
    Variant v = Variant.of(request.compression(), request.level(), request.sourceDateEpoch());
    Map<String, Descriptor> found = new HashMap<>();
    TreeSet<String> missing = new TreeSet<>();
    for (String id : ids) {
      if (found.containsKey(id) || missing.contains(id)) {
        continue;
      }
      SnapshotMeta meta = store.meta(id);
      Descriptor d =
          meta.kind() == SnapshotMeta.Kind.LAYER && !needsClamp(meta.blob(), request)
              ? kept(meta.blob(), request, content)
              : recorded(id, v);
      if (d != null) {
        found.put(id, d);
      } else {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      found.putAll(make(missing, v, tap));
    }
    List<Descriptor> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(found.get(id));
    }
    return out;
  }

  /**
   * Whether a layer that came as a blob must be made again from its snapshot to honour {@code
   * request}'s epoch: an imported cache layer (not a layer of a base image) that may hold mtimes
   * later than the epoch, as when a cache exported under one {@code SOURCE_DATE_EPOCH} serves a
   * build under an earlier one. Its {@code buildkit/rewritten-timestamp} says the epoch it was
   * clamped to; without one, its {@code buildkit/createdat} bounds its mtimes. A layer whose bound
   * is at or before the epoch is kept (downloaded only if an output outside its registry needs it);
   * a layer with neither (a base image's) is always kept.
   */
  boolean needsClamp(Descriptor blob, LayerRequest request) {
    Instant epoch = request.sourceDateEpoch();
    if (epoch == null || imageLayer.test(blob.digest())) {
      return false;
    }
    String rewritten = blob.annotation(CacheAnnotations.REWRITTEN_TIMESTAMP);
    String created = blob.annotation(CacheAnnotations.CREATED_AT);
    try {
      if (rewritten != null) {
        return Long.parseLong(rewritten) > epoch.getEpochSecond();
      }
      return created != null && OffsetDateTime.parse(created).toInstant().isAfter(epoch);
    } catch (NumberFormatException | DateTimeParseException e) {
      return true; // unknown: clamping is always correct
    }
  }

  /** The epoch {@code blob}'s mtimes were clamped to when this worker made it, or null. */
  Instant clampedTo(Digest blob) {
    Made m = made.get(blob);
    return m == null ? null : m.variant().epoch();
  }

  /** The recorded variant of a layer whose blob is still stored, or null. */
  private Descriptor recorded(String id, Variant v) throws IOException {
    Descriptor d = SnapshotStore.readJson(record(id, v), Descriptor.class);
    if (d != null && content.contains(d.digest())) {
      made.put(d.digest(), new Made(id, v));
      return d;
    }
    return null;
  }

  private Path record(String id, Variant v) {
    return store.dir(id).resolve("blobs").resolve(v.key() + ".json");
  }

  /**
   * Makes variant {@code v} of the layers {@code ids} (sorted, so that concurrent exports lock in
   * one order), each under its lock, and records them.
   */
  private Map<String, Descriptor> make(TreeSet<String> ids, Variant v, BlobTap tap)
      throws IOException {
    List<ReentrantLock> held = new ArrayList<>();
    try {
      for (String id : ids) {
        ReentrantLock l = locks.computeIfAbsent(id + "/" + v.key(), k -> new ReentrantLock());
        l.lock();
        held.add(l);
      }
      Map<String, Descriptor> out = new HashMap<>();
      List<String> todo = new ArrayList<>();
      List<EntrySource> sources = new ArrayList<>();
      for (String id : ids) {
        Descriptor d = recorded(id, v);
        if (d != null) {
          out.put(id, d);
        } else {
          todo.add(id);
          sources.add(source(id, store.meta(id)));
        }
      }
      List<Descriptor> written = write(sources, v.options(), tap);
      for (int i = 0; i < todo.size(); i++) {
        Descriptor d = written.get(i);
        SnapshotStore.writeJson(record(todo.get(i), v), d);
        made.put(d.digest(), new Made(todo.get(i), v));
        out.put(todo.get(i), d);
      }
      return out;
    } finally {
      held.forEach(ReentrantLock::unlock);
    }
  }

  /** A blob that came as such, converted only when {@code request} forces it. */
  Descriptor kept(Descriptor blob, LayerRequest request, ContentStore from) throws IOException {
    if (!request.force() || MediaTypes.isNonDistributable(blob.mediaType())) {
      return blob;
    }
    if (MediaTypes.layerCompression(blob.mediaType()) == request.compression()
        && request.level() == null) {
      return blob;
    }
    return converted(blob, request.compression(), request.level(), from);
  }

  private Descriptor variant(String id, Variant v) throws IOException {
    Descriptor d = recorded(id, v);
    return d != null ? d : make(new TreeSet<>(List.of(id)), v, null).get(id);
  }

  /** The entries of a layer snapshot's tar. */
  private EntrySource source(String id, SnapshotMeta meta) throws IOException {
    Path d = store.diffDir(id);
    if (meta.kind() == SnapshotMeta.Kind.TREE) {
      return DirectoryWalker.of(d);
    }
    if (meta.ociMarkers()) {
      return OverlayUpperConverter.ofOciMarkers(d);
    }
    try {
      return new OverlayUpperConverter(d, privileged ? OpaqueProbe.scan(d) : dir -> false);
    } catch (LayerException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Writes layers into the content store, several at once; their descriptors carry the diffID
   * annotation.
   */
  private List<Descriptor> write(
      List<EntrySource> entries, LayerWriter.Options options, BlobTap tap) throws IOException {
    if (entries.isEmpty()) {
      return List.of();
    }
    Path dir = store.tmpDir().resolve("layer-" + UUID.randomUUID());
    try {
      List<Descriptor> out = new ArrayList<>();
      // Layers of one batch with the same content (e.g. two WORKDIRs that change nothing) are one
      // file named by its digest: stored once.
      Set<Digest> stored = new HashSet<>();
      for (LayerBlob blob : new LayerWriter(options).withTap(tap).writeAll(entries, dir)) {
        if (!stored.add(blob.digest())) {
          out.add(descriptor(blob));
          continue;
        }
        if (content instanceof LocalContentStore local) {
          // The writer hashed the blob while writing it: move it in instead of copying it.
          local.adopt(blob.path(), blob.digest());
        } else {
          try (InputStream in = Files.newInputStream(blob.path())) {
            content.write(in, blob.digest());
          }
        }
        out.add(descriptor(blob));
      }
      return out;
    } catch (LayerException e) {
      throw new IOException(e.getMessage(), e);
    } finally {
      SnapshotStore.deleteTree(dir);
    }
  }

  private static Descriptor descriptor(LayerBlob blob) {
    return Descriptor.of(blob.mediaType(), blob.digest(), blob.size())
        .withAnnotation(SnapshotStore.UNCOMPRESSED, blob.diffId().toString());
  }

  /** A foreign blob in another compression or level, converted once and remembered. */
  private Descriptor converted(
      Descriptor blob, Compression target, Integer level, ContentStore from) throws IOException {
    Variant v = Variant.of(target, level, null);
    Path record = conversions.resolve(blob.digest().hex()).resolve(v.key() + ".json");
    ReentrantLock lock = locks.computeIfAbsent(record.toString(), k -> new ReentrantLock());
    lock.lock();
    try {
      Descriptor d = SnapshotStore.readJson(record, Descriptor.class);
      if (d != null && content.contains(d.digest())) {
        return d;
      }
      ExportLayer in = ExportLayer.of(blob, SnapshotStore.diffId(blob));
      ExportLayer out = new LayerConverter(store.tmpDir()).compress(in, target, level, from);
      d = out.blob().withAnnotation(SnapshotStore.UNCOMPRESSED, out.diffId().toString());
      SnapshotStore.writeJson(record, d);
      return d;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public ExportLayer compress(
      ExportLayer layer, Compression target, Integer level, ContentStore store) throws IOException {
    Made m = made.get(layer.blob().digest());
    if (m != null) {
      Variant want = Variant.of(target, level, m.variant().epoch());
      if (m.variant().compression() == target
          && (level == null || m.variant().level() == want.level())) {
        return layer;
      }
      return exported(variant(m.layerId(), want), layer.blob());
    }
    Compression from = MediaTypes.layerCompression(layer.blob().mediaType());
    if (MediaTypes.isNonDistributable(layer.blob().mediaType())
        || (from == target && level == null)) {
      return layer;
    }
    Descriptor annotated =
        layer.blob().withAnnotation(SnapshotStore.UNCOMPRESSED, layer.diffId().toString());
    return exported(converted(annotated, target, level, store), layer.blob());
  }

  /** An exporter's layer: the descriptor without internal annotations, media type family kept. */
  static ExportLayer exported(Descriptor d, Descriptor like) {
    Digest diffId = SnapshotStore.diffId(d);
    String mediaType =
        like == null || !MediaTypes.isDocker(like.mediaType())
            ? d.mediaType()
            : MediaTypes.layerType(MediaTypes.layerCompression(d.mediaType()), false);
    return ExportLayer.of(
        new Descriptor(mediaType, d.digest(), d.size(), d.urls(), null, null, null, null), diffId);
  }
}
