package dev.kiln.cli;

import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.cli.progress.ProgressMode;
import dev.kiln.core.cache.remote.CacheChains;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.port.CacheExporter;
import dev.kiln.core.port.CacheImportException;
import dev.kiln.core.port.CacheImporter;
import dev.kiln.image.export.ExportSpec;
import dev.kiln.oci.Reference;
import dev.kiln.solver.remote.CacheExportWalker;
import dev.kiln.solver.scheduler.SolveResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --cache-from} and {@code --cache-to} of one build: creates the importers and exporters up
 * front (so a bad flag fails before any work), imports before the solve — a cache that cannot be
 * read is a warning and the build goes on without it — and exports after the outputs: the solve's
 * keys walked into cache chains in each exporter's mode and compression. An export failure fails
 * the build unless {@code ignore-error=true}, then it is a warning. Not thread-safe.
 */
final class RemoteCaches {

  private final BuildRequest request;
  private final ProgressDisplay progress;
  private final List<CacheExporter> exporters = new ArrayList<>();
  private final List<CacheImporter> importers = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  RemoteCaches(BuildRequest request, ProgressDisplay progress, CacheBackends backends)
      throws CliException {
    this.request = request;
    this.progress = progress;
    for (CacheSpec s : request.cacheTo()) {
      exporters.add(backends.exporter(s));
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

  /** Reads every {@code --cache-from}; the ones that fail are warnings. */
  List<ImportedCache> importAll() {
    List<ImportedCache> caches = new ArrayList<>();
    for (CacheImporter i : importers) {
      try {
        ImportedCache c = i.resolve(progress);
        if (!c.isEmpty()) {
          caches.add(c);
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

  /** Writes every {@code --cache-to}. */
  void exportAll(KilnState state, SolveResult solved) throws CliException {
    for (CacheExporter e : exporters) {
      try {
        CacheChains chains =
            CacheExportWalker.chains(solved.keys(), e.options(), state.resultLayers());
        e.export(chains, state.store(), progress);
      } catch (IOException | RuntimeException ex) {
        String reason = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        if (e.options().ignoreError()) {
          warnings.add("cache export to " + e.name() + " failed (ignore-error=true): " + reason);
        } else {
          throw new CliException(
              "exporting cache to "
                  + e.name()
                  + ": "
                  + reason
                  + " (add ignore-error=true to"
                  + " --cache-to to build anyway)",
              ex);
        }
      }
    }
  }

  /** Warnings to print once the progress display is done. */
  List<String> warnings() {
    return List.copyOf(warnings);
  }
}
