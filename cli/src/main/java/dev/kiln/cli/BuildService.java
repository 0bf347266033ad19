package dev.kiln.cli;

import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.core.cache.remote.ImportedCache;
import dev.kiln.core.pattern.IgnoreFile;
import dev.kiln.core.pattern.PatternException;
import dev.kiln.core.port.ExportResult;
import dev.kiln.core.port.ImageExporter;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.convert.ConversionRequest;
import dev.kiln.frontend.dockerfile.convert.ConversionResult;
import dev.kiln.frontend.dockerfile.convert.DockerfileConverter;
import dev.kiln.frontend.dockerfile.convert.NamedContext;
import dev.kiln.image.RegistryClients;
import dev.kiln.image.export.ExportSpecException;
import dev.kiln.image.export.ImageExporters;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import dev.kiln.solver.cache.BlobUnavailableException;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.remote.EagerExportLayers;
import dev.kiln.solver.scheduler.ResultListener;
import dev.kiln.solver.scheduler.SolveException;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * Runs one {@code kiln build}: reads the Dockerfile and {@code .dockerignore}, converts them to a
 * build graph (resolving base image configs), imports the {@code --cache-from} caches, solves it on
 * the local worker with the persistent cache under {@code --root} (and the imported ones), then
 * hands the result to each requested exporter and writes the {@code --cache-to} caches. Every
 * failure ends as a {@link CliException} with one line naming the input. Not thread-safe; one build
 * per instance.
 */
final class BuildService {

  private static final String DOCKER_IMAGE = "docker-image://";

  private final BuildRequest request;
  private final Invocation invocation;
  private final ProgressDisplay progress;
  private final RegistryClients clients;
  private final BuildImageSource images;
  private final ImageExporters exporters;
  private final CacheBackends cacheBackends;
  private final WorkerCompressor compressor;

  @Inject
  BuildService(
      BuildRequest request,
      Invocation invocation,
      ProgressDisplay progress,
      RegistryClients clients,
      BuildImageSource images,
      ImageExporters exporters,
      CacheBackends cacheBackends,
      WorkerCompressor compressor) {
    this.request = request;
    this.invocation = invocation;
    this.progress = progress;
    this.clients = clients;
    this.images = images;
    this.exporters = exporters;
    this.cacheBackends = cacheBackends;
    this.compressor = compressor;
  }

  /** Builds and exports; returns normally only when every output was written. */
  void build() throws CliException {
    boolean success = false;
    List<Outputs.Output> loads = new ArrayList<>();
    RemoteCaches caches = null;
    try (clients) {
      List<Outputs.Output> specs = Outputs.resolve(request, progress::notice);
      loads.addAll(specs);
      List<ImageExporter> outputs = new ArrayList<>();
      for (Outputs.Output o : specs) {
        try {
          outputs.add(exporters.create(o.spec()));
        } catch (ExportSpecException e) {
          ResultExporter.cleanUp(specs);
          throw new CliException("--output " + o.typed() + ": " + e.getMessage(), e);
        }
      }
      try {
        caches = new RemoteCaches(request, progress, cacheBackends);
        caches.checkAgainstPushes(specs);
        caches.checkEmbedding(specs);
      } catch (CliException e) {
        ResultExporter.cleanUp(specs);
        throw e;
      }
      long t0 = System.nanoTime();
      ConversionResult converted = convert();
      List<ImportedCache> imported = caches.importAll();
      long t1 = System.nanoTime();
      try (KilnState state =
              KilnState.open(request, invocation, progress, images, imported, compressor);
          EagerExportLayers eager = caches.eager(state)) {
        long t2 = System.nanoTime();
        SolveResult solved = solve(state, converted, eager);
        long t3 = System.nanoTime();
        ResultExporter exporter = new ResultExporter(request, invocation, progress, images);
        List<ExportResult> written;
        for (int attempt = 1; ; attempt++) {
          CacheResult result = solved.outputs().get(0);
          SolveResult current = solved;
          RemoteCaches inline = caches;
          try {
            written =
                exporter.export(
                    state,
                    converted.imageConfig(),
                    result,
                    specs,
                    outputs,
                    (layers, want) ->
                        inline.embed(state, current, layers, want, request.sourceDateEpoch()));
            break;
          } catch (CliException e) {
            // A lazily imported layer an output needs cannot be fetched (deleted, corrupt,
            // unreachable): forget the results that need it and run the steps that made them.
            BlobUnavailableException gone = BlobUnavailableException.find(e);
            if (gone == null || attempt > MAX_BLOB_RETRIES) {
              throw e;
            }
            forget(state, gone);
            solved = solve(state, converted, eager);
          }
        }
        eager.handOver();
        caches.exportAll(state, solved);
        if (request.debug()) {
          progress.notice(
              String.format(
                  "debug: JVM up %d ms before main; flags and wiring %d ms; convert %d ms, open"
                      + " state %d ms, solve %d ms (%d run, %d cached), export %d ms",
                  ManagementFactory.getRuntimeMXBean().getUptime()
                      - (System.nanoTime() - Main.STARTED) / 1_000_000,
                  (t0 - Main.STARTED) / 1_000_000,
                  (t1 - t0) / 1_000_000,
                  (t2 - t1) / 1_000_000,
                  (t3 - t2) / 1_000_000,
                  solved.executed(),
                  solved.cached(),
                  (System.nanoTime() - t3) / 1_000_000));
        }
        if (request.metadataFile() != null) {
          Metadata.write(request.metadataFile(), written);
        }
        exporter.imageId(written);
      }
      success = true;
    } finally {
      progress.finish(success);
      ResultExporter.cleanUp(loads);
      if (caches != null) {
        caches.warnings().forEach(w -> progress.notice("WARNING: " + w));
      }
    }
  }

  /** How often a build re-solves after imported blobs an output needed could not be fetched. */
  private static final int MAX_BLOB_RETRIES = 3;

  private void forget(KilnState state, BlobUnavailableException gone) throws CliException {
    try {
      state.dropBlob(gone.digest());
    } catch (IOException e) {
      throw new CliException("updating the build cache: " + e.getMessage(), e);
    }
    String name = "cache blob " + gone.digest() + " cannot be fetched; running its steps";
    Digest step = Digests.sha256(name);
    progress.vertexStarted(step, name);
    progress.log(step, ProgressListener.LogStream.STDERR, "WARNING: " + gone.getMessage());
    progress.vertexCompleted(step, name);
  }

  private ConversionResult convert() throws CliException {
    String name = "[internal] load build definition from " + request.dockerfile().getFileName();
    Digest step = Digests.sha256(name);
    progress.vertexStarted(step, name);
    String text = readDockerfile();
    List<String> excludes = readDockerignore();
    progress.vertexCompleted(step, name);
    ConversionRequest conversion =
        new ConversionRequest(
            request.dockerfile().getFileName().toString(),
            text,
            request.buildArgs(),
            request.target(),
            excludes,
            Platform.current(),
            images::config,
            ConversionRequest.DEFAULT_CONTEXT_NAME,
            request.network(),
            request.extraHosts(),
            namedContexts(),
            // under BuildKit v0.11's keys, build what v0.11 builds, so a shared key is the same
            // result
            request.cacheKeys().equals("buildkit-v0.11")
                ? ConversionRequest.INLINE_DOCUMENT_MODE_V0_11
                : ConversionRequest.INLINE_DOCUMENT_MODE);
    try {
      return DockerfileConverter.convert(conversion);
    } catch (DockerfileParseException e) {
      String where = request.dockerfileText() != null ? "<stdin>" : request.dockerfile().toString();
      // a problem without a line (an unknown --target) names the file only, as BuildKit does
      String line = e.line() > 0 ? ":" + e.line() : "";
      throw new CliException(where + line + ": " + e.detail(), e);
    }
  }

  private String readDockerfile() throws CliException {
    if (request.dockerfileText() != null) {
      return request.dockerfileText();
    }
    Path file = request.dockerfile();
    try {
      if (Files.size(file) > 16L << 20) {
        throw new CliException("Dockerfile " + file + " is larger than 16 MiB; is -f right?");
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException(
          "Dockerfile " + file + " not found; add it to the build context or pass -f FILE", e);
    } catch (MalformedInputException e) {
      throw new CliException("Dockerfile " + file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new CliException("cannot read Dockerfile " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code <Dockerfile>.dockerignore} next to the Dockerfile wins over the context's one. */
  private List<String> readDockerignore() throws CliException {
    Path specific =
        request.dockerfile().resolveSibling(request.dockerfile().getFileName() + ".dockerignore");
    return patterns(
        Files.isRegularFile(specific) ? specific : request.context().resolve(".dockerignore"));
  }

  /**
   * The {@code --build-context} values for the frontend: a directory becomes a local source of the
   * context's name filtered by its own {@code .dockerignore} (as BuildKit's {@code local:} named
   * context); images keep their reference.
   */
  private Map<String, NamedContext> namedContexts() throws CliException {
    Map<String, NamedContext> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> c : request.buildContexts().entrySet()) {
      String v = c.getValue();
      if (v.startsWith(DOCKER_IMAGE)) {
        out.put(c.getKey(), new NamedContext.Image(v.substring(DOCKER_IMAGE.length())));
      } else if (v.startsWith("oci-layout://")) {
        out.put(c.getKey(), new NamedContext.Image(v));
      } else {
        out.put(
            c.getKey(),
            new NamedContext.Local(c.getKey(), patterns(Path.of(v).resolve(".dockerignore"))));
      }
    }
    return out;
  }

  /** The patterns of a {@code .dockerignore} file; none when it does not exist. */
  private static List<String> patterns(Path file) throws CliException {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      return IgnoreFile.read(Files.readString(file, StandardCharsets.UTF_8));
    } catch (PatternException e) {
      throw new CliException(file + ":" + e.line() + ": " + e.detail(), e);
    } catch (MalformedInputException e) {
      throw new CliException(file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private SolveResult solve(KilnState state, ConversionResult converted, ResultListener results)
      throws CliException {
    CompletableFuture<SolveResult> solving =
        state
            .scheduler()
            .submit(
                converted.definition(),
                SolveOptions.DEFAULT
                    .withNoCache(request.noCache())
                    .withProgress(new HiddenSteps(progress, converted.definition()))
                    .withResults(results));
    // Ctrl-C (or SIGTERM): cancel the solve and wait for running steps to clean up (kill their
    // containers, unmount, delete temp dirs) before the JVM goes away.
    Thread onSignal =
        new Thread(
            () -> {
              if (!solving.isDone()) {
                progress.notice("kiln: interrupted; stopping running steps");
                solving.cancel(true);
                try {
                  state.scheduler().closeAndAwait(Duration.ofSeconds(20));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            "kiln-interrupt");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      return solving.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SolveException se) {
        throw new CliException(oneLine(se), details(se), se);
      }
      throw new CliException("build failed: " + e.getCause(), e.getCause());
    } catch (CancellationException e) {
      throw new CliException("build cancelled", e);
    } catch (InterruptedException e) {
      solving.cancel(true);
      Thread.currentThread().interrupt();
      throw new CliException("build interrupted", e);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook is running.
      }
    }
  }

  /** The lines after the first of the failure's message (e.g. a RUN's last output), or null. */
  static String details(SolveException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    String message = cause.getMessage();
    if (message == null || message.lines().count() < 2) {
      return null;
    }
    return message.lines().skip(1).collect(Collectors.joining("\n"));
  }

  /** The solver's failure as one line: the failing step, then the root cause's message. */
  static String oneLine(SolveException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    String first = message.lines().findFirst().orElse(message);
    return "failed to solve: " + e.step() + ": " + first;
  }
}
