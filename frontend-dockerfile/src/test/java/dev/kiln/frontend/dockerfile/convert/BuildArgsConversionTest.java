package dev.kiln.frontend.dockerfile.convert;

import static dev.kiln.frontend.dockerfile.convert.Fixtures.AMD64;
import static dev.kiln.frontend.dockerfile.convert.Fixtures.PATH;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.ExecMeta;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.ImageConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Build args, proxy args, sandbox hostname and platform args as BuildKit's dockerfile2llb. */
class BuildArgsConversionTest {

  private static ConversionResult convert(String dockerfile, Map<String, String> args)
      throws Exception {
    return DockerfileConverter.convert(
        ConversionRequest.of(dockerfile, AMD64, Fixtures.busyboxResolver()).withBuildArgs(args));
  }

  private static List<ExecMeta> runs(ConversionResult r) {
    List<ExecMeta> out = new ArrayList<>();
    for (Vertex v : Fixtures.vertices(r.state().output())) {
      if (v.op() instanceof ExecOp e) {
        out.add(e.meta());
      }
    }
    return out;
  }

  private static ExecMeta lastRun(ConversionResult r) {
    return ((ExecOp) r.state().output().vertex().op()).meta();
  }

  private static List<String> history(ConversionResult r) {
    return r.imageConfig().history().stream().map(ImageConfig.History::createdBy).toList();
  }

  @Test
  void proxyArgs_reachEveryRunButNotEnvConfigOrHistory() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\nRUN a\nFROM busybox\nRUN b\n",
            Map.of(
                "HTTP_PROXY", "http://p:3128",
                "https_proxy", "http://s:3129",
                "No_Proxy", "localhost",
                "FTP_PROXY", "ftp://f",
                "ALL_PROXY", "socks5://a"));
    List<String> expected =
        List.of(
            "HTTP_PROXY=http://p:3128",
            "http_proxy=http://p:3128",
            "HTTPS_PROXY=http://s:3129",
            "https_proxy=http://s:3129",
            "FTP_PROXY=ftp://f",
            "ftp_proxy=ftp://f",
            "NO_PROXY=localhost",
            "no_proxy=localhost",
            "ALL_PROXY=socks5://a",
            "all_proxy=socks5://a");
    assertThat(lastRun(r).proxyEnv()).isEqualTo(expected);
    assertThat(lastRun(r).env()).containsExactly(PATH);
    assertThat(r.imageConfig().containerConfig().env()).containsExactly(PATH);
    assertThat(history(r)).contains("RUN /bin/sh -c b # buildkit");
  }

  @Test
  void proxyArgs_bothSpellings_lastInByteOrderWins() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\nRUN a\n",
            Map.of("HTTP_PROXY", "upper", "http_proxy", "lower", "Http_Proxy", "mixed"));
    assertThat(lastRun(r).proxyEnv()).containsExactly("HTTP_PROXY=lower", "http_proxy=lower");
  }

  @Test
  void proxyArgs_declared_alsoAnOrdinaryArg() throws Exception {
    ConversionResult r =
        convert("FROM busybox\nARG HTTP_PROXY\nRUN a\n", Map.of("HTTP_PROXY", "http://p"));
    assertThat(lastRun(r).env()).containsExactly(PATH, "HTTP_PROXY=http://p");
    assertThat(history(r)).contains("RUN |1 HTTP_PROXY=http://p /bin/sh -c a # buildkit");
  }

  @Test
  void argsOfParentStage_visibleInChildStage() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox AS parent\nARG V=1\nENV E=e\nARG W\nENV X=env\nARG X=arg\n"
                + "FROM parent AS child\nRUN echo $V\nARG V\nRUN echo again\n",
            Map.of());
    List<ExecMeta> runs = runs(r);
    // the parent's state env, then the image's Env set again: the parent's ENV X wins here
    assertThat(runs.get(0).env()).containsExactly("V=1", PATH, "E=e", "X=env");
    assertThat(runs.get(1).env()).containsExactly("V=1", PATH, "E=e", "X=env");
    assertThat(history(r))
        .contains(
            "RUN |3 V=1 W= X=env /bin/sh -c echo $V # buildkit",
            "RUN |3 V=1 W= X=env /bin/sh -c echo again # buildkit");
    assertThat(r.imageConfig().containerConfig().env()).containsExactly(PATH, "E=e", "X=env");
  }

  @Test
  void argAfterEnv_winsInRunButNotInImage() throws Exception {
    ConversionResult r =
        convert("FROM busybox\nENV X=env\nARG X=arg\nRUN echo $X > /x\nLABEL x=$X\n", Map.of());
    ExecMeta run = runs(r).get(0);
    assertThat(run.env()).containsExactly(PATH, "X=arg");
    assertThat(r.imageConfig().containerConfig().env()).containsExactly(PATH, "X=env");
    assertThat(r.imageConfig().containerConfig().labels()).containsEntry("x", "arg");
    assertThat(history(r)).contains("RUN |1 X=arg /bin/sh -c echo $X > /x # buildkit");
  }

  @Test
  void envAfterArg_winsEverywhere() throws Exception {
    ConversionResult r = convert("FROM busybox\nARG X=arg\nENV X=env\nRUN echo\n", Map.of());
    assertThat(lastRun(r).env()).containsExactly(PATH, "X=env");
    assertThat(history(r)).contains("RUN |1 X=env /bin/sh -c echo # buildkit");
  }

  @Test
  void sandboxHostnameArg_setsTheHostnameOfEveryRun() throws Exception {
    ConversionResult r =
        convert("FROM busybox\nRUN a\nRUN b\n", Map.of("BUILDKIT_SANDBOX_HOSTNAME", "foo"));
    assertThat(runs(r)).extracting(ExecMeta::hostname).containsExactly("foo", "foo");
    assertThat(lastRun(r).env()).containsExactly(PATH);
  }

  @Test
  void extraHosts_ofTheRequest_onEveryRun() throws Exception {
    List<ExecMeta.HostIp> hosts = List.of(new ExecMeta.HostIp("db", "10.0.0.5"));
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of("FROM busybox\nRUN a\n", AMD64, Fixtures.busyboxResolver())
                .withExtraHosts(hosts));
    assertThat(lastRun(r).extraHosts()).isEqualTo(hosts);
  }

  @Test
  void platformArgs_onlyAfterArgInTheStage_withNativeValues() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox AS build\nRUN echo $TARGETPLATFORM\n"
                + "ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS"
                + " BUILDARCH BUILDVARIANT TARGETSTAGE TARGETOSVERSION\n"
                + "RUN echo\n",
            Map.of());
    List<ExecMeta> runs = runs(r);
    assertThat(runs.get(0).env()).containsExactly(PATH);
    assertThat(runs.get(1).env())
        .containsExactly(
            PATH,
            "TARGETPLATFORM=linux/amd64",
            "TARGETOS=linux",
            "TARGETARCH=amd64",
            "TARGETVARIANT=",
            "BUILDPLATFORM=linux/amd64",
            "BUILDOS=linux",
            "BUILDARCH=amd64",
            "BUILDVARIANT=",
            "TARGETSTAGE=build",
            "TARGETOSVERSION=");
  }

  @Test
  void platformArgs_globalScopeForFrom_andBuildArgOverrides() throws Exception {
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                    "FROM busybox:$TARGETARCH\nARG TARGETARCH\nARG TARGETSTAGE\nRUN echo\n",
                    AMD64,
                    Fixtures.resolver(
                        Map.of("docker.io/library/busybox:foo", Fixtures.busybox(List.of()))))
                .withBuildArgs(Map.of("TARGETARCH", "foo")));
    assertThat(lastRun(r).env()).containsExactly(PATH, "TARGETARCH=foo", "TARGETSTAGE=default");
  }
}
