package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import dev.kiln.core.port.ExportLayer;
import dev.kiln.core.port.ExportResult;
import dev.kiln.core.port.ExportableImage;
import dev.kiln.image.RegistryClients;
import dev.kiln.image.export.ExportSpec;
import dev.kiln.image.export.ImageExporters;
import dev.kiln.oci.ImageConfig;
import dev.kiln.oci.Platform;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.store.LocalContentStore;
import dev.kiln.solver.worker.LocalWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Embedding kiln" example, compiled and run: an image built from Java without a
 * Dockerfile, written as an OCI layout tar. Keep the two in step.
 */
class EmbeddingExampleTest {

  @TempDir Path tmp;

  @Test
  void buildAnImageFromJava_writesAnOciTar() throws Exception {
    Path context = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(context.resolve("index.html"), "<h1>hi</h1>\n");
    Path state = tmp.resolve("state");
    Path out = tmp.resolve("site.tar");

    // --- README example starts here ---
    State site =
        State.scratch()
            .file(FileStep.mkdir("/srv", 0755))
            .file(FileStep.copy(State.local("context"), "/index.html", "/srv/index.html"))
            .file(FileStep.mkfile("/srv/VERSION", 0644, "1.0\n"));

    LocalContentStore store = LocalContentStore.at(state.resolve("content"));
    LocalWorker worker =
        LocalWorker.builder(state.resolve("worker"), store).local("context", context).build();
    CacheResult result;
    try (LocalCacheManager cache = LocalCacheManager.open(state.resolve("cache"));
        Scheduler scheduler = new Scheduler(worker, cache)) {
      result = scheduler.solve(site.definition(), SolveOptions.DEFAULT).outputs().get(0);
    }
    List<ExportLayer> layers = worker.exportLayers(result);
    ImageConfig config = ImageConfig.of(Platform.current());
    ExportResult written;
    try (RegistryClients clients = new RegistryClients(host -> Optional.empty(), Set.of())) {
      written =
          new ImageExporters(clients, null)
              .create(ExportSpec.parse("type=oci,dest=" + out + ",name=example/site:1"))
              .export(ExportableImage.of(config, layers), store);
    }
    // --- README example ends here ---

    assertThat(out).isRegularFile();
    assertThat(written.manifest().digest().toString()).startsWith("sha256:");
    assertThat(worker.snapshot(result).resolve("srv/index.html")).hasContent("<h1>hi</h1>");
    assertThat(layers).hasSize(3).allSatisfy(l -> assertThat(l.blob().annotations()).isEmpty());
  }
}
