package dev.kiln.frontend.dockerfile.convert;

import static dev.kiln.frontend.dockerfile.convert.Fixtures.AMD64;
import static dev.kiln.frontend.dockerfile.convert.Fixtures.PATH;
import static dev.kiln.frontend.dockerfile.convert.Fixtures.convert;
import static dev.kiln.frontend.dockerfile.convert.Fixtures.input;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.HttpOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.LocalOp;
import dev.kiln.core.graph.MergeOp;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.NetworkMode;
import dev.kiln.core.graph.Owner;
import dev.kiln.core.graph.ScratchOp;
import dev.kiln.core.graph.Vertex;
import dev.kiln.oci.ContainerConfig;
import dev.kiln.oci.ImageConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerfileConverterTest {

  @Test
  void convert_requestNetwork_isTheDefaultOfRunSteps() throws Exception {
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                    "FROM busybox\nRUN echo a\nRUN --network=host echo b\n",
                    AMD64,
                    Fixtures.busyboxResolver())
                .withNetwork(NetworkMode.NONE));

    assertThat(r.definition().vertices())
        .extracting(Vertex::op)
        .filteredOn(ExecOp.class::isInstance)
        .extracting(op -> ((ExecOp) op).network())
        .containsExactly(NetworkMode.NONE, NetworkMode.HOST);
  }

  @Test
  void convert_fromOciLayout_keepsTheReferenceAsWritten() throws Exception {
    List<String> asked = new java.util.ArrayList<>();
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                "FROM oci-layout:///srv/images/app:1\n",
                AMD64,
                (ref, platform) -> {
                  asked.add(ref);
                  return Fixtures.busybox(List.of());
                }));

    assertThat(asked).containsExactly("oci-layout:///srv/images/app:1");
    assertThat(r.definition().vertices())
        .extracting(Vertex::op)
        .filteredOn(ImageOp.class::isInstance)
        .singleElement()
        .extracting(op -> ((ImageOp) op).ref())
        .isEqualTo("oci-layout:///srv/images/app:1");
  }

  @Test
  void convert_singleStage_graphShapeConfigAndHistory() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\n"
                + "WORKDIR app\n"
                + "COPY a.txt b.txt ./\n"
                + "RUN echo hi > out\n"
                + "CMD [\"./run\", \"--fast\"]\n");
    Vertex run = r.state().output().vertex();
    ExecOp exec = (ExecOp) run.op();
    assertThat(exec.meta().args()).containsExactly("/bin/sh", "-c", "echo hi > out");
    assertThat(exec.meta().cwd()).isEqualTo("/app");
    assertThat(exec.meta().env()).containsExactly(PATH);
    assertThat(exec.network()).isEqualTo(NetworkMode.SANDBOX);
    assertThat(exec.mounts()).containsExactly(Mount.root());
    assertThat(run.metadata().name()).isEqualTo("[4/5] RUN echo hi > out");

    Vertex copy = input(run, 0);
    FileOp copyOp = (FileOp) copy.op();
    assertThat(copyOp.actions())
        .containsExactly(
            new FileAction.Copy(1, "/a.txt", "/app/", true, true, true, true, true, -1, null),
            new FileAction.Copy(1, "/b.txt", "/app/", true, true, true, true, true, -1, null));
    assertThat(copy.metadata().name()).isEqualTo("[3/5] COPY a.txt b.txt ./");
    Vertex context = input(copy, 1);
    assertThat(context.op()).isEqualTo(new LocalOp("context", List.of(), List.of(), "context"));
    assertThat(context.metadata().name()).isEqualTo("[internal] load build context");

    Vertex mkdir = input(copy, 0);
    assertThat(((FileOp) mkdir.op()).actions())
        .containsExactly(new FileAction.Mkdir("/app", 0755, true, null));
    assertThat(mkdir.metadata().name()).isEqualTo("[2/5] WORKDIR app");
    Vertex image = input(mkdir, 0);
    assertThat(image.op()).isEqualTo(new ImageOp("docker.io/library/busybox:latest", AMD64));
    assertThat(image.metadata().name()).isEqualTo("[1/5] FROM docker.io/library/busybox:latest");

    ContainerConfig c = r.imageConfig().containerConfig();
    assertThat(c.workingDir()).isEqualTo("/app");
    assertThat(c.cmd()).containsExactly("./run", "--fast");
    assertThat(c.env()).containsExactly(PATH);
    assertThat(r.imageConfig().history())
        .extracting(ImageConfig.History::createdBy, ImageConfig.History::emptyLayer)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("busybox rootfs", false),
            org.assertj.core.groups.Tuple.tuple("WORKDIR /app", false),
            org.assertj.core.groups.Tuple.tuple("COPY a.txt b.txt ./ # buildkit", false),
            org.assertj.core.groups.Tuple.tuple("RUN /bin/sh -c echo hi > out # buildkit", false),
            org.assertj.core.groups.Tuple.tuple("CMD [\"./run\" \"--fast\"]", true));
    assertThat(r.imageConfig().history().get(1).comment()).isEqualTo("buildkit.dockerfile.v0");
  }

  @Test
  void convert_scratchWithMetadata_imageConfigFields() throws Exception {
    ConversionResult r =
        convert(
            "FROM scratch\n"
                + "MAINTAINER kiln <k@example.com>\n"
                + "LABEL a=1 \"b c\"=\"two words\"\n"
                + "ENV APP=/opt/app\n"
                + "EXPOSE 80 9000-9001/udp\n"
                + "VOLUME /data\n"
                + "USER 1000:1000\n"
                + "STOPSIGNAL SIGINT\n"
                + "SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\n"
                + "HEALTHCHECK --interval=30s --retries=2 CMD wget -q localhost\n"
                + "ENTRYPOINT $APP/bin/start\n"
                + "ONBUILD RUN echo child\n");
    assertThat(r.state().output().vertex().op()).isEqualTo(new ScratchOp());
    ContainerConfig c = r.imageConfig().containerConfig();
    assertThat(r.imageConfig().author()).isEqualTo("kiln <k@example.com>");
    assertThat(c.labels()).containsExactly(Map.entry("a", "1"), Map.entry("b c", "two words"));
    assertThat(c.env()).containsExactly(PATH, "APP=/opt/app");
    assertThat(c.workingDir()).isEqualTo("/");
    assertThat(c.exposedPorts()).containsExactly("80/tcp", "9000/udp", "9001/udp");
    assertThat(c.volumes()).containsExactly("/data");
    assertThat(c.user()).isEqualTo("1000:1000");
    assertThat(c.stopSignal()).isEqualTo("SIGINT");
    assertThat(c.shell()).containsExactly("/bin/ash", "-eo", "pipefail", "-c");
    assertThat(c.healthcheck().test()).containsExactly("CMD-SHELL", "wget -q localhost");
    assertThat(c.healthcheck().interval()).isEqualTo(30_000_000_000L);
    assertThat(c.healthcheck().retries()).isEqualTo(2);
    assertThat(c.entrypoint())
        .containsExactly("/bin/ash", "-eo", "pipefail", "-c", "$APP/bin/start");
    assertThat(c.cmd()).isNull();
    assertThat(c.onBuild()).containsExactly("RUN echo child");
    assertThat(r.imageConfig().os()).isEqualTo("linux");
    assertThat(r.imageConfig().architecture()).isEqualTo("amd64");
    assertThat(r.imageConfig().history())
        .extracting(ImageConfig.History::createdBy)
        .contains(
            "EXPOSE map[80/tcp:{} 9000/udp:{} 9001/udp:{}]",
            "VOLUME [/data]",
            "SHELL [/bin/ash -eo pipefail -c]",
            "LABEL a=1 b c=two words");
    assertThat(r.imageConfig().history()).allMatch(ImageConfig.History::emptyLayer);
  }

  @Test
  void convert_exposeHealthcheckOnbuild_historyAsBuildkitWritesIt() throws Exception {
    // BuildKit's dispatchExpose (this instruction's ports), dispatchHealthcheck ("%q" of its
    // HealthcheckConfig) and dispatchOnbuild (no history entry)
    ConversionResult r =
        convert(
            "FROM scratch\n"
                + "EXPOSE 80\n"
                + "EXPOSE 53/udp 7000-7001\n"
                + "ONBUILD RUN echo child\n"
                + "HEALTHCHECK CMD [\"true\"]\n"
                + "HEALTHCHECK --interval=5s --timeout=1m30s --start-period=1h"
                + " --start-interval=500ms --retries=3 CMD wget -q localhost\n"
                + "HEALTHCHECK NONE\n");
    assertThat(r.imageConfig().containerConfig().exposedPorts())
        .containsExactlyInAnyOrder("53/udp", "7000/tcp", "7001/tcp", "80/tcp");
    assertThat(r.imageConfig().history())
        .extracting(ImageConfig.History::createdBy)
        .containsExactly(
            "EXPOSE map[80/tcp:{}]",
            "EXPOSE map[53/udp:{} 7000/tcp:{} 7001/tcp:{}]",
            "HEALTHCHECK &{[\"CMD\" \"true\"] \"0s\" \"0s\" \"0s\" \"0s\" '\\x00'}",
            "HEALTHCHECK &{[\"CMD-SHELL\" \"wget -q localhost\"] \"5s\" \"1m30s\" \"1h0m0s\""
                + " \"500ms\" '\\x03'}",
            "HEALTHCHECK &{[\"NONE\"] \"0s\" \"0s\" \"0s\" \"0s\" '\\x00'}");
  }

  @Test
  void convert_argAndEnvSubstitution_buildArgsGlobalAndStageScope() throws Exception {
    String dockerfile =
        "ARG TAG=1.36\n"
            + "FROM busybox:${TAG} AS base\n"
            + "ARG TAG\n"
            + "ARG MODE=debug\n"
            + "ENV DIR=/srv/$MODE\n"
            + "WORKDIR $DIR\n"
            + "RUN echo $MODE $TAG\n"
            + "LABEL tag=$TAG os=$TARGETOS\n";
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                    dockerfile,
                    AMD64,
                    Fixtures.resolver(
                        Map.of("docker.io/library/busybox:1.37", Fixtures.busybox(List.of()))))
                .withBuildArgs(Map.of("TAG", "1.37", "MODE", "release")));
    ExecOp exec = (ExecOp) r.state().output().vertex().op();
    assertThat(exec.meta().cwd()).isEqualTo("/srv/release");
    // the build state's environment, in dispatch order (BuildKit's llb env list)
    assertThat(exec.meta().env())
        .containsExactly(PATH, "TAG=1.37", "MODE=release", "DIR=/srv/release");
    assertThat(r.imageConfig().containerConfig().env()).containsExactly(PATH, "DIR=/srv/release");
    assertThat(r.imageConfig().containerConfig().labels())
        .containsEntry("tag", "1.37")
        .containsEntry("os", "");
    assertThat(r.imageConfig().history())
        .extracting(ImageConfig.History::createdBy)
        .contains("RUN |2 TAG=1.37 MODE=release /bin/sh -c echo $MODE $TAG # buildkit");
    assertThat(r.state().output().vertex().metadata().name())
        .isEqualTo("[base 6/7] RUN echo $MODE $TAG");
  }

  @Test
  void convert_multiStage_copyFromStageIndexAndImage_onlyNeededStages() throws Exception {
    String dockerfile =
        "FROM busybox AS build\n"
            + "RUN mkdir /out && echo x > /out/app\n"
            + "FROM busybox AS unused\n"
            + "RUN exit 1\n"
            + "FROM scratch\n"
            + "COPY --from=build --chown=app:1 --chmod=750 /out/app /bin/\n"
            + "COPY --from=0 /out /out2\n"
            + "COPY --from=alpine:3.19 /etc/os-release /\n";
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                dockerfile,
                AMD64,
                (ref, p) -> {
                  assertThat(ref).isNotEqualTo("docker.io/library/alpine:3.19");
                  return Fixtures.busybox(List.of());
                }));
    List<Vertex> all = Fixtures.vertices(r.state().output());
    assertThat(all)
        .noneMatch(v -> v.op() instanceof ExecOp e && e.meta().args().contains("exit 1"));
    Vertex last = r.state().output().vertex();
    FileAction.Copy fromImage = (FileAction.Copy) ((FileOp) last.op()).actions().get(0);
    assertThat(fromImage.src()).isEqualTo("/etc/os-release");
    assertThat(input(last, 1).op()).isEqualTo(new ImageOp("docker.io/library/alpine:3.19", AMD64));
    Vertex byIndex = input(last, 0);
    assertThat(((FileOp) byIndex.op()).actions())
        .containsExactly(
            new FileAction.Copy(1, "/out", "/out2", true, true, true, true, true, -1, null));
    Vertex byName = input(byIndex, 0);
    assertThat(((FileOp) byName.op()).actions())
        .containsExactly(
            new FileAction.Copy(
                1, "/out/app", "/bin/", true, true, true, true, true, 0750, Owner.parse("app:1")));
    assertThat(input(byName, 0).op()).isEqualTo(new ScratchOp());
    assertThat(input(byName, 1)).isEqualTo(input(byIndex, 1));
    assertThat(((ExecOp) input(byName, 1).op()).meta().args())
        .containsExactly("/bin/sh", "-c", "mkdir /out && echo x > /out/app");
    assertThat(input(byName, 1).metadata().name())
        .isEqualTo("[build 2/2] RUN mkdir /out && echo x > /out/app");
    assertThat(r.imageConfig().history())
        .extracting(ImageConfig.History::createdBy)
        .containsExactly(
            "COPY /out/app /bin/ # buildkit",
            "COPY /out /out2 # buildkit",
            "COPY /etc/os-release / # buildkit");
  }

  @Test
  void convert_sameInput_sameDigest_unrelatedStageChangeKeepsTargetDigest() throws Exception {
    String a =
        "FROM busybox AS build\nRUN make\n"
            + "FROM busybox AS other\nRUN echo one\n"
            + "FROM busybox\nCOPY --from=build /out /out\n";
    String b = a.replace("echo one", "echo two");
    assertThat(convert(a).definition().outputs().get(0).vertex().digest())
        .isEqualTo(convert(a).definition().outputs().get(0).vertex().digest());
    assertThat(convert(a).definition().toJson()).isEqualTo(convert(a).definition().toJson());
    assertThat(convert(b).state().output().vertex().digest())
        .isEqualTo(convert(a).state().output().vertex().digest());
    String c = a.replace("RUN make", "RUN make all");
    assertThat(convert(c).state().output().vertex().digest())
        .isNotEqualTo(convert(a).state().output().vertex().digest());
  }

  @Test
  void convert_targetStage_buildsOnlyThatStage() throws Exception {
    String dockerfile = "FROM busybox AS one\nRUN echo 1\nFROM one AS two\nENV X=2\nRUN echo 2\n";
    ConversionResult one =
        DockerfileConverter.convert(
            ConversionRequest.of(dockerfile, AMD64, Fixtures.busyboxResolver()).withTarget("one"));
    assertThat(one.stageName()).isEqualTo("one");
    assertThat(((ExecOp) one.state().output().vertex().op()).meta().args()).endsWith("echo 1");
    ConversionResult two = convert(dockerfile);
    Vertex run2 = two.state().output().vertex();
    assertThat(((ExecOp) run2.op()).meta().env()).containsExactly(PATH, "X=2");
    assertThat(input(run2, 0)).isEqualTo(one.state().output().vertex());
    assertThat(two.imageConfig().history()).hasSize(4);
  }

  @Test
  void convert_dockerignoreExcludes_goIntoLocalSource() throws Exception {
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of("FROM busybox\nCOPY . /src\n", AMD64, Fixtures.busyboxResolver())
                .withExcludes(List.of("node_modules", "**/*.log", "!keep.log")));
    Vertex copy = r.state().output().vertex();
    assertThat(input(copy, 1).op())
        .isEqualTo(
            new LocalOp(
                "context", List.of(), List.of("node_modules", "**/*.log", "!keep.log"), "context"));
    assertThat(((FileAction.Copy) ((FileOp) copy.op()).actions().get(0)).src()).isEqualTo("/");
  }

  @Test
  void convert_runForms_execFormMountsNetworkAndUser() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox AS tools\n"
                + "FROM busybox\n"
                + "USER nobody\n"
                + "WORKDIR /w\n"
                + "RUN [\"/bin/echo\", \"exec form\"]\n"
                + "RUN --network=none --mount=type=bind,from=tools,source=/bin,target=/t"
                + " --mount=type=cache,target=.cache,id=c1,sharing=locked"
                + " --mount=type=tmpfs,target=/tmp --mount=target=/ctx,rw ls\n");
    Vertex last = r.state().output().vertex();
    ExecOp run = (ExecOp) last.op();
    assertThat(run.network()).isEqualTo(NetworkMode.NONE);
    assertThat(run.meta().user()).isEqualTo("nobody");
    assertThat(run.mounts())
        .containsExactly(
            Mount.root(),
            Mount.bind(1, "/t", "/bin", true),
            Mount.cache("/w/.cache", "c1", Mount.CacheSharing.LOCKED),
            Mount.tmpfs("/tmp"),
            // rw: writable, but the changes are discarded (BuildKit's ForceNoOutput)
            new Mount(
                2,
                "/ctx",
                "/",
                false,
                Mount.Type.BIND,
                null,
                null,
                Mount.Options.discardChanges()));
    assertThat(run.outputCount()).isEqualTo(1);
    assertThat(input(last, 1).op()).isInstanceOf(ImageOp.class);
    assertThat(input(last, 2).op()).isInstanceOf(LocalOp.class);
    Vertex exec = input(last, 0);
    assertThat(((ExecOp) exec.op()).meta().args()).containsExactly("/bin/echo", "exec form");
    FileAction.Mkdir mkdir = (FileAction.Mkdir) ((FileOp) input(exec, 0).op()).actions().get(0);
    assertThat(mkdir.owner()).isEqualTo(Owner.parse("nobody"));
    assertThat(r.imageConfig().history())
        .extracting(ImageConfig.History::createdBy)
        .contains("RUN /bin/echo exec form # buildkit");
  }

  @Test
  void convert_copyLink_copiesOntoScratchAndMerges() throws Exception {
    ConversionResult r = convert("FROM busybox\nCOPY --link app /app\n");
    Vertex merge = r.state().output().vertex();
    assertThat(merge.op()).isEqualTo(new MergeOp());
    assertThat(input(merge, 0).op()).isInstanceOf(ImageOp.class);
    Vertex copy = input(merge, 1);
    assertThat(input(copy, 0).op()).isEqualTo(new ScratchOp());
    assertThat(merge.metadata().name()).isEqualTo("[2/2] COPY --link app /app");
  }

  @Test
  void convert_onbuildTriggersOfBase_runFirstAndAreNotInherited() throws Exception {
    ImageConfig base = Fixtures.busybox(List.of("ENV FROM_TRIGGER=yes", "COPY . /app/src"));
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                "FROM example.com/builder:1\nRUN make\n",
                AMD64,
                Fixtures.resolver(Map.of("example.com/builder:1", base))));
    Vertex run = r.state().output().vertex();
    assertThat(((ExecOp) run.op()).meta().env()).containsExactly(PATH, "FROM_TRIGGER=yes");
    assertThat(run.metadata().name()).isEqualTo("[4/4] RUN make");
    Vertex copy = input(run, 0);
    assertThat(((FileAction.Copy) ((FileOp) copy.op()).actions().get(0)).dest())
        .isEqualTo("/app/src");
    assertThat(copy.metadata().name()).isEqualTo("[3/4] COPY . /app/src");
    assertThat(r.imageConfig().containerConfig().onBuild()).isEmpty();
    assertThat(r.imageConfig().containerConfig().env()).contains("FROM_TRIGGER=yes");
  }

  @Test
  void convert_baseImageConfig_envWorkdirUserApply() throws Exception {
    ContainerConfig c =
        new ContainerConfig(
            "svc",
            null,
            List.of("PATH=/custom/bin", "HOME=/home/svc"),
            List.of("/entry"),
            List.of("serve"),
            null,
            "/home/svc",
            Map.of("base", "yes"),
            null,
            null,
            null,
            null,
            null,
            null);
    ImageConfig base = ImageConfig.of(AMD64).withConfig(c);
    ConversionResult r =
        DockerfileConverter.convert(
            ConversionRequest.of(
                "FROM ghcr.io/acme/svc:2\nCOPY cfg $HOME/cfg\nRUN ls\n",
                AMD64,
                Fixtures.resolver(Map.of("ghcr.io/acme/svc:2", base))));
    ExecOp run = (ExecOp) r.state().output().vertex().op();
    assertThat(run.meta().env()).containsExactly("PATH=/custom/bin", "HOME=/home/svc");
    assertThat(run.meta().cwd()).isEqualTo("/home/svc");
    assertThat(run.meta().user()).isEqualTo("svc");
    FileOp copy = (FileOp) input(r.state().output().vertex(), 0).op();
    assertThat(((FileAction.Copy) copy.actions().get(0)).dest()).isEqualTo("/home/svc/cfg");
    ContainerConfig out = r.imageConfig().containerConfig();
    assertThat(out.entrypoint()).containsExactly("/entry");
    assertThat(out.cmd()).containsExactly("serve");
    assertThat(out.labels()).containsEntry("base", "yes");
  }

  @Test
  void convert_copyHeredoc_mkfileOnScratchThenCopy() throws Exception {
    ConversionResult r = convert("FROM busybox\nCOPY --chmod=755 <<EOF /run.sh\necho hi\nEOF\n");
    Vertex copy = r.state().output().vertex();
    Vertex file = input(copy, 1);
    FileAction.Mkfile mk = (FileAction.Mkfile) ((FileOp) file.op()).actions().get(0);
    assertThat(mk.path()).isEqualTo("/EOF");
    // as BuildKit: the document is 0644; --chmod applies to the copy, which has only
    // createDestPath of the copy flags
    assertThat(mk.mode()).isEqualTo(0644);
    assertThat(new String(mk.data(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("echo hi\n");
    FileAction.Copy cp = (FileAction.Copy) ((FileOp) copy.op()).actions().get(0);
    assertThat(cp.mode()).isEqualTo(0755);
    assertThat(cp.createDestPath()).isTrue();
    assertThat(cp.followSymlinks() || cp.dirContentsOnly() || cp.allowWildcard()).isFalse();
    assertThat(r.imageConfig().history().get(1).createdBy())
        .isEqualTo("COPY <<EOF /run.sh # buildkit");
  }

  @Test
  void convert_addUrl_httpSourceCopiedAsIsUnderItsBaseName() throws Exception {
    String sum = "sha256:" + "b".repeat(64);
    ConversionResult r =
        convert(
            "FROM busybox\nADD --chown=1:2 --checksum="
                + sum
                + " https://example.com/dl/tool.tar.gz?x=1 /opt/\n"
                + "ADD http://example.com/ /index\n");
    Vertex second = r.state().output().vertex();
    Vertex first = input(second, 0);
    FileAction.Copy copy = (FileAction.Copy) ((FileOp) first.op()).actions().get(0);
    assertThat(copy.src()).isEqualTo("/tool.tar.gz");
    assertThat(copy.dest()).isEqualTo("/opt/");
    assertThat(copy.attemptUnpackDockerCompatibility()).isFalse();
    assertThat(copy.allowWildcard()).isFalse();
    assertThat(copy.owner()).isEqualTo(Owner.parse("1:2"));
    HttpOp http = (HttpOp) input(first, 1).op();
    assertThat(http)
        .isEqualTo(
            new HttpOp(
                "https://example.com/dl/tool.tar.gz?x=1",
                "tool.tar.gz",
                dev.kiln.oci.Digest.parse(sum)));
    assertThat(((HttpOp) input(second, 1).op()).filename()).isEqualTo("__unnamed__");
    assertThat(r.imageConfig().history().get(1).createdBy())
        .isEqualTo("ADD https://example.com/dl/tool.tar.gz?x=1 /opt/ # buildkit");
  }

  @Test
  void convert_severalSourcesWithoutSlash_oneCopyEachOntoTheDestination() throws Exception {
    // BuildKit has no "must end with a /" rule: each source is copied onto /dest in turn
    ConversionResult r = convert("FROM busybox\nWORKDIR /w\nCOPY a b /dest\nCOPY c sub/.\n");
    Vertex dot = r.state().output().vertex();
    Vertex several = input(dot, 0);

    assertThat(((FileOp) several.op()).actions())
        .extracting(a -> ((FileAction.Copy) a).src() + " -> " + ((FileAction.Copy) a).dest())
        .containsExactly("/a -> /dest", "/b -> /dest");
    assertThat(((FileAction.Copy) ((FileOp) dot.op()).actions().get(0)).dest())
        .isEqualTo("/w/sub/");
  }

  @Test
  void convert_chownForms_parsedAsBuildKitsWithUser() throws Exception {
    ConversionResult r = convert("FROM busybox\nCOPY --chown=:staff a /a\n");
    FileAction.Copy c =
        (FileAction.Copy) ((FileOp) r.state().output().vertex().op()).actions().get(0);

    assertThat(c.owner()).isEqualTo(new Owner(Owner.Id.named(""), Owner.Id.named("staff")));
    assertThat(Owner.parse("4294967295").user()).isEqualTo(Owner.Id.of(4294967295L));
    assertThat(Owner.parse("4294967296").user()).isEqualTo(Owner.Id.named("4294967296"));
    assertThat(Owner.parse("app:").group()).isNull();
  }

  @Test
  void convert_addLocalSources_setAttemptUnpackOnlyForAdd() throws Exception {
    ConversionResult r =
        convert(
            "FROM busybox\nADD --chown=1:2 rootfs.tar.gz notes.txt /opt/\n"
                + "COPY app.tar /app.tar\nADD <<EOF /h.tar\nx\nEOF\n");
    Vertex heredocAdd = r.state().output().vertex();
    Vertex copy = input(heredocAdd, 0);
    Vertex add = input(copy, 0);

    List<FileAction> adds = ((FileOp) add.op()).actions();
    assertThat(adds)
        .extracting(a -> ((FileAction.Copy) a).src())
        .containsExactly("/rootfs.tar.gz", "/notes.txt");
    assertThat(adds)
        .allSatisfy(
            a -> {
              FileAction.Copy c = (FileAction.Copy) a;
              assertThat(c.attemptUnpackDockerCompatibility()).isTrue();
              assertThat(c.dest()).isEqualTo("/opt/");
              assertThat(c.owner()).isEqualTo(Owner.parse("1:2"));
            });
    FileAction.Copy plain = (FileAction.Copy) ((FileOp) copy.op()).actions().get(0);
    assertThat(plain.src()).isEqualTo("/app.tar");
    assertThat(plain.attemptUnpackDockerCompatibility()).isFalse();
    FileAction.Copy heredoc = (FileAction.Copy) ((FileOp) heredocAdd.op()).actions().get(0);
    assertThat(heredoc.attemptUnpackDockerCompatibility()).isFalse();
    assertThat(r.imageConfig().history().get(1).createdBy())
        .isEqualTo("ADD rootfs.tar.gz notes.txt /opt/ # buildkit");
  }
}
