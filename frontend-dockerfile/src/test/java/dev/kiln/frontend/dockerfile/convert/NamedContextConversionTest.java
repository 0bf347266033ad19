package dev.kiln.frontend.dockerfile.convert;

import static dev.kiln.frontend.dockerfile.convert.Fixtures.AMD64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.ContainerConfig;
import dev.kiln.oci.ImageConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Named build contexts ({@code --build-context}) as BuildKit's dockerui named contexts. */
class NamedContextConversionTest {

  private static final NamedContext FOO_DIR = new NamedContext.Local("foo", List.of("out2"));

  private static ConversionResult convert(String dockerfile, Map<String, NamedContext> contexts)
      throws Exception {
    ImageConfig alpine =
        ImageConfig.of(AMD64)
            .withConfig(ContainerConfig.empty().withEnv(List.of("PATH=/alpine", "FOOBAR=foobar")));
    return DockerfileConverter.convert(
        ConversionRequest.of(
                dockerfile,
                AMD64,
                Fixtures.resolver(
                    Map.of(
                        "docker.io/library/busybox:latest",
                        Fixtures.busybox(List.of()),
                        "docker.io/library/alpine:latest",
                        alpine)))
            .withNamedContexts(contexts));
  }

  private static List<Vertex> vertices(ConversionResult r) {
    return Fixtures.vertices(r.state().output());
  }

  @Test
  void imageContext_replacesTheImageOfFrom_withItsConfig() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox AS base\nRUN env\n", Map.of("busybox", new NamedContext.Image("alpine")));
    assertThat(vertices(r))
        .extracting(Vertex::op)
        .filteredOn(ImageOp.class::isInstance)
        .extracting(op -> ((ImageOp) op).ref())
        .containsExactly("docker.io/library/alpine:latest");
    assertThat(((ExecOp) r.state().output().vertex().op()).meta().env())
        .contains("PATH=/alpine", "FOOBAR=foobar");
  }

  @Test
  void names_matchByFamiliarReference() throws Exception {
    for (String from : List.of("busybox", "busybox:latest", "docker.io/library/busybox")) {
      ConversionResult r =
          convert(
              "FROM " + from + "\nRUN x\n", Map.of("busybox", new NamedContext.Image("alpine")));
      assertThat(vertices(r))
          .as(from)
          .extracting(Vertex::op)
          .filteredOn(ImageOp.class::isInstance)
          .extracting(op -> ((ImageOp) op).ref())
          .containsExactly("docker.io/library/alpine:latest");
    }
  }

  @Test
  void localContext_replacesAStageOfItsName_whoseInstructionsDoNotRun() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox AS foo\nRUN never\nFROM scratch\nCOPY --from=foo /o* /\n",
            Map.of("foo", FOO_DIR));
    assertThat(vertices(r)).extracting(Vertex::op).noneMatch(ExecOp.class::isInstance);
    LocalOp local =
        (LocalOp)
            vertices(r).stream()
                .map(Vertex::op)
                .filter(LocalOp.class::isInstance)
                .findFirst()
                .orElseThrow();
    assertThat(local.name()).isEqualTo("foo");
    assertThat(local.excludePatterns()).containsExactly("out2");
  }

  @Test
  void localContext_forCopyFromAndRunMountFrom() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\nCOPY --from=foo /foo /a\n"
                + "RUN --mount=from=foo,src=/foo,target=/in/foo cp /in/foo /b\n",
            Map.of("foo", FOO_DIR));
    Vertex run = r.state().output().vertex();
    Vertex copy = run.inputs().get(0).vertex();
    assertThat(copy.op()).isInstanceOf(FileOp.class);
    assertThat(copy.inputs().get(1).vertex().op()).isInstanceOf(LocalOp.class);
    assertThat(run.inputs().get(1).vertex().op()).isInstanceOf(LocalOp.class);
    assertThat(run.inputs().get(1).vertex().metadata().name())
        .isEqualTo("[context foo] load from client");
  }

  @Test
  void scratchImageContext_isTheEmptyFileSystem() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox AS build\nCOPY <<EOF /out\nhello world!\nEOF\n",
            Map.of("busybox", new NamedContext.Image("scratch")));
    assertThat(vertices(r)).extracting(Vertex::op).noneMatch(ImageOp.class::isInstance);
    assertThat(r.state().output().vertex().inputs().get(0).vertex().op())
        .isInstanceOf(ScratchOp.class);
  }
}
