package dev.kiln.solver.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.cache.remote.CacheConfig;
import dev.kiln.core.cache.remote.CacheConfigCodec;
import dev.kiln.core.cache.remote.MarshalledCache;
import dev.kiln.core.cache.remote.SharedVectors;
import dev.kiln.core.graph.Definition;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.State;
import dev.kiln.core.graph.Vertex;
import dev.kiln.core.port.CacheExportMode;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Platform;
import dev.kiln.solver.cache.CacheResult;
import dev.kiln.solver.scheduler.SolveResult;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export → import through the real cache format on fresh machines, with the toy worker: the shape
 * of the BuildKit v0.11 vectors' workload (a builder stage with WORKDIR and three RUNs, a second
 * stage with a COPY from the context and a RUN, a final stage with COPYs from the context and both
 * stages, then a RUN).
 */
class RemoteCacheSolveTest {

  @TempDir Path dir;

  private static final Map<String, String> V1 =
      Map.of("/app.conf", "port=80", "/motd.txt", "hello motd", "/hello.txt", "hello");

  /** The vectors' Dockerfile as a graph. */
  private static final class Workload {
    final State base = State.image("127.0.0.1:5050/base/busybox:1", Platform.of("linux", "amd64"));
    final State ctx = State.local("context");
    final State workdir = base.file(FileStep.mkdir("/src", 0755));
    final State run1 = workdir.run("sh", "-c", "dd if=/dev/urandom of=/src/random.bin");
    final State run2 = run1.run("sh", "-c", "seq 1 400000 > /src/numbers.txt");
    final State run3 = run2.run("sh", "-c", "sha256sum /src/* > /src/SHA256SUMS");
    final State copyConf = base.file(FileStep.copy(ctx, "/app.conf", "/etc/app/app.conf"));
    final State runSecond = copyConf.run("sh", "-c", "mkdir -p /opt/second");
    final State copyMotd = base.file(FileStep.copy(ctx, "/motd.txt", "/etc/motd"));
    final State copyData = copyMotd.file(FileStep.copy(run3, "/src/", "/data/"));
    final State copySecond = copyData.file(FileStep.copy(runSecond, "/opt/second/", "/opt/"));
    final State copyHello = copySecond.file(FileStep.copy(ctx, "/hello.txt", "/hello.txt"));
    final State last = copyHello.run("sh", "-c", "ls -l /data /opt/second > /listing.txt");
    final Definition def = last.definition();

    List<State> finalStage() {
      return List.of(copyMotd, copyData, copySecond, copyHello, last);
    }

    List<State> otherStages() {
      return List.of(workdir, run1, run2, run3, copyConf, runSecond);
    }
  }

  private static Vertex v(State s) {
    return s.output().vertex();
  }

  private static Map<String, String> with(String path, String text) {
    Map<String, String> m = new HashMap<>(V1);
    m.put(path, text);
    return m;
  }

  private CacheMachine machine(String name) throws Exception {
    return new CacheMachine(dir.resolve(name));
  }

  /** Cold build on machine "a" exported with {@code mode}, served from a's store. */
  private CacheMachine.Remote coldExport(Workload w, CacheExportMode mode) throws Exception {
    return coldExport(w, mode, "a");
  }

  private CacheMachine.Remote coldExport(Workload w, CacheExportMode mode, String name)
      throws Exception {
    CacheMachine a = machine(name);
    SolveResult r = a.solve(w.def, V1);
    return new CacheMachine.Remote("cache " + mode, CacheMachine.export(r, mode), a.store);
  }

  private static long recordsWithResults(CacheConfig c) {
    return c.records().stream().filter(r -> !r.results().isEmpty()).count();
  }

  @Test
  void importMax_freshMachine_everyStepHitsNothingRunsNothingDownloaded() throws Exception {
    Workload w = new Workload();
    CacheMachine.Remote remote = coldExport(w, CacheExportMode.MAX);
    CacheMachine b = machine("b");

    SolveResult r = b.solve(w.def, V1, remote);

    assertThat(b.runner.stepRuns()).isZero();
    assertThat(b.runner.runs(v(w.base))).isZero();
    assertThat(r.executed()).isEqualTo(1); // the build context transfer, for the content keys
    // Definition keys first: only the three COPYs from the context read content (the context).
    assertThat(b.runner.checksums).hasValue(3);
    assertThat(remote.fetches).hasValue(0);
    assertThat(r.outputs().get(0).layers()).hasSize(6);
    for (Descriptor d : r.outputs().get(0).layers()) {
      assertThat(b.store.contains(d.digest())).isFalse();
    }
  }

  @Test
  void importMin_freshMachine_everyStepHitsWithoutRunningOtherStages() throws Exception {
    Workload w = new Workload();
    CacheMachine.Remote remote = coldExport(w, CacheExportMode.MIN);
    CacheMachine b = machine("b");

    b.solve(w.def, V1, remote);

    assertThat(b.runner.stepRuns()).isZero();
    assertThat(remote.fetches).hasValue(0);
  }

  @Test
  void importAgain_secondBuildOnTheMachine_hitsLocallyWithoutTheImport() throws Exception {
    Workload w = new Workload();
    CacheMachine.Remote remote = coldExport(w, CacheExportMode.MAX);
    CacheMachine b = machine("b");
    b.solve(w.def, V1, remote);

    SolveResult again = b.solve(w.def, V1);

    assertThat(again.executed()).isZero();
    // Every vertex but the base image, which was never pulled: no step needed its files.
    assertThat(again.cached()).isEqualTo(w.def.size() - 1);
    assertThat(b.runner.runs(v(w.base))).isZero();
  }

  @Test
  void importMax_lateContextChange_rerunsOnlyDependentsAndFetchesWhatTheyRead() throws Exception {
    Workload w = new Workload();
    CacheMachine.Remote remote = coldExport(w, CacheExportMode.MAX);
    CacheMachine b = machine("b");

    b.solve(w.def, with("/hello.txt", "changed"), remote);

    assertThat(b.runner.runs(v(w.copyHello))).isEqualTo(1);
    assertThat(b.runner.runs(v(w.last))).isEqualTo(1);
    assertThat(b.runner.stepRuns()).isEqualTo(2);
    // COPY hello.txt reads its base (4 layers of the COPY --from=second result), nothing more.
    assertThat(remote.fetches).hasValue(4);
  }

  @Test
  void importMax_earlyChangeInFinalStage_reusesTheOtherStages() throws Exception {
    Workload w = new Workload();

    LayerToyRunner runner = earlyChange(w, CacheExportMode.MAX);

    assertThat(runs(runner, w.finalStage())).containsOnly(1);
    assertThat(runs(runner, w.otherStages())).containsOnly(0);
    assertThat(runner.runs(v(w.base))).isEqualTo(1);
  }

  @Test
  void importMin_earlyChangeInFinalStage_rebuildsTheOtherStages() throws Exception {
    Workload w = new Workload();

    LayerToyRunner runner = earlyChange(w, CacheExportMode.MIN);

    assertThat(runs(runner, w.otherStages())).containsOnly(1);
    assertThat(runner.stepRuns()).isEqualTo(11 + 1);
  }

  /** A fresh machine builds with motd.txt changed (the final stage's first step) from a cache. */
  private LayerToyRunner earlyChange(Workload w, CacheExportMode mode) throws Exception {
    CacheMachine.Remote remote = coldExport(w, mode);
    CacheMachine b = machine("b");
    b.solve(w.def, with("/motd.txt", "changed"), remote);
    return b.runner;
  }

  private static List<Integer> runs(LayerToyRunner runner, List<State> states) {
    return states.stream().map(s -> runner.runs(v(s))).toList();
  }

  @Test
  void export_minAndMax_recordAndResultCountsAsBuildKitsVectors() throws Exception {
    Workload w = new Workload();
    SolveResult r = machine("a").solve(w.def, V1);
    Path vectors = SharedVectors.root();
    CacheConfig bkMax =
        CacheConfigCodec.decode(
            SharedVectors.read(vectors.resolve("max-gzip-oci").resolve("cache-config.json")));
    CacheConfig bkMin =
        CacheConfigCodec.decode(
            SharedVectors.read(vectors.resolve("min-gzip-oci").resolve("cache-config.json")));

    CacheConfig max = CacheMachine.export(r, CacheExportMode.MAX).config();
    CacheConfig min = CacheMachine.export(r, CacheExportMode.MIN).config();

    assertThat(max.records()).hasSize(bkMax.records().size()).hasSize(18);
    assertThat(recordsWithResults(max)).isEqualTo(recordsWithResults(bkMax)).isEqualTo(11);
    assertThat(min.records()).hasSize(bkMin.records().size()).hasSize(18);
    assertThat(recordsWithResults(min)).isEqualTo(recordsWithResults(bkMin)).isEqualTo(5);
    // Layer entries: max = base + 11 results' own layers; min = the final image's 6 layers.
    assertThat(max.layers()).hasSize(12);
    assertThat(min.layers()).hasSize(bkMin.layers().size()).hasSize(6);
  }

  @Test
  void export_noSessionKeyButTheCopysContentKey() throws Exception {
    Workload w = new Workload();
    SolveResult r = machine("a").solve(w.def, V1);
    Digest sessionKey =
        r.keys().entries().stream()
            .filter(e -> e.vertex().equals(v(w.ctx)))
            .findFirst()
            .orElseThrow()
            .alternatives()
            .get(0)
            .key()
            .digest();

    CacheConfig max = CacheMachine.export(r, CacheExportMode.MAX).config();

    assertThat(max.records()).noneMatch(rec -> rec.digest().equals(sessionKey));
    Digest copyConf =
        r.keys().entries().stream()
            .filter(e -> e.vertex().equals(v(w.copyConf)))
            .findFirst()
            .orElseThrow()
            .alternatives()
            .get(0)
            .key()
            .digest();
    CacheConfig.Record rec =
        max.records().stream().filter(x -> x.digest().equals(copyConf)).findFirst().orElseThrow();
    assertThat(rec.inputs()).hasSize(2);
    CacheConfig.Record viaContent = max.records().get(rec.inputs().get(1).get(0).link());
    assertThat(viaContent.inputs()).isEmpty();
    assertThat(rec.inputs().get(1).get(0).selector()).isNull();
  }

  @Test
  void export_unchangedBuildTwice_identicalBytes() throws Exception {
    Workload w = new Workload();
    CacheMachine a = machine("a");
    MarshalledCache first = CacheMachine.export(a.solve(w.def, V1), CacheExportMode.MAX);

    SolveResult warm = a.solve(w.def, V1);
    MarshalledCache second = CacheMachine.export(warm, CacheExportMode.MAX);

    assertThat(a.runner.stepRuns()).isZero();
    assertThat(CacheConfigCodec.encode(second.config()))
        .isEqualTo(CacheConfigCodec.encode(first.config()));
    assertThat(second.layers()).isEqualTo(first.layers());
    assertThat(CacheMachine.export(warm, CacheExportMode.MIN).config())
        .isEqualTo(CacheMachine.export(warm, CacheExportMode.MIN).config());
  }

  @Test
  void export_afterImportOnFreshMachine_identicalToTheImportedCache() throws Exception {
    Workload w = new Workload();
    for (CacheExportMode mode : CacheExportMode.values()) {
      CacheMachine.Remote remote = coldExport(w, mode, "a-" + mode);
      CacheMachine b = machine("b-" + mode);

      SolveResult r = b.solve(w.def, V1, remote);
      MarshalledCache again = CacheMachine.export(r, mode);

      // Content-key links survived export and import: the fresh machine writes the same cache.
      assertThat(CacheConfigCodec.encode(again.config())).as(mode.name()).isEqualTo(remote.config);
    }
  }

  @Test
  void import_deletedBlob_producingStepRerunsAndTheSolveSucceeds() throws Exception {
    Workload w = new Workload();
    CacheMachine.Remote remote = coldExport(w, CacheExportMode.MAX);
    // COPY --from=second's own layer is gone from the registry (garbage-collected, say).
    Digest gone = deleteTopBlob(remote, w, w.copySecond);
    CacheMachine b = machine("b");

    // hello.txt changed: COPY hello.txt must run on top of COPY --from=second's result, whose
    // top blob cannot be fetched; BuildKit fails here (buildkit#2836), kiln runs that COPY again.
    SolveResult r = b.solve(w.def, with("/hello.txt", "changed"), remote);

    assertThat(b.runner.runs(v(w.copySecond))).isEqualTo(1);
    assertThat(b.runner.runs(v(w.copyHello))).isEqualTo(1);
    assertThat(b.runner.runs(v(w.last))).isEqualTo(1);
    assertThat(b.runner.stepRuns()).isEqualTo(3);
    assertThat(r.outputs().get(0).layers())
        .hasSize(6)
        .extracting(Descriptor::digest)
        .contains(gone);
    assertThat(b.store.contains(gone)).isTrue();
  }

  /** Deletes from {@code remote} the top blob of {@code s}'s result (built on machine "a"). */
  private Digest deleteTopBlob(CacheMachine.Remote remote, Workload w, State s) throws Exception {
    CacheResult r = result(machine("a").solve(w.def, V1), s);
    Digest top = r.layers().get(r.layers().size() - 1).digest();
    remote.deleted.add(top);
    return top;
  }

  private static CacheResult result(SolveResult r, State s) {
    return r.keys().entries().stream()
        .filter(e -> e.vertex().equals(v(s)))
        .findFirst()
        .orElseThrow()
        .record()
        .result();
  }

  @Test
  void import_deletedBlobInTheChainBelow_everyProducerRerunsUntilTheSolveSucceeds()
      throws Exception {
    Workload w = new Workload();
    CacheMachine.Remote remote = coldExport(w, CacheExportMode.MAX);
    // COPY motd's layer is in the chain of every later step of the final stage.
    deleteTopBlob(remote, w, w.copyMotd);
    CacheMachine b = machine("b");

    SolveResult r = b.solve(w.def, with("/hello.txt", "changed"), remote);

    assertThat(r.outputs().get(0).layers()).hasSize(6);
    assertThat(b.runner.runs(v(w.copyMotd))).isEqualTo(1);
    assertThat(b.runner.runs(v(w.copyData))).isEqualTo(1);
    assertThat(b.runner.runs(v(w.copySecond))).isEqualTo(1);
    assertThat(b.runner.runs(v(w.copyHello))).isEqualTo(1);
    assertThat(b.runner.runs(v(w.run3))).isZero();
    assertThat(b.runner.runs(v(w.base))).isEqualTo(1);
    // Nothing of the deleted blob is trusted any more: the next build finds the new results.
    SolveResult again = b.solve(w.def, with("/hello.txt", "changed"), remote);
    assertThat(b.runner.stepRuns()).isZero();
    assertThat(again.outputs()).isEqualTo(r.outputs());
  }

  @Test
  void importTwoCaches_newestResultWins() throws Exception {
    Workload w = new Workload();
    CacheMachine older = machine("older");
    SolveResult o = older.solve(w.def, V1, "older RUN output");
    CacheMachine newer = machine("newer");
    SolveResult n = newer.solve(w.def, V1, "newer RUN output");
    assertThat(digests(n)).isNotEqualTo(digests(o));
    CacheMachine.Remote olderCache =
        new CacheMachine.Remote("older", CacheMachine.export(o, CacheExportMode.MAX), older.store);
    CacheMachine.Remote newerCache =
        new CacheMachine.Remote("newer", CacheMachine.export(n, CacheExportMode.MAX), newer.store);

    SolveResult b1 = machine("b1").solve(w.def, V1, newerCache, olderCache);
    SolveResult b2 = machine("b2").solve(w.def, V1, olderCache, newerCache);

    // The imported descriptors carry buildkit/createdat besides: compare the blobs.
    assertThat(digests(b1)).isEqualTo(digests(n));
    assertThat(digests(b2)).isEqualTo(digests(n));
  }

  private static List<Digest> digests(SolveResult r) {
    return r.outputs().get(0).layers().stream().map(Descriptor::digest).toList();
  }

  @Test
  void import_localResultWinsOverANewerImportedOne() throws Exception {
    Workload w = new Workload();
    CacheMachine b = machine("b");
    SolveResult local = b.solve(w.def, V1, "local RUN output");
    CacheMachine a = machine("a");
    SolveResult remote = a.solve(w.def, V1, "remote RUN output");
    CacheMachine.Remote cache =
        new CacheMachine.Remote("a", CacheMachine.export(remote, CacheExportMode.MAX), a.store);

    SolveResult r = b.solve(w.def, V1, cache);

    assertThat(b.runner.stepRuns()).isZero();
    assertThat(r.outputs()).isEqualTo(local.outputs());
    assertThat(cache.fetches).hasValue(0);
  }

  @Test
  void importTwoCaches_eachServesItsPart() throws Exception {
    Workload w = new Workload();
    State other = new Workload().base.file(FileStep.mkfile("/other", 0644, "x")).run("true");
    CacheMachine a1 = machine("a1");
    CacheMachine.Remote first =
        new CacheMachine.Remote(
            "first", CacheMachine.export(a1.solve(w.def, V1), CacheExportMode.MIN), a1.store);
    CacheMachine a2 = machine("a2");
    CacheMachine.Remote second =
        new CacheMachine.Remote(
            "second",
            CacheMachine.export(a2.solve(other.definition(), V1), CacheExportMode.MIN),
            a2.store);
    Definition both = Definition.of(List.of(w.last.output(), other.output()));
    CacheMachine b = machine("b");

    SolveResult r = b.solve(both, V1, first, second);

    assertThat(b.runner.stepRuns()).isZero();
    assertThat(r.outputs()).hasSize(2);
    assertThat(first.fetches).hasValue(0);
    assertThat(second.fetches).hasValue(0);
  }
}
