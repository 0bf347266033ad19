package dev.kiln.solver.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeSpecTest {

  private static final Path ROOTFS = Path.of("/snap/rootfs");
  private static final ExecUser APP = new ExecUser(1000, 1000, List.of(50L));

  private static JsonNode spec(ExecRequest req) throws Exception {
    byte[] json =
        RuntimeSpec.toBytes(
            RuntimeSpec.build(req, APP, Path.of("/b/hosts"), Path.of("/b/resolv.conf")));
    return new ObjectMapper().readTree(json);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isObject() ? n.get("type").asText() : n.asText()));
    return out;
  }

  @Test
  void build_defaults_processUserCapsAndNoTerminal() throws Exception {
    JsonNode s = spec(ExecRequest.of(ROOTFS, List.of("sh", "-c", "true")).withEnv(List.of("A=1")));
    assertThat(s.get("ociVersion").asText()).isEqualTo("1.0.2");
    JsonNode p = s.get("process");
    assertThat(p.get("terminal").asBoolean()).isFalse();
    assertThat(texts(p.get("args"))).containsExactly("sh", "-c", "true");
    assertThat(texts(p.get("env"))).containsExactly("PATH=" + RuntimeSpec.DEFAULT_PATH, "A=1");
    assertThat(p.get("cwd").asText()).isEqualTo("/");
    assertThat(p.get("user").get("uid").asLong()).isEqualTo(1000);
    assertThat(p.get("user").get("additionalGids").get(0).asLong()).isEqualTo(50);
    assertThat(texts(p.get("capabilities").get("bounding")))
        .hasSize(14)
        .contains("CAP_CHOWN", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_AUDIT_WRITE")
        .doesNotContain("CAP_SYS_ADMIN");
    assertThat(p.get("capabilities").has("ambient")).isFalse();
    assertThat(p.get("rlimits").get(0).get("type").asText()).isEqualTo("RLIMIT_NOFILE");
    assertThat(s.get("root").get("path").asText()).isEqualTo("/snap/rootfs");
    assertThat(s.get("hostname").asText()).isEqualTo(ExecRequest.DEFAULT_HOSTNAME);
  }

  @Test
  void build_envWithPath_keepsCallersPath() throws Exception {
    JsonNode s = spec(ExecRequest.of(ROOTFS, List.of("x")).withEnv(List.of("PATH=/bin")));
    assertThat(texts(s.get("process").get("env"))).containsExactly("PATH=/bin");
  }

  @Test
  void build_networkNone_hasNetworkNamespace() throws Exception {
    JsonNode s = spec(ExecRequest.of(ROOTFS, List.of("x")));
    assertThat(texts(s.get("linux").get("namespaces")))
        .containsExactlyInAnyOrder("pid", "ipc", "uts", "mount", "network");
    assertThat(texts(s.get("linux").get("maskedPaths"))).contains("/proc/kcore", "/sys/firmware");
    assertThat(texts(s.get("linux").get("readonlyPaths"))).contains("/proc/sys");
  }

  @Test
  void build_networkHost_noNetworkNamespace() throws Exception {
    JsonNode s = spec(ExecRequest.of(ROOTFS, List.of("x")).withNetwork(NetworkMode.HOST));
    assertThat(texts(s.get("linux").get("namespaces"))).doesNotContain("network");
  }

  @Test
  void build_mounts_standardThenEtcFilesThenCallerMounts() throws Exception {
    ExecRequest req =
        ExecRequest.of(ROOTFS, List.of("x"))
            .withMounts(
                List.of(
                    Mount.bind(Path.of("/in"), "/src", true),
                    Mount.bind(Path.of("/c"), "/cache", false),
                    Mount.tmpfs("/tmp")));
    JsonNode mounts = spec(req).get("mounts");
    List<String> dests = new ArrayList<>();
    mounts.forEach(m -> dests.add(m.get("destination").asText()));
    assertThat(dests)
        .containsExactly(
            "/proc",
            "/dev",
            "/dev/pts",
            "/dev/shm",
            "/dev/mqueue",
            "/sys",
            "/sys/fs/cgroup",
            "/etc/hosts",
            "/etc/resolv.conf",
            "/src",
            "/cache",
            "/tmp");
    assertThat(texts(mounts.get(5).get("options"))).contains("ro");
    assertThat(mounts.get(7).get("source").asText()).isEqualTo("/b/hosts");
    assertThat(texts(mounts.get(7).get("options"))).containsExactly("rbind", "ro");
    assertThat(texts(mounts.get(9).get("options"))).containsExactly("rbind", "ro");
    assertThat(texts(mounts.get(10).get("options"))).containsExactly("rbind", "rw");
    assertThat(mounts.get(11).get("type").asText()).isEqualTo("tmpfs");
  }

  @Test
  void request_invalidValues_rejected() {
    assertThatThrownBy(() -> ExecRequest.of(ROOTFS, List.of())).hasMessage("a RUN needs a command");
    assertThatThrownBy(() -> ExecRequest.of(ROOTFS, List.of("x")).withCwd("rel"))
        .hasMessageContaining("cwd must be an absolute path");
    assertThatThrownBy(() -> ExecRequest.of(ROOTFS, List.of("x")).withEnv(List.of("=v")))
        .hasMessageContaining("KEY=value");
    assertThatThrownBy(() -> Mount.bind(Path.of("/a"), "rel", true))
        .hasMessageContaining("absolute");
  }

  @Test
  void execFailed_message_namesCommandCodeAndTail() {
    ExecFailedException e = new ExecFailedException(List.of("sh", "-c", "x"), 3, List.of("a", "b"));
    assertThat(e.getMessage())
        .isEqualTo(
            "process \"sh -c x\" did not complete successfully: exit code: 3; last output:\n"
                + "  a\n  b");
    // BuildKit's %q: a here-document script stays on the error's first line
    assertThat(
            new ExecFailedException(List.of("sh", "-c", "echo \"a\"\nexit 3"), 3, List.of())
                .getMessage())
        .isEqualTo(
            "process \"sh -c echo \\\"a\\\"\\nexit 3\" did not complete successfully: exit code: 3");
  }
}
