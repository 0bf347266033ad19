package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.core.cache.remote.CacheAnnotations;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportResult;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.core.port.ImageExporter;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.image.export.ExportSpec;
import dev.kiln.image.export.OutputFiles;
import dev.kiln.oci.ContainerConfig;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.ImageConfig;
import dev.kiln.solver.cache.CacheResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a build: turns the solved result into an {@link ExportableImage} (layers with their
 * diffIDs and origins — base-image and imported-cache repositories — {@code --label}s added), hands
 * it to each output, loads {@code --load} archives into docker, and prints or writes the image ID
 * ({@code -q}, {@code --iidfile}). Not thread-safe; one per build.
 */
final class ResultExporter {

  private final BuildRequest request;
  private final Invocation invocation;
  private final ProgressDisplay progress;
  private final BuildImageSource images;

  ResultExporter(
      BuildRequest request,
      Invocation invocation,
      ProgressDisplay progress,
      BuildImageSource images) {
    this.request = request;
    this.invocation = invocation;
    this.progress = progress;
    this.images = images;
  }

  /** Top-level image config fields that depend on the image's layers (the inline cache). */
  @FunctionalInterface
  interface ConfigFields {
    /**
     * Field name → JSON string value for an image with {@code layers} (made as {@code request}
     * asks); empty for none.
     */
    Map<String, String> of(List<ExportLayer> layers, LayerRequest request) throws CliException;
  }

  /**
   * Exports {@code result} with {@code config} plus {@code fields} to every output, each as an
   * "exporting to" step.
   */
  List<ExportResult> export(
      KilnState state,
      ImageConfig imageConfig,
      CacheResult result,
      List<Outputs.Output> specs,
      List<ImageExporter> outputs,
      ConfigFields fields)
      throws CliException {
    ImageConfig config = withLabels(imageConfig);
    // Each layer is made once per variant; outputs asking the same share the image.
    Map<LayerRequest, ExportableImage> imagesBy = new HashMap<>();
    List<ExportResult> written = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      Outputs.Output output = specs.get(i);
      ExportSpec spec = output.spec();
      String name = "exporting to " + Outputs.describe(output);
      Digest step = Digests.sha256(name + "#" + i);
      progress.vertexStarted(step, name);
      try {
        ImageExporter exporter = outputs.get(i);
        ExportableImage image;
        if (exporter.needsLayers()) {
          LayerRequest want = exporter.layerRequest();
          image = imagesBy.get(want);
          if (image == null) {
            image = image(state, result, config, want, fields);
            imagesBy.put(want, image);
          }
        } else {
          image = new ExportableImage(config, List.of(), Map.of(), null);
        }
        ExportableImage target =
            "local".equals(spec.type()) ? image.withRootfs(state.rootfs(result)) : image;
        ExportResult r;
        try {
          r = exporter.export(target, state.store());
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
              ProgressListener.LogStream.STDOUT,
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

  /**
   * The image of {@code result} with its layers as {@code want} asks (made now unless an earlier
   * export made them) and the config fields that depend on them.
   */
  private ExportableImage image(
      KilnState state,
      CacheResult result,
      ImageConfig config,
      LayerRequest want,
      ConfigFields fields)
      throws IOException, CliException {
    List<ExportLayer> layers = new ArrayList<>();
    List<ExportLayer> made = state.exportLayers(result, want);
    for (int i = 0; i < made.size(); i++) {
      ExportLayer l = made.get(i);
      // A base image layer may be mounted from the repository it was pulled from, a layer of an
      // imported cache from the cache's repository (it may never have been downloaded).
      String origin = images.origin(l.blob().digest());
      if (origin == null && i < result.layers().size()) {
        origin = CacheAnnotations.origin(result.layers().get(i));
      }
      layers.add(new ExportLayer(l.blob(), l.diffId(), origin));
    }
    for (Map.Entry<String, String> f : fields.of(layers, want).entrySet()) {
      config = config.withExtra(f.getKey(), TextNode.valueOf(f.getValue()));
    }
    return new ExportableImage(config, layers, Map.of(), null);
  }

  /** The image config with the {@code --label} values added (they win over LABEL). */
  private ImageConfig withLabels(ImageConfig config) {
    if (request.labels().isEmpty()) {
      return config;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (config.config() != null && config.config().labels() != null) {
      labels.putAll(config.config().labels());
    }
    labels.putAll(request.labels());
    ContainerConfig c = config.config() == null ? ContainerConfig.empty() : config.config();
    return config.withConfig(c.withLabels(labels));
  }

  /**
   * {@code -q} prints and {@code --iidfile} writes the image ID: the manifest digest of a pushed
   * image, else the config digest (docker's image ID), as buildx does.
   */
  void imageId(List<ExportResult> written) throws CliException {
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
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        OutputFiles.write(request.iidFile(), out -> out.write(bytes));
      } catch (IOException e) {
        throw new CliException("--iidfile " + request.iidFile() + ": " + e.getMessage(), e);
      }
    }
  }

  /** Deletes the temporary archives of {@code --load} outputs. */
  static void cleanUp(List<Outputs.Output> outputs) {
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
}
