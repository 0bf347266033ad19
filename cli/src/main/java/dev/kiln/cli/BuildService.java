package dev.kiln.cli;

import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportResult;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.ImageExporter;
import dev.kiln.frontend.dockerfile.DockerfileParseException;
import dev.kiln.frontend.dockerfile.convert.ConversionRequest;
import dev.kiln.frontend.dockerfile.convert.ConversionResult;
import dev.kiln.frontend.dockerfile.convert.DockerfileConverter;
import dev.kiln.frontend.dockerfile.dockerignore.Dockerignore;
import dev.kiln.image.RegistryClients;
import dev.kiln.image.export.ExportSpec;
import dev.kiln.image.export.ExportSpecException;
import dev.kiln.image.export.ImageExporters;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.Platform;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.scheduler.SolveException;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@code kiln build}: reads the Dockerfile and {@code .dockerignore}, converts them to a
 * build graph (resolving base image configs), solves it on the local worker with the persistent
 * cache under {@code --root}, then hands the result to each requested exporter. Every failure ends
 * as a {@link CliException} with one line naming the input. Not thread-safe; one build per
 * instance.
 */
final class BuildService {

  private final BuildRequest request;
  private final Invocation invocation;
  private final ProgressDisplay progress;
  private final RegistryClients clients;
  private final BuildImageSource images;
  private final ImageExporters exporters;

  @Inject
  BuildService(
      BuildRequest request,
      Invocation invocation,
      ProgressDisplay progress,
      RegistryClients clients,
      BuildImageSource images,
      ImageExporters exporters) {
    this.request = request;
    this.invocation = invocation;
    this.progress = progress;
    this.clients = clients;
    this.images = images;
    this.exporters = exporters;
  }

  /** Builds and exports; returns normally only when every output was written. */
  void build() throws CliException {
    boolean success = false;
    List<Outputs.Output> loads = new ArrayList<>();
    try (clients) {
      List<Outputs.Output> specs = Outputs.resolve(request, invocation.err());
      loads.addAll(specs);
      List<ImageExporter> outputs = new ArrayList<>();
      for (Outputs.Output o : specs) {
        try {
          outputs.add(exporters.create(o.spec()));
        } catch (ExportSpecException e) {
          cleanUp(specs);
          throw new CliException("--output " + o.typed() + ": " + e.getMessage(), e);
        }
      }
      long t0 = System.nanoTime();
      ConversionResult converted = convert();
      long t1 = System.nanoTime();
      try (KilnState state = KilnState.open(request, invocation, progress, images)) {
        long t2 = System.nanoTime();
        SolveResult solved = solve(state, converted);
        long t3 = System.nanoTime();
        CacheResult result = solved.outputs().get(0);
        List<ExportResult> written = export(state, converted, result, specs, outputs);
        if (request.debug()) {
          invocation
              .err()
              .printf(
                  "debug: JVM up %d ms before main; flags and wiring %d ms; convert %d ms, open"
                      + " state %d ms, solve %d ms (%d run, %d cached), export %d ms%n",
                  java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
                      - (System.nanoTime() - Main.STARTED) / 1_000_000,
                  (t0 - Main.STARTED) / 1_000_000,
                  (t1 - t0) / 1_000_000,
                  (t2 - t1) / 1_000_000,
                  (t3 - t2) / 1_000_000,
                  solved.executed(),
                  solved.cached(),
                  (System.nanoTime() - t3) / 1_000_000);
        }
        if (request.metadataFile() != null) {
          Metadata.write(request.metadataFile(), written);
        }
        imageId(written);
      }
      success = true;
    } finally {
      progress.finish(success);
      cleanUp(loads);
    }
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
            request.network());
    try {
      return DockerfileConverter.convert(conversion);
    } catch (DockerfileParseException e) {
      String where = request.dockerfileText() != null ? "<stdin>" : request.dockerfile().toString();
      throw new CliException(where + ":" + e.line() + ": " + e.detail(), e);
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
    Path file =
        Files.isRegularFile(specific) ? specific : request.context().resolve(".dockerignore");
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      return Dockerignore.readPatterns(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private SolveResult solve(KilnState state, ConversionResult converted) throws CliException {
    java.util.concurrent.CompletableFuture<SolveResult> solving =
        state
            .scheduler()
            .submit(
                converted.definition(),
                new SolveOptions(
                    request.noCache(), new HiddenSteps(progress, converted.definition())));
    // Ctrl-C (or SIGTERM): cancel the solve and wait for running steps to clean up (kill their
    // containers, unmount, delete temp dirs) before the JVM goes away.
    Thread onSignal =
        new Thread(
            () -> {
              if (!solving.isDone()) {
                invocation.err().println("kiln: interrupted; stopping running steps");
                solving.cancel(true);
                try {
                  state.scheduler().closeAndAwait(java.time.Duration.ofSeconds(20));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            "kiln-interrupt");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try {
      return solving.get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof SolveException se) {
        throw new CliException(oneLine(se), details(se), se);
      }
      throw new CliException("build failed: " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.CancellationException e) {
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

  private List<ExportResult> export(
      KilnState state,
      ConversionResult converted,
      CacheResult result,
      List<Outputs.Output> specs,
      List<ImageExporter> outputs)
      throws CliException {
    List<ExportLayer> layers = new ArrayList<>();
    for (Descriptor d : result.layers()) {
      String diffId = d.annotations().get(KilnState.UNCOMPRESSED);
      if (diffId == null) {
        throw new CliException("layer " + d.digest() + " has no diffID; rebuild with --no-cache");
      }
      // Internal annotations stay out of the manifest, as BuildKit strips them.
      Descriptor blob =
          new Descriptor(d.mediaType(), d.digest(), d.size(), d.urls(), null, null, null, null);
      layers.add(new ExportLayer(blob, Digest.parse(diffId), images.origin(d.digest())));
    }
    ExportableImage image =
        new ExportableImage(withLabels(converted.imageConfig()), layers, Map.of(), null);
    List<ExportResult> written = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      Outputs.Output output = specs.get(i);
      ExportSpec spec = output.spec();
      String name = "exporting to " + Outputs.describe(output);
      Digest step = Digests.sha256(name + "#" + i);
      progress.vertexStarted(step, name);
      try {
        ExportableImage target =
            "local".equals(spec.type()) ? image.withRootfs(state.rootfs(result)) : image;
        ExportResult r;
        try {
          r = outputs.get(i).export(target, state.store());
          if (output.loadFile() != null) {
            DockerLoad.load(output.loadFile(), progress, step);
          }
        } finally {
          if (output.loadFile() != null) {
            Files.deleteIfExists(output.loadFile());
          }
        }
        written.add(r);
        if (r.manifest() != null) {
          progress.log(
              step,
              dev.kiln.core.port.ProgressListener.LogStream.STDOUT,
              "manifest "
                  + r.manifest().digest()
                  + " config "
                  + r.config()
                  + (r.names().isEmpty() ? "" : " " + String.join(", ", r.names())));
        }
        progress.vertexCompleted(step, name);
      } catch (IOException e) {
        progress.vertexFailed(step, name, String.valueOf(e.getMessage()));
        // Exporter messages name their destination already.
        throw new CliException(String.valueOf(e.getMessage()), e);
      }
    }
    return written;
  }

  /** The image config with the {@code --label} values added (they win over LABEL). */
  private dev.kiln.oci.ImageConfig withLabels(dev.kiln.oci.ImageConfig config) {
    if (request.labels().isEmpty()) {
      return config;
    }
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    if (config.config() != null && config.config().labels() != null) {
      labels.putAll(config.config().labels());
    }
    labels.putAll(request.labels());
    dev.kiln.oci.ContainerConfig c =
        config.config() == null ? dev.kiln.oci.ContainerConfig.empty() : config.config();
    return config.withConfig(c.withLabels(labels));
  }

  /**
   * {@code -q} prints and {@code --iidfile} writes the image ID: the manifest digest of a pushed
   * image, else the config digest (docker's image ID), as buildx does.
   */
  private void imageId(List<ExportResult> written) throws CliException {
    if (!request.quiet() && request.iidFile() == null) {
      return;
    }
    String id = null;
    for (ExportResult r : written) {
      if (r.manifest() != null) {
        id = "image".equals(r.type()) ? r.manifest().digest().toString() : r.config().toString();
        break;
      }
    }
    if (id == null) {
      return;
    }
    if (request.quiet()) {
      invocation.out().println(id);
    }
    if (request.iidFile() != null) {
      try {
        Files.writeString(request.iidFile(), id);
      } catch (IOException e) {
        throw new CliException("--iidfile " + request.iidFile() + ": " + e.getMessage(), e);
      }
    }
  }

  private static void cleanUp(List<Outputs.Output> outputs) {
    for (Outputs.Output o : outputs) {
      if (o.loadFile() != null) {
        try {
          Files.deleteIfExists(o.loadFile());
        } catch (IOException e) {
          // A temp file; nothing else to do.
        }
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
    return message.lines().skip(1).collect(java.util.stream.Collectors.joining("\n"));
  }

  /** The solver's failure as one line: the failing step, then the root cause's message. */
  static String oneLine(SolveException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    String first = message.lines().findFirst().orElse(message);
    return "failed to solve: " + e.step() + ": " + first;
  }
}
