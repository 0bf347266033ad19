package dev.kiln.solver.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.core.port.ImageSource;
import dev.kiln.core.port.ProgressListener;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Platform;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.cache.LocalCacheManager;
import dev.kiln.solver.exec.RuncExecutor;
import dev.kiln.solver.layer.DirectoryWalker;
import dev.kiln.solver.layer.LayerApplier;
import dev.kiln.solver.layer.LayerBlob;
import dev.kiln.solver.layer.LayerWriter;
import dev.kiln.solver.scheduler.Scheduler;
import dev.kiln.solver.scheduler.SolveException;
import dev.kiln.solver.scheduler.SolveOptions;
import dev.kiln.solver.scheduler.SolveResult;
import dev.kiln.solver.store.LocalContentStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalWorkerTest {

  private static final Platform AMD64 = Platform.of("linux", "amd64");

  @TempDir Path tmp;
  private final List<LocalWorker> workers = new java.util.ArrayList<>();
  private Path state;
  private Path ctx;
  private LocalContentStore store;

  @BeforeEach
  void setUp() throws IOException {
    state = tmp.resolve("state");
    ctx = Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(ctx.resolve("a.txt"), "alpha\n");
    Files.createDirectories(ctx.resolve("sub"));
    Files.writeString(ctx.resolve("sub/b.txt"), "bravo\n");
    Files.writeString(ctx.resolve("sub/x.log"), "excluded\n");
    Files.writeString(ctx.resolve("top.log"), "excluded\n");
    store = LocalContentStore.at(state.resolve("content"));
  }

  /** scratch → mkdir/mkfile → COPY a.txt → COPY sub (from a context excluding logs) → merge. */
  private static Definition graph() {
    State context =
        State.local(new LocalOp("context", List.of(), List.of("**.log"), "")).named("context");
    State base =
        State.scratch()
            .file(FileStep.mkdir("/app", 0755), FileStep.mkfile("/app/hello.txt", 0644, "hi\n"))
            .named("base");
    State withA = base.file(FileStep.copy(context, "/a.txt", "/app/")).named("COPY a.txt");
    State withSub = withA.file(FileStep.copy(context, "/sub", "/app/sub")).named("COPY sub");
    State motd =
        State.scratch()
            .file(FileStep.mkdir("/etc", 0755), FileStep.mkfile("/etc/motd", 0644, "welcome\n"))
            .named("motd");
    return State.merge(List.of(withSub, motd)).named("merge").definition();
  }

  @Test
  void solve_fileCopyMerge_snapshotMatchesItsLayers() throws Exception {
    Solved run = solve(graph());

    assertThat(run.result.executed()).isEqualTo(7);
    CacheResult out = run.result.outputs().get(0);
    Path rootfs = run.worker.snapshot(out);
    assertThat(Trees.fingerprint(rootfs))
        .containsOnlyKeys(
            "app", "app/hello.txt", "app/a.txt", "app/sub", "app/sub/b.txt", "etc", "etc/motd");
    assertThat(Files.readString(rootfs.resolve("app/sub/b.txt"))).isEqualTo("bravo\n");
    try (SnapshotView view = run.worker.view(out)) {
      assertThat(Trees.fingerprint(view.root())).isEqualTo(Trees.fingerprint(rootfs));
    }
    // base, COPY a.txt, COPY sub, then motd: the merge stacks both chains.
    List<Descriptor> layers = layers(run.worker, out);
    assertThat(layers).hasSize(4);
    assertThat(Trees.fingerprint(applyAll(layers))).isEqualTo(Trees.fingerprint(rootfs));
  }

  @Test
  void solve_noOutputAsksForLayers_writesNoBlob() throws Exception {
    solve(graph());

    assertThat(blobCount()).isZero();
  }

  @Test
  void solve_secondTimeWithFreshScheduler_runsNothingAndResolves() throws Exception {
    Solved first = solve(graph());
    Solved second = solve(graph());

    assertThat(second.result.executed()).isZero();
    assertThat(second.result.outputs()).isEqualTo(first.result.outputs());
    assertThat(Trees.fingerprint(second.worker.snapshot(second.result.outputs().get(0))))
        .isEqualTo(Trees.fingerprint(first.worker.snapshot(first.result.outputs().get(0))));
  }

  @Test
  void solve_oneContextFileChanged_rerunsOnlyTheCopyReadingIt() throws Exception {
    solve(graph());
    Files.writeString(ctx.resolve("sub/b.txt"), "bravo two\n");

    Solved second = solve(graph());

    assertThat(second.progress.completed).containsOnly("context", "COPY sub", "merge");
    Path rootfs = second.worker.snapshot(second.result.outputs().get(0));
    assertThat(Files.readString(rootfs.resolve("app/sub/b.txt"))).isEqualTo("bravo two\n");
  }

  @Test
  void solve_contextMtimesTouched_rerunsNothing() throws Exception {
    solve(graph());
    FileTime later = FileTime.fromMillis(System.currentTimeMillis() + 3_600_000);
    Files.setLastModifiedTime(ctx.resolve("a.txt"), later);
    Files.setLastModifiedTime(ctx.resolve("sub/b.txt"), later);

    assertThat(solve(graph()).result.executed()).isZero();
  }

  @Test
  void snapshot_deletedAfterAnExport_isRebuiltFromTheExportedLayers() throws Exception {
    Solved run = solve(graph());
    CacheResult out = run.result.outputs().get(0);
    Map<String, String> before = Trees.fingerprint(run.worker.snapshot(out));
    try (LocalCacheManager cache = LocalCacheManager.open(state.resolve("cache"))) {
      LocalWorker exporter = track(builder().cache(cache).build());
      exporter.exportLayers(out);
    }
    SnapshotStore.deleteTree(state.resolve("worker/snapshots"));

    Solved again = solve(graph());

    assertThat(again.result.executed()).isZero();
    CacheResult rebuilt = again.result.outputs().get(0);
    assertThat(rebuilt.layers()).hasSize(4);
    assertThat(Trees.fingerprint(again.worker.snapshot(rebuilt))).isEqualTo(before);
  }

  @Test
  void snapshot_deletedNeverExported_failsSayingToRebuildWithoutCache() throws Exception {
    solve(graph());
    SnapshotStore.deleteTree(state.resolve("worker/snapshots"));

    Solved again = solve(graph());

    assertThatThrownBy(() -> again.worker.snapshot(again.result.outputs().get(0)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("never exported")
        .hasMessageEndingWith("run the build with --no-cache");
  }

  @Test
  void solve_imageBase_appliesItAndReusesItsLayerDescriptors() throws Exception {
    Files.createDirectories(tmp.resolve("image/etc"));
    Path base = Files.createDirectories(tmp.resolve("image/bin"));
    Files.writeString(base.resolve("tool"), "#!/bin/sh\necho tool\n");
    base.resolve("tool").toFile().setExecutable(true, false);
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults())
            .write(DirectoryWalker.of(tmp.resolve("image")), tmp.resolve("blobs"));
    Descriptor layer = Descriptor.of(blob.mediaType(), blob.digest(), blob.size());
    OneLayerImages images = new OneLayerImages(blob, layer);
    Definition def =
        State.image("example.com/base:1", AMD64)
            .file(FileStep.mkfile("/etc/hostname", 0644, "kiln\n"))
            .named("hostname")
            .definition();

    Solved run = solve(def, images);

    CacheResult out = run.result.outputs().get(0);
    List<Descriptor> layers = layers(run.worker, out);
    assertThat(layers).hasSize(2);
    Descriptor reused = layers.get(0);
    assertThat(reused.digest()).isEqualTo(blob.digest());
    assertThat(reused.mediaType()).isEqualTo(blob.mediaType());
    assertThat(reused.size()).isEqualTo(blob.size());
    assertThat(reused.annotation("containerd.io/uncompressed")).isEqualTo(blob.diffId().toString());
    assertThat(store.contains(blob.digest())).isTrue();
    Path rootfs = run.worker.snapshot(out);
    assertThat(Files.readString(rootfs.resolve("bin/tool"))).isEqualTo("#!/bin/sh\necho tool\n");
    assertThat(Files.readString(rootfs.resolve("etc/hostname"))).isEqualTo("kiln\n");
    assertThat(run.progress.bytes).containsEntry(blob.digest().toString(), blob.size());
    assertThat(Trees.fingerprint(applyAll(layers))).isEqualTo(Trees.fingerprint(rootfs));
  }

  @Test
  void solve_imageOnly_keepsItsDescriptorsAndDownloadsNothing() throws Exception {
    LayerBlob blob =
        new LayerWriter(LayerWriter.Options.defaults())
            .write(DirectoryWalker.of(Files.createDirectories(tmp.resolve("image/etc"))), tmp);
    Descriptor layer = Descriptor.of(blob.mediaType(), blob.digest(), blob.size());
    Definition def = State.image("example.com/base:1", AMD64).named("base").definition();

    Solved run = solve(def, new OneLayerImages(blob, layer));

    CacheResult out = run.result.outputs().get(0);
    assertThat(out.snapshotId()).isEmpty();
    assertThat(out.layers())
        .singleElement()
        .extracting(Descriptor::digest)
        .isEqualTo(blob.digest());
    assertThat(store.contains(blob.digest())).isFalse();
    assertThat(run.progress.bytes).isEmpty();
    assertThat(run.worker.exportLayers(out))
        .singleElement()
        .satisfies(l -> assertThat(l.diffId()).isEqualTo(blob.diffId()));
    assertThat(store.contains(blob.digest())).isFalse();
  }

  @Test
  void solve_unprivilegedWorker_keepsOciWhiteoutsAndItsLayersApplyToItsTree() throws Exception {
    Definition def =
        State.scratch()
            .file(
                FileStep.mkdir("/app/d", 0755),
                FileStep.mkfile("/app/a", 0644, "a\n"),
                FileStep.mkfile("/app/b", 0644, "b\n"),
                FileStep.mkfile("/app/d/x", 0644, "x\n"))
            .named("create")
            .file(
                FileStep.rm("/app/b"),
                FileStep.rm("/app/d"),
                FileStep.mkdir("/app/d", 0700),
                FileStep.mkfile("/app/d/y", 0644, "y\n"))
            .named("replace")
            .definition();
    LocalWorker worker = track(builder().privileged(false).build());

    CacheResult out;
    try (LocalCacheManager cache = LocalCacheManager.open(state.resolve("cache"));
        Scheduler scheduler = new Scheduler(worker, cache)) {
      out = scheduler.solve(def, SolveOptions.DEFAULT).outputs().get(0);
    }

    Path rootfs = worker.snapshot(out);
    assertThat(Trees.fingerprint(rootfs)).containsOnlyKeys("app", "app/a", "app/d", "app/d/y");
    List<Descriptor> layers = layers(worker, out);
    assertThat(entries(layers.get(1)))
        .containsExactly("app/", "app/.wh.b", "app/d/", "app/d/.wh.x", "app/d/y");
    assertThat(Trees.fingerprint(applyAll(layers))).isEqualTo(Trees.fingerprint(rootfs));
  }

  private List<String> entries(Descriptor layer) throws IOException {
    List<String> out = new java.util.ArrayList<>();
    try (InputStream in = store.open(layer.digest());
        var tar =
            new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.util.zip.GZIPInputStream(in))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        out.add(e.getName());
      }
    }
    return out;
  }

  @Test
  void solve_execOpWithoutRunc_failsNamingTheStepAndWhatToInstall() throws Exception {
    Definition def = State.scratch().run(Run.of("make")).named("RUN make").root().definition();
    LocalWorker worker =
        track(
            LocalWorker.builder(state.resolve("worker"), store)
                .executor(new RuncExecutor(state.resolve("exec"), Optional.empty()))
                .build());

    try (LocalCacheManager cache = LocalCacheManager.open(state.resolve("cache"));
        Scheduler scheduler = new Scheduler(worker, cache)) {
      assertThatThrownBy(() -> scheduler.solve(def, SolveOptions.DEFAULT))
          .isInstanceOf(SolveException.class)
          .hasMessageContaining("RUN make")
          .hasMessageContaining("RUN needs the runc executor: install the Debian package runc");
    }
  }

  @Test
  void solve_emptyDiff_addsTheEmptyTarLayer() throws Exception {
    Definition def =
        State.scratch()
            .file(FileStep.mkdir("/app", 0755))
            .file(FileStep.mkdir("/app", 0755))
            .definition();

    Solved run = solve(def);

    List<Descriptor> layers = layers(run.worker, run.result.outputs().get(0));
    assertThat(layers).hasSize(2);
    // sha256 of 1024 zero bytes: the empty tar Go and BuildKit write for an unchanged tree.
    assertThat(layers.get(1).annotation("containerd.io/uncompressed"))
        .isEqualTo("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");
  }

  @Test
  void solve_twoEqualLayersInOneExport_storedOnceBothListed() throws Exception {
    // two WORKDIRs of an existing directory: equal empty layers, one blob file in one batch
    Definition def =
        State.scratch()
            .file(FileStep.mkdir("/app", 0755))
            .file(FileStep.mkdir("/app", 0755))
            .file(FileStep.mkdir("/app", 0755))
            .definition();

    Solved run = solve(def);

    List<Descriptor> layers = layers(run.worker, run.result.outputs().get(0));
    assertThat(layers).hasSize(3);
    assertThat(layers.get(2).digest()).isEqualTo(layers.get(1).digest());
    assertThat(store.contains(layers.get(2).digest())).isTrue();
    assertThat(blobCount()).isEqualTo(2);
  }

  /** The result's layers made by the worker, as descriptors with their diffID annotation. */
  private static List<Descriptor> layers(LocalWorker worker, CacheResult out) throws IOException {
    return worker.exportLayers(out).stream()
        .map(l -> l.blob().withAnnotation("containerd.io/uncompressed", l.diffId().toString()))
        .toList();
  }

  private long blobCount() throws IOException {
    Path blobs = state.resolve("content/blobs/sha256");
    if (!Files.isDirectory(blobs)) {
      return 0;
    }
    try (var s = Files.list(blobs)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    }
  }

  private Path applyAll(List<Descriptor> layers) throws Exception {
    Path dir = Files.createTempDirectory(tmp, "applied-");
    LayerApplier applier = new LayerApplier(LayerApplier.Options.detect());
    for (Descriptor d : layers) {
      try (InputStream in = store.open(d.digest())) {
        applier.apply(
            d.digest().toString(),
            in,
            dir,
            Digest.parse(d.annotation("containerd.io/uncompressed")));
      }
    }
    return dir;
  }

  private Solved solve(Definition def) throws Exception {
    return solve(def, null);
  }

  private LocalWorker.Builder builder() {
    return LocalWorker.builder(state.resolve("worker"), store).local("context", ctx);
  }

  private LocalWorker track(LocalWorker worker) {
    workers.add(worker);
    return worker;
  }

  @AfterEach
  void closeWorkers() throws Exception {
    for (LocalWorker w : workers) {
      w.close();
    }
  }

  private Solved solve(Definition def, ImageSource images) throws Exception {
    Recorder progress = new Recorder();
    LocalWorker.Builder b = builder().progress(progress);
    if (images != null) {
      b.images(images);
    }
    LocalWorker worker = track(b.build());
    try (LocalCacheManager cache = LocalCacheManager.open(state.resolve("cache"));
        Scheduler scheduler = new Scheduler(worker, cache)) {
      SolveResult r = scheduler.solve(def, SolveOptions.DEFAULT.withProgress(progress));
      return new Solved(worker, r, progress);
    }
  }

  private record Solved(LocalWorker worker, SolveResult result, Recorder progress) {}

  private static final class Recorder implements ProgressListener {
    final Set<String> completed = ConcurrentHashMap.newKeySet();
    final Map<String, Long> bytes = new ConcurrentHashMap<>();

    @Override
    public void vertexCompleted(Digest vertex, String name) {
      completed.add(name);
    }

    @Override
    public void bytes(Digest vertex, String id, long current, long total) {
      bytes.put(id, current);
    }
  }
}
