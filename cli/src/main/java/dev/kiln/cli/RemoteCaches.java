package dev.kiln.cli;

import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.cli.progress.ProgressMode;
import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.port.CacheEmbedder;
import dev.kiln.core.port.CacheExportOptions;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.CacheImportException;
import dev.kiln.core.port.CacheImporter;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.image.export.ExportSpec;
import dev.kiln.oci.Reference;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.remote.CacheExportWalker;
import dev.kiln.solver.remote.EagerExportLayers;
import dev.kiln.solver.remote.ResultLayers;
import dev.kiln.solver.scheduler.SolveResult;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code --cache-from} and {@code --cache-to} of one build: creates the importers, exporters and
 * embedders ({@code type=inline}) up front (so a bad flag fails before any work), imports before
 * the solve — a cache that cannot be read, or holds nothing, is a warning and the build goes on
 * without it — embeds the inline caches into the image config before the outputs, and exports after
 * the outputs: the solve's keys walked into cache chains in each exporter's mode and compression.
 * An export failure fails the build unless {@code ignore-error=true}, then it is a warning. Not
 * thread-safe.
 */
final class RemoteCaches {

  private final BuildRequest request;
  private final ProgressDisplay progress;
  private final List<CacheExporter> exporters = new ArrayList<>();
  private final List<CacheEmbedder> embedders = new ArrayList<>();
  private final List<CacheImporter> importers = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  RemoteCaches(BuildRequest request, ProgressDisplay progress, CacheBackends backends)
      throws CliException {
    this.request = request;
    this.progress = progress;
    for (CacheSpec s : request.cacheTo()) {
      if (backends.embeds(s)) {
        CacheEmbedder e = backends.embedder(s);
        embedders.add(e);
        warnings.addAll(e.warnings());
      } else {
        exporters.add(backends.exporter(s));
      }
    }
    for (CacheSpec s : request.cacheFrom()) {
      importers.add(backends.importer(s));
    }
  }

  /**
   * A cache written to the tag an image of the same build is pushed to would overwrite it (or the
   * image the cache): the refs must differ, as buildx documents.
   */
  void checkAgainstPushes(List<Outputs.Output> outputs) throws CliException {
    List<Reference> pushed = new ArrayList<>();
    for (Outputs.Output o : outputs) {
      ExportSpec spec = o.spec();
      if ("image".equals(spec.type()) && "true".equals(spec.get("push"))) {
        for (String name : spec.names()) {
          try {
            pushed.add(Reference.parse(name));
          } catch (IllegalArgumentException e) {
            // the image exporter reports a bad name itself
          }
        }
      }
    }
    for (CacheSpec s : request.cacheTo()) {
      Reference ref = s.registryRef();
      if (ref != null && pushed.contains(ref)) {
        throw new CliException(
            "--cache-to "
                + s.typed()
                + ": the cache ref "
                + ref
                + " is also where the image is pushed; use another tag or repository for the"
                + " cache (e.g. "
                + ref.withTag("buildcache")
                + ")");
      }
    }
  }

  /**
   * An inline cache travels in an image config: without an output that writes one ({@code
   * type=image|registry|oci|docker}, {@code --push}, {@code --load}) it would be lost, so that is
   * an error before anything runs.
   */
  void checkEmbedding(List<Outputs.Output> outputs) throws CliException {
    if (embedders.isEmpty() || outputs.stream().anyMatch(o -> Outputs.writesImage(o.spec()))) {
      return;
    }
    String has =
        outputs.isEmpty()
            ? "this build has no output"
            : "this build writes only "
                + String.join(", ", outputs.stream().map(Outputs::describe).toList());
    throw new CliException(
        "--cache-to type=inline: the cache goes into the config of the exported image, but "
            + has
            + "; add -t NAME --push, --load or --output type=image|oci|docker, or use --cache-to"
            + " type=registry,ref=REF or type=local,dest=DIR");
  }

  /** Reads every {@code --cache-from}; the ones that fail are warnings. */
  List<ImportedCache> importAll() {
    List<ImportedCache> caches = new ArrayList<>();
    for (CacheImporter i : importers) {
      try {
        ImportedCache c = i.resolve(progress);
        if (!c.isEmpty()) {
          caches.add(c);
        } else {
          warnings.add(
              i.name()
                  + " holds no build cache (an image without an inline cache, or an empty cache);"
                  + " building without it");
        }
      } catch (CacheImportException e) {
        // The importer has shown it as a warning on its step; quiet mode shows no steps.
        if (request.progress() == ProgressMode.QUIET) {
          warnings.add(e.getMessage() + " (building without this cache)");
        }
      }
    }
    return caches;
  }

  /**
   * The image config fields of every {@code --cache-to type=inline} for an image with {@code
   * layers}: the solve's keys walked in min mode, each result described by its layers in the
   * image's own variant {@code request} (only their diffIDs place them in the image; the results
   * that are a prefix of the image's chain have exactly the image's layers, made already, so
   * nothing more is compressed).
   *
   * @param createdAt the time each result is written with ({@code SOURCE_DATE_EPOCH}), or null
   */
  Map<String, String> embed(
      KilnState state,
      SolveResult solved,
      List<ExportLayer> layers,
      LayerRequest request,
      Instant createdAt)
      throws CliException {
    Map<String, String> fields = new TreeMap<>();
    ResultLayers asInImage =
        new ResultLayers() {
          @Override
          public List<ExportLayer> layers(CacheResult result, CacheExportOptions options)
              throws IOException {
            return state.exportLayers(result, request);
          }

          @Override
          public List<String> identities(CacheResult result) throws IOException {
            return state.layerIds(result);
          }
        };
    for (CacheEmbedder e : embedders) {
      try {
        CacheChains chains = CacheExportWalker.chains(solved.keys(), e.options(), asInImage);
        fields.putAll(e.embed(chains, layers, createdAt, progress));
      } catch (IOException | RuntimeException ex) {
        failed(e.name(), e.options().ignoreError(), ex);
      }
    }
    return fields;
  }

  /**
   * What makes, while the build goes on, the layers the {@code mode=max} exports among {@code
   * --cache-to} will take, and starts their uploads (nothing to do without such an export).
   */
  EagerExportLayers eager(KilnState state) {
    return new EagerExportLayers(state.resultLayers(), exporters, state.store());
  }

  /** Writes every {@code --cache-to}. */
  void exportAll(KilnState state, SolveResult solved) throws CliException {
    for (CacheExporter e : exporters) {
      try {
        // the walk makes the layers still missing: inside the exporter's preparing step
        e.export(
            () -> CacheExportWalker.chains(solved.keys(), e.options(), offering(e, state)),
            state.store(),
            progress);
      } catch (IOException | RuntimeException ex) {
        failed(e.name(), e.options().ignoreError(), ex);
      }
    }
  }

  /**
   * The state's result layers, each offered to {@code e} as the walk asks for it (after {@link
   * ResultLayers#prepare} made them), so that its upload starts before the export step.
   */
  private static ResultLayers offering(CacheExporter e, KilnState state) {
    ResultLayers made = state.resultLayers();
    return new ResultLayers() {
      @Override
      public List<ExportLayer> layers(CacheResult result, CacheExportOptions options)
          throws IOException {
        List<ExportLayer> layers = made.layers(result, options);
        layers.forEach(l -> e.offer(l, state.store()));
        return layers;
      }

      @Override
      public List<String> identities(CacheResult result) throws IOException {
        return made.identities(result);
      }

      @Override
      public void prepare(List<CacheResult> results, CacheExportOptions options)
          throws IOException {
        made.prepare(results, options, e.tap());
      }
    };
  }

  /** A failed export: a warning with {@code ignore-error=true}, else the build's failure. */
  private void failed(String name, boolean ignoreError, Exception ex) throws CliException {
    String reason = ex.getMessage() == null ? ex.toString() : ex.getMessage();
    if (ignoreError) {
      warnings.add("cache export to " + name + " failed (ignore-error=true): " + reason);
    } else {
      throw new CliException(
          "exporting cache to "
              + name
              + ": "
              + reason
              + " (add ignore-error=true to --cache-to to build anyway)",
          ex);
    }
  }

  /** Warnings to print once the progress display is done. */
  List<String> warnings() {
    return List.copyOf(warnings);
  }
}
