package dev.kiln.oci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageConfigTest {

  private static final String DOCKER_STYLE =
      "{\"architecture\":\"arm64\",\"variant\":\"v8\",\"os\":\"linux\","
          + "\"author\":\"me\",\"docker_version\":\"20.10.24\","
          + "\"container_config\":{\"Hostname\":\"abc\",\"Cmd\":null},"
          + "\"config\":{\"Hostname\":\"\",\"Tty\":false,\"User\":\"1000:1000\","
          + "\"ExposedPorts\":{\"8080/tcp\":{},\"53/udp\":{}},"
          + "\"Env\":[\"A=1\",\"B=2\"],\"Entrypoint\":[],\"Cmd\":[\"run\"],"
          + "\"Volumes\":{\"/data\":{}},\"WorkingDir\":\"/app\","
          + "\"Labels\":{\"z\":\"last\",\"a\":\"first\"},\"StopSignal\":\"SIGTERM\","
          + "\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":30000000000,"
          + "\"Retries\":3},\"OnBuild\":[\"RUN x\"],\"Shell\":[\"/bin/bash\",\"-c\"],"
          + "\"ArgsEscaped\":true},"
          + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[],\"base_layer\":\"x\"},"
          + "\"history\":[{\"created_by\":\"a\",\"empty_layer\":true,\"x-custom\":1}]}";

  private static ImageConfig parse(String json) throws OciFormatException {
    return OciJson.parse(json.getBytes(StandardCharsets.UTF_8), ImageConfig.class);
  }

  @Test
  void parse_dockerStyleConfig_allModelledFields() throws Exception {
    ImageConfig c = parse(DOCKER_STYLE);
    ContainerConfig cc = c.containerConfig();

    assertThat(c.platform()).isEqualTo(Platform.of("linux", "arm64", "v8"));
    assertThat(c.author()).isEqualTo("me");
    assertThat(cc.user()).isEqualTo("1000:1000");
    assertThat(cc.exposedPorts()).containsExactlyInAnyOrder("8080/tcp", "53/udp");
    assertThat(cc.env()).containsExactly("A=1", "B=2");
    assertThat(cc.entrypoint()).isEmpty();
    assertThat(cc.cmd()).containsExactly("run");
    assertThat(cc.volumes()).containsExactly("/data");
    assertThat(cc.workingDir()).isEqualTo("/app");
    assertThat(cc.labels()).containsExactly(Map.entry("a", "first"), Map.entry("z", "last"));
    assertThat(cc.stopSignal()).isEqualTo("SIGTERM");
    assertThat(cc.healthcheck().test()).containsExactly("CMD-SHELL", "true");
    assertThat(cc.healthcheck().interval()).isEqualTo(30_000_000_000L);
    assertThat(cc.healthcheck().timeout()).isNull();
    assertThat(cc.healthcheck().retries()).isEqualTo(3);
    assertThat(cc.onBuild()).containsExactly("RUN x");
    assertThat(cc.shell()).containsExactly("/bin/bash", "-c");
    assertThat(cc.argsEscaped()).isTrue();
    assertThat(cc.extra()).containsOnlyKeys("Hostname", "Tty");
    assertThat(c.extra()).containsOnlyKeys("docker_version", "container_config");
    assertThat(c.rootfs().extra()).containsOnlyKeys("base_layer");
    assertThat(c.history().get(0).extra()).containsOnlyKeys("x-custom");
  }

  @Test
  void roundTrip_unknownFieldsEverywhere_survive() throws Exception {
    String once = OciJson.toJson(parse(DOCKER_STYLE));

    assertThat(OciJson.parseTree(once.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(OciJson.parseTree(DOCKER_STYLE.getBytes(StandardCharsets.UTF_8)));
    assertThat(OciJson.toJson(parse(once))).isEqualTo(once);
    // Explicit nulls inside unknown fields are data and are kept.
    assertThat(once).contains("\"container_config\":{\"Hostname\":\"abc\",\"Cmd\":null}");
    assertThat(once).contains("\"ExposedPorts\":{\"53/udp\":{},\"8080/tcp\":{}}");
  }

  @Test
  void toJson_builtConfig_canonicalOrderAndOmissions() {
    ImageConfig c =
        ImageConfig.of(Platform.of("linux", "amd64"))
            .withCreated("2024-01-01T00:00:00Z")
            .withConfig(
                ContainerConfig.empty()
                    .withEnv(List.of("PATH=/bin"))
                    .withUserAndWorkingDir(null, "/w")
                    .withLabels(Map.of("b", "2", "a", "1")))
            .withLayer(
                Digests.sha256("l1"),
                ImageConfig.History.of("2024-01-01T00:00:00Z", "RUN x", null, false))
            .withHistoryEntry(ImageConfig.History.of(null, "CMD [\"sh\"]", null, true))
            .withExtra("moby.buildkit.cache.v0", TextNode.valueOf("W10="));

    assertThat(OciJson.toJson(c))
        .isEqualTo(
            "{\"created\":\"2024-01-01T00:00:00Z\",\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"config\":{\"Env\":[\"PATH=/bin\"],\"WorkingDir\":\"/w\","
                + "\"Labels\":{\"a\":\"1\",\"b\":\"2\"}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + Digests.sha256("l1")
                + "\"]},"
                + "\"history\":[{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":\"RUN x\"},"
                + "{\"created_by\":\"CMD [\\\"sh\\\"]\",\"empty_layer\":true}],"
                + "\"moby.buildkit.cache.v0\":\"W10=\"}");
  }

  @Test
  void withExtra_null_removesField() {
    ImageConfig c =
        ImageConfig.of(Platform.of("linux", "amd64")).withExtra("k", TextNode.valueOf("v"));

    assertThat(c.extra("k").asText()).isEqualTo("v");
    assertThat(c.withExtra("k", null).extra()).isEmpty();
  }

  @Test
  void emptyConfig_noPlatformAndNoLayers() throws Exception {
    ImageConfig c = parse("{}");

    assertThat(c.platform()).isNull();
    assertThat(c.diffIds()).isEmpty();
    assertThat(c.containerConfig()).isEqualTo(ContainerConfig.empty());
    assertThat(OciJson.toJson(c)).isEqualTo("{}");
  }

  @Test
  void nullCmd_differsFromEmptyCmd() {
    ContainerConfig unset = ContainerConfig.empty();
    ContainerConfig cleared = unset.withEntrypointAndCmd(List.of(), null);

    assertThat(OciJson.toJson(unset)).isEqualTo("{}");
    assertThat(OciJson.toJson(cleared)).isEqualTo("{\"Entrypoint\":[]}");
  }
}
