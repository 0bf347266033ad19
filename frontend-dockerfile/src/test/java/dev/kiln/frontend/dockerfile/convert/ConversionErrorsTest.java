package dev.kiln.frontend.dockerfile.convert;

import static dev.kiln.frontend.dockerfile.convert.Fixtures.AMD64;
import static dev.kiln.frontend.dockerfile.convert.Fixtures.convert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.frontend.dockerfile.DockerfileParseException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversionErrorsTest {

  private static void fails(String dockerfile, String message) {
    assertThatThrownBy(() -> convert(dockerfile))
        .isInstanceOf(DockerfileParseException.class)
        .hasMessage(message);
  }

  @Test
  void convert_addGitSource_errorWithLine() {
    fails(
        "FROM busybox\nRUN true\nADD https://example.com/repo.git /src\n",
        "Dockerfile:3: ADD from a git repository is not supported: clone it with RUN or add it to"
            + " the context (source https://example.com/repo.git)");
  }

  @Test
  void convert_addChecksum_rulesOfBuildKit() {
    String sum = "sha256:" + "a".repeat(64);
    fails(
        "FROM busybox\nADD --checksum=" + sum + " http://h/a http://h/b /d/\n",
        "Dockerfile:2: checksum can't be specified for multiple sources");
    fails(
        "FROM busybox\nADD --checksum=" + sum + " local.txt /d\n",
        "Dockerfile:2: checksum requires HTTP(S) or Git sources");
    fails(
        "FROM busybox\nADD --checksum=md5:abc http://h/a /d\n",
        "Dockerfile:2: invalid --checksum md5:abc: expected sha256:<64 lower-case hex digits>");
  }

  @Test
  void convert_stopSignal_checkedAsMobysParseSignal() throws Exception {
    fails("FROM busybox\nSTOPSIGNAL SIGNOPE\n", "Dockerfile:2: Invalid signal: SIGNOPE");
    fails("FROM busybox\nARG S=0\nSTOPSIGNAL $S\n", "Dockerfile:3: Invalid signal: 0");
    for (String ok : new String[] {"SIGKILL", "kill", "sigusr1", "9", "RTMIN+3", "SIGRTMAX-1"}) {
      convert("FROM busybox\nSTOPSIGNAL " + ok + "\n");
    }
  }

  @Test
  void convert_workdir_absoluteKeptAsWritten_relativeJoinedAndCleaned() throws Exception {
    // BuildKit's system.NormalizeWorkdir
    assertThat(
            convert("FROM busybox\nWORKDIR /abs//double/\n")
                .imageConfig()
                .containerConfig()
                .workingDir())
        .isEqualTo("/abs//double/");
    assertThat(
            convert("FROM busybox\nWORKDIR /abs//double/\nWORKDIR ./x/\n")
                .imageConfig()
                .containerConfig()
                .workingDir())
        .isEqualTo("/abs/double/x");
  }

  @Test
  void convert_foreignPlatform_errorNamesNativePlatform() {
    fails(
        "FROM --platform=linux/arm64 busybox\n",
        "Dockerfile:1: FROM --platform=linux/arm64 is not supported: kiln builds only for the"
            + " native platform linux/amd64 (remove --platform or use linux/amd64)");
  }

  @Test
  void convert_buildPlatformArg_isNative() throws Exception {
    convert("FROM --platform=$BUILDPLATFORM busybox\n");
  }

  @Test
  void convert_mountOptions_checkedAfterExpansionAsBuildKit() {
    fails(
        "FROM busybox\nARG T=weird\nRUN --mount=type=$T,target=/x true\n",
        "Dockerfile:3: unsupported mount type \"weird\"");
    fails(
        "FROM busybox\nRUN --mount=type=bind,target=/x,uid=1 true\n",
        "Dockerfile:2: uid not allowed for \"bind\" type mounts");
    fails(
        "FROM busybox\nRUN --mount=type=tmpfs,target=/x,sharing=locked true\n",
        "Dockerfile:2: invalid cache sharing set for tmpfs mount");
    fails(
        "FROM busybox\nRUN --mount=type=cache,target=/x,sharing=everyone true\n",
        "Dockerfile:2: unsupported sharing value \"everyone\"");
    fails(
        "FROM busybox\nRUN --mount=type=bind,target=/x,size=1m true\n",
        "Dockerfile:2: unexpected key 'size' for mount type 'bind'");
    fails(
        "FROM busybox\nRUN --mount=type=cache,target=/x,mode=999 true\n",
        "Dockerfile:2: invalid value 999 for mode");
    fails(
        "FROM busybox\nRUN --mount=type=secret true\n",
        "Dockerfile:2: invalid secret mount. one of source, target required");
    fails(
        "FROM busybox\nRUN --mount=type=secret,id=a,source=b true\n",
        "Dockerfile:2: both source and id can't be set");
    fails(
        "FROM busybox\nRUN --mount=type=ssh,source=/x true\n",
        "Dockerfile:2: ssh does not support source");
    fails(
        "FROM busybox\nRUN --mount=type=bind,target=/x,required true\n",
        "Dockerfile:2: unexpected key 'required' for mount type 'bind'");
    fails(
        "FROM busybox\nRUN --mount=type=cache,target=. true\n",
        "Dockerfile:2: invalid mount target \"/\"");
  }

  @Test
  void convert_badChmod_error() {
    fails(
        "FROM busybox\nCOPY --chmod=u+x a /a\n",
        "Dockerfile:2: invalid --chmod value 'u+x': expected an octal mode such as 0755");
  }

  @Test
  void convert_unresolvableBase_errorAtFromLine() {
    fails(
        "FROM busybox AS a\nFROM nosuch/image:1\n",
        "Dockerfile:2: cannot resolve base image docker.io/nosuch/image:1: manifest unknown:"
            + " docker.io/nosuch/image:1");
  }

  @Test
  void convert_invalidReference_error() {
    fails(
        "FROM Busy@box\n",
        "Dockerfile:1: invalid image reference 'Busy@box': "
            + "invalid digest 'box': expected algorithm:hex");
  }

  @Test
  void convert_badExpose_error() {
    fails(
        "FROM busybox\nEXPOSE 80/foo\n",
        "Dockerfile:2: invalid EXPOSE protocol in '80/foo' (use tcp, udp or sctp)");
  }

  @Test
  void convert_copyFromFutureStage_error() {
    fails(
        "FROM busybox AS a\nCOPY --from=1 /a /a\nFROM busybox\nCOPY --from=a /a /a\n",
        "Dockerfile:2: invalid from flag value 1: refers to current or future build stage (use an"
            + " earlier stage's index or name)");
  }

  @Test
  void convert_invalidOnbuildTrigger_errorAtFromLine() {
    assertThatThrownBy(
            () ->
                DockerfileConverter.convert(
                    ConversionRequest.of(
                        "ARG X\n\nFROM busybox\n",
                        AMD64,
                        Fixtures.resolver(
                            Map.of(
                                "docker.io/library/busybox:latest",
                                Fixtures.busybox(java.util.List.of("FROM other")))))))
        .hasMessage(
            "Dockerfile:3: invalid ONBUILD trigger in base busybox: FROM is not allowed as an"
                + " ONBUILD trigger");
  }

  @Test
  void convert_unknownTarget_listsStages() {
    assertThatThrownBy(
            () ->
                DockerfileConverter.convert(
                    ConversionRequest.of(
                            "FROM busybox AS a\nFROM busybox AS b\n",
                            AMD64,
                            Fixtures.busyboxResolver())
                        .withTarget("c")))
        .hasMessage("Dockerfile: target stage \"c\" could not be found (available stages: a, b)");
  }

  @Test
  void convert_duplicateMountTarget_reportedAtLine() {
    fails(
        "FROM busybox\nRUN --mount=type=tmpfs,target=/t --mount=type=tmpfs,target=/t ls\n",
        "Dockerfile:2: exec op mounts '/t' twice");
  }
}
