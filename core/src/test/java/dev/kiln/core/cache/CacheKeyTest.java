package dev.kiln.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.core.graph.ExecState;
import dev.kiln.core.graph.FileStep;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.Run;
import dev.kiln.core.graph.State;
import dev.kiln.core.port.ResolvedImage;
import dev.kiln.oci.Descriptor;
import dev.kiln.oci.Digest;
import dev.kiln.oci.Digests;
import dev.kiln.oci.MediaTypes;
import dev.kiln.oci.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

  private static final Digest SCRATCH =
      Digest.parse("sha256:94c06edbab1e280b06893e7411f4ae1f49c36a34d49a6de298f0392911ca0dc7");

  @Test
  void rootKey_handComputed_matches() {
    // printf '%s' 'sha256:94c0…0dc7@0' | sha256sum (and @-1)
    assertThat(CacheKey.rootKey(SCRATCH, 0).toString())
        .isEqualTo("sha256:38f022e47616b348ffaae5c75df09a0d7f2ddced541f3becc99cf7e3340ec1e8");
    assertThat(CacheKey.content(SCRATCH).digest().toString())
        .isEqualTo("sha256:29897bd11b9d40c61db8e029d9cdb5fdf12d28abe5018a855b7afaba2e6ed1e9");
  }

  @Test
  void chain_imageRunCopy_keysLinkedWithSelectors() {
    Platform p = Platform.of("linux", "amd64");
    State image = State.image("busybox:1.36", p);
    ExecState run = image.run(Run.shell("echo hi > /out"));
    State result = State.scratch().file(FileStep.copy(run.root(), "/out", "/out"));

    ResolvedImage resolved = resolved(p);
    List<CacheMap> imageMaps = CacheMaps.forImage((ImageOp) image.output().vertex().op(), resolved);
    List<CacheKey> imageKeys = imageMaps.stream().map(m -> CacheKey.root(m.digest(), 0)).toList();

    CacheMap runMap = CacheMaps.of(run.vertex());
    CacheKey runKey = CacheKey.of(runMap, 0, List.of(imageKeys));

    CacheMap scratchMap = CacheMaps.of(State.scratch().output().vertex());
    CacheKey scratchKey = CacheKey.root(scratchMap.digest(), 0);
    CacheMap copyMap = CacheMaps.of(result.output().vertex());
    CacheKey copyKey = CacheKey.of(copyMap, 0, List.of(List.of(scratchKey), List.of(runKey)));

    // The exec links to both alternative image roots under the plain-RUN selector sha256("/").
    assertThat(runKey.deps().get(0)).hasSize(2);
    assertThat(runKey.deps().get(0))
        .allSatisfy(
            d ->
                assertThat(d.selector().toString())
                    .isEqualTo(
                        "sha256:8a5edab282632443219e051e4ade2d1d5bbc671c781051bf1437897cbdfea0f1"));
    // The copy's source input carries the source path as selector; the base input none.
    assertThat(copyKey.deps().get(0).get(0).selector()).isNull();
    assertThat(copyKey.deps().get(1).get(0).selector()).isEqualTo(Digests.sha256("/out"));
    // Record digests are rootKey(D, out) for roots and non-roots alike.
    assertThat(runKey.digest()).isEqualTo(Digests.sha256(runMap.digest() + "@0"));
    assertThat(copyKey.digest()).isEqualTo(CacheKey.rootKey(copyMap.digest(), 0));
    assertThat(scratchKey.digest()).isEqualTo(CacheKey.rootKey(scratchMap.digest(), 0));
    assertThat(runKey.isRoot()).isFalse();
    assertThat(imageKeys.get(0).isRoot()).isTrue();
  }

  @Test
  void of_missingVertexInput_rejected() {
    CacheMap map =
        CacheMaps.of(State.image("a", Platform.of("linux", "amd64")).run(Run.of("x")).vertex());

    assertThatThrownBy(() -> CacheKey.of(map, 0, List.of()))
        .hasMessageContaining("reads vertex input 0 but 0 input key lists were given");
    assertThatThrownBy(() -> new CacheKey(SCRATCH, 0, List.of(List.of())))
        .hasMessageContaining("no dependency key");
  }

  static ResolvedImage resolved(Platform p) {
    Digest a = Digests.sha256("a");
    return new ResolvedImage(
        "busybox:1.36",
        Digests.sha256("index"),
        Descriptor.of(MediaTypes.OCI_MANIFEST, Digests.sha256("manifest"), 100),
        Descriptor.of(MediaTypes.OCI_CONFIG, Digests.sha256("config"), 10),
        p,
        List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, Digests.sha256("layer"), 5)),
        List.of(a));
  }
}
