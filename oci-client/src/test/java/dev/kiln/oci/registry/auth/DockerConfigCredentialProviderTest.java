package dev.kiln.oci.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialProviderTest {

  @TempDir Path dir;

  private DockerConfigCredentialProvider provider(String configJson) throws IOException {
    return provider(configJson, Map.of("PATH", dir.resolve("bin").toString()));
  }

  private DockerConfigCredentialProvider provider(String configJson, Map<String, String> env)
      throws IOException {
    Files.writeString(dir.resolve("config.json"), configJson);
    return new DockerConfigCredentialProvider(dir, env);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private void helper(String name, String script) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path exe = bin.resolve("docker-credential-" + name);
    Files.writeString(exe, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void credentialFor_noConfigFile_isEmpty() throws IOException {
    assertThat(new DockerConfigCredentialProvider(dir, Map.of()).credentialFor("x.io")).isEmpty();
  }

  @Test
  void credentialFor_inlineAuth_decodesUserAndPassword() throws IOException {
    var p = provider("{\"auths\":{\"localhost:5000\":{\"auth\":\"" + b64("al:pa:ss") + "\"}}}");
    assertThat(p.credentialFor("localhost:5000")).contains(Credential.basic("al", "pa:ss"));
    assertThat(p.credentialFor("localhost:5001")).isEmpty();
  }

  @Test
  void credentialFor_keyWithSchemeAndPath_matchesHost() throws IOException {
    var p =
        provider(
            "{\"auths\":{\"https://reg.example:443/v1/\":{\"username\":\"u\",\"password\":\"p\"}}}");
    assertThat(p.credentialFor("reg.example:443")).contains(Credential.basic("u", "p"));
  }

  @Test
  void credentialFor_dockerHubAliases_useIndexKey() throws IOException {
    var p =
        provider(
            "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hub:pw") + "\"}}}");
    for (String host : new String[] {"docker.io", "index.docker.io", "registry-1.docker.io"}) {
      assertThat(p.credentialFor(host)).as(host).contains(Credential.basic("hub", "pw"));
    }
  }

  @Test
  void credentialFor_identityToken_isIdentityCredential() throws IOException {
    var p =
        provider(
            "{\"auths\":{\"acr.example\":{\"auth\":\""
                + b64("00000000-0000-0000-0000-000000000000:")
                + "\",\"identitytoken\":\"refresh-me\"}}}");
    Credential c = p.credentialFor("acr.example").orElseThrow();
    assertThat(c.hasIdentityToken()).isTrue();
    assertThat(c.identityToken()).isEqualTo("refresh-me");
  }

  @Test
  void credentialFor_credHelper_runsHelperWithServerUrlOnStdin() throws IOException {
    helper(
        "kilntest",
        "read url\n"
            + "[ \"$1\" = get ] || exit 9\n"
            + "echo \"{\\\"ServerURL\\\":\\\"$url\\\",\\\"Username\\\":\\\"helper-$url\\\","
            + "\\\"Secret\\\":\\\"s\\\"}\"\n");
    var p = provider("{\"credHelpers\":{\"localhost:5000\":\"kilntest\"}}");
    assertThat(p.credentialFor("localhost:5000"))
        .contains(Credential.basic("helper-localhost:5000", "s"));
  }

  @Test
  void credentialFor_credHelperBeatsInlineEntry() throws IOException {
    helper("kilntest", "echo '{\"Username\":\"from-helper\",\"Secret\":\"s\"}'\n");
    var p =
        provider(
            "{\"auths\":{\"r.io\":{\"auth\":\""
                + b64("inline:x")
                + "\"}},\"credHelpers\":{\"r.io\":\"kilntest\"}}");
    assertThat(p.credentialFor("r.io")).contains(Credential.basic("from-helper", "s"));
  }

  @Test
  void credentialFor_credsStoreDefault_servesOtherHosts() throws IOException {
    helper(
        "store",
        "read url\necho \"{\\\"Username\\\":\\\"<token>\\\",\\\"Secret\\\":\\\"id-$url\\\"}\"\n");
    var p = provider("{\"credsStore\":\"store\"}");
    Credential c = p.credentialFor("docker.io").orElseThrow();
    assertThat(c.identityToken()).isEqualTo("id-https://index.docker.io/v1/");
  }

  @Test
  void credentialFor_helperSaysNotFound_isEmpty() throws IOException {
    helper("kilntest", "echo 'credentials not found in native keychain'\nexit 1\n");
    var p = provider("{\"credsStore\":\"kilntest\"}");
    assertThat(p.credentialFor("r.io")).isEmpty();
  }

  @Test
  void credentialFor_helperFails_reportsExitCodeWithoutOutput() throws IOException {
    helper("kilntest", "echo 'leaked-secret'\nexit 3\n");
    var p = provider("{\"credsStore\":\"kilntest\"}");
    assertThatThrownBy(() -> p.credentialFor("r.io"))
        .hasMessageContaining("docker-credential-kilntest get failed for r.io (exit code 3)")
        .hasMessageNotContaining("leaked-secret");
  }

  @Test
  void credentialFor_helperMissing_namesProgramAndConfig() throws IOException {
    var p = provider("{\"credHelpers\":{\"r.io\":\"nothere\"}}");
    assertThatThrownBy(() -> p.credentialFor("r.io"))
        .hasMessageContaining("docker-credential-nothere not found on PATH")
        .hasMessageContaining("config.json");
  }

  @Test
  void credentialFor_brokenJson_namesFile() throws IOException {
    var p = provider("{not json");
    assertThatThrownBy(() -> p.credentialFor("r.io"))
        .hasMessageContaining(dir.resolve("config.json").toString())
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void credentialFor_badBase64_failsClearly() throws IOException {
    var p = provider("{\"auths\":{\"r.io\":{\"auth\":\"%%%\"}}}");
    assertThatThrownBy(() -> p.credentialFor("r.io")).hasMessageContaining("not valid base64");
  }

  @Test
  void chain_firstProviderThatKnowsWins() throws IOException {
    CredentialProvider chain =
        CredentialProviders.chain(
            java.util.List.of(
                CredentialProvider.ANONYMOUS,
                CredentialProviders.fixed("a", Credential.basic("1", "1")),
                CredentialProviders.fixed("a", Credential.basic("2", "2"))));
    assertThat(chain.credentialFor("a")).contains(Credential.basic("1", "1"));
    assertThat(chain.credentialFor("b")).isEmpty();
  }

  @Test
  void fromEnvironment_dockerConfigSet_usesIt_elseHomeDotDocker() {
    Path custom = dir.resolve("custom");
    assertThat(
            DockerConfigCredentialProvider.fromEnvironment(
                    Map.of("DOCKER_CONFIG", custom.toString()), dir)
                .configFile())
        .isEqualTo(custom.resolve("config.json"));
    assertThat(DockerConfigCredentialProvider.fromEnvironment(Map.of(), dir).configFile())
        .isEqualTo(dir.resolve(".docker").resolve("config.json"));
  }

  @Test
  void credential_toString_hidesSecrets() {
    assertThat(Credential.basic("u", "hunter2").toString()).doesNotContain("hunter2");
  }
}
