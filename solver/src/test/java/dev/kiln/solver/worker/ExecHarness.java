package dev.kiln.solver.worker;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.State;
import dev.kiln.core.port.LayerRequest;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveException;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import dev.kiln.solver.store.LocalContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Test helper for RUN through the real stack: one state directory holding a {@link
 * LocalContentStore}, a {@link LocalCacheManager} and a {@link LocalWorker} root, a busybox image
 * source, and a fresh {@link Scheduler} per solve (so a second solve sees only what the cache and
 * the snapshots kept).
 */
final class ExecHarness {

  private final Path state;
  private final BusyboxImage image;
  private final LocalContentStore store;
  private String snapshotter = "auto";
  private LayerRequest request = LayerRequest.DEFAULT;

  ExecHarness(Path state, BusyboxImage image) throws IOException {
    this.state = state;
    this.image = image;
    this.store = LocalContentStore.at(state.resolve("content"));
  }

  /** The busybox image as the base of a build. */
  static State busybox() {
    return State.image(BusyboxImage.REF, BusyboxImage.AMD64).named("busybox");
  }

  ExecHarness snapshotter(String name) {
    this.snapshotter = name;
    return this;
  }

  /** How {@link Solved#layers()} asks the worker for the output's layers. */
  ExecHarness layers(LayerRequest value) {
    this.request = value;
    return this;
  }

  Path workerRoot() {
    return state.resolve("worker");
  }

  /** runc's state directory of the worker's default executor. */
  Path runcRoot() {
    return workerRoot().resolve("exec/runc");
  }

  LocalWorker worker(ProgressListener progress) throws IOException {
    return LocalWorker.builder(workerRoot(), store)
        .images(image)
        .snapshotter(snapshotter)
        .progress(progress)
        .build();
  }

  /** Solves {@code def} with a new worker and scheduler; events and logs go to {@code events}. */
  Solved solve(Definition def, Events events) throws SolveException, Exception {
    LocalWorker worker = worker(events);
    try (LocalCacheManager cache = LocalCacheManager.open(state.resolve("cache"));
        Scheduler scheduler = new Scheduler(worker, cache, 4)) {
      SolveResult r = scheduler.solve(def, SolveOptions.DEFAULT.withProgress(events));
      return new Solved(worker, r, events, request);
    }
  }

  Solved solve(Definition def) throws Exception {
    return solve(def, new Events());
  }

  /** Applies {@code chain} from the content store into a new directory under {@code parent}. */
  Path applyAll(List<Descriptor> chain, Path parent) throws Exception {
    Path dir = Files.createTempDirectory(parent, "applied-");
    LayerApplier applier = new LayerApplier(LayerApplier.Options.detect());
    for (Descriptor d : chain) {
      try (InputStream in = store.open(d.digest())) {
        applier.apply(d.digest().toString(), in, dir, diffId(d));
      }
    }
    return dir;
  }

  /** The entry names of a gzip layer in the content store, in tar order. */
  List<String> entries(Descriptor layer) throws Exception {
    List<String> out = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new GZIPInputStream(store.open(layer.digest())))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        out.add(e.getName());
      }
    }
    return out;
  }

  static Digest diffId(Descriptor layer) {
    return Digest.parse(layer.annotation("containerd.io/uncompressed"));
  }

  /** One finished solve. */
  record Solved(LocalWorker worker, SolveResult result, Events events, LayerRequest request) {
    /** The layer chain of the first output, made by the worker, with diffID annotations. */
    List<Descriptor> layers() throws IOException {
      return worker.exportLayers(result.outputs().get(0), request).stream()
          .map(l -> l.blob().withAnnotation("containerd.io/uncompressed", l.diffId().toString()))
          .toList();
    }
  }
}
