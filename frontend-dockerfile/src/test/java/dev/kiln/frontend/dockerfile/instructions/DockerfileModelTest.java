package dev.kiln.frontend.dockerfile.instructions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerfileModelTest {
  static final String MULTI_STAGE =
      "# syntax=docker/dockerfile:1\n"
          + "ARG GO_VERSION=1.22\n"
          + "ARG BASE=alpine:3.19\n"
          + "FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS Builder\n"
          + "WORKDIR /src\n"
          + "ENV CGO_ENABLED=0 GOFLAGS=\"-mod=vendor\"\n"
          + "COPY go.mod go.sum ./\n"
          + "RUN --mount=type=cache,target=/root/.cache/go-build \\\n"
          + "    --network=none \\\n"
          + "    go build -o /out/app ./cmd/app\n"
          + "FROM ${BASE} AS runtime-base\n"
          + "RUN apk add --no-cache ca-certificates\n"
          + "FROM scratch AS unused\n"
          + "COPY --from=builder /out/app /app\n"
          + "FROM runtime-base\n"
          + "ARG GO_VERSION\n"
          + "LABEL org.opencontainers.image.version=\"${GO_VERSION}\" maintainer=kiln\n"
          + "COPY --from=builder --chown=app:app /out/app /usr/local/bin/app\n"
          + "COPY --from=1 [\"/etc/ssl\", \"/etc/ssl\"]\n"
          + "EXPOSE 8080/tcp 9000-9001\n"
          + "USER app\n"
          + "HEALTHCHECK --interval=1m30s --timeout=3s --retries=3 "
          + "CMD [\"/usr/local/bin/app\", \"health\"]\n"
          + "ENTRYPOINT [\"/usr/local/bin/app\"]\n"
          + "CMD serve --port 80\n";

  @Test
  void parse_multiStage_stagesAndMetaArgs() throws Exception {
    Dockerfile df = Dockerfile.parse("Dockerfile", MULTI_STAGE);
    assertThat(df.metaArgs()).hasSize(2);
    assertThat(df.stages())
        .extracting(Stage::displayName)
        .containsExactly("builder", "runtime-base", "unused", "3");
    Stage builder = df.stages().get(0);
    assertThat(builder.from().platform()).isEqualTo("$BUILDPLATFORM");
    assertThat(builder.from().image()).isEqualTo("golang:${GO_VERSION}");
    Instruction.Run run = (Instruction.Run) builder.commands().get(3);
    assertThat(run.mounts())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.type()).isEqualTo("cache");
              assertThat(m.target()).contains("/root/.cache/go-build");
            });
    assertThat(run.network()).isEqualTo("none");
    assertThat(run.command().prependShell()).isTrue();
    assertThat(run.location().startLine()).isEqualTo(8);
    assertThat(run.location().endLine()).isEqualTo(10);
    Stage last = df.stages().get(3);
    Instruction.Copy copy = (Instruction.Copy) last.commands().get(2);
    assertThat(copy.from()).isEqualTo("builder");
    assertThat(copy.chown()).isEqualTo("app:app");
    assertThat(copy.sources()).containsExactly("/out/app");
    assertThat(copy.dest()).isEqualTo("/usr/local/bin/app");
    Instruction.Healthcheck hc = (Instruction.Healthcheck) last.commands().get(6);
    assertThat(hc.interval()).isEqualTo(Duration.ofSeconds(90));
    assertThat(hc.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(hc.retries()).isEqualTo(3);
    assertThat(hc.test().args()).containsExactly("/usr/local/bin/app", "health");
    assertThat(hc.test().prependShell()).isFalse();
    Instruction.Cmd cmd = (Instruction.Cmd) last.commands().get(8);
    assertThat(cmd.command().args()).containsExactly("serve --port 80");
    assertThat(cmd.command().prependShell()).isTrue();
  }

  @Test
  void expand_multiStage_globalArgsBuildArgsAndEnv() throws Exception {
    Dockerfile df = Dockerfile.parse("Dockerfile", MULTI_STAGE);
    ExpandedStage builder = StageExpander.expand(df, df.stages().get(0), Map.of(), Map.of());
    assertThat(builder.from().image()).isEqualTo("golang:1.22");
    assertThat(builder.env()).containsEntry("GOFLAGS", "-mod=vendor");
    ExpandedStage overridden =
        StageExpander.expand(df, df.stages().get(0), Map.of("GO_VERSION", "1.23"), Map.of());
    assertThat(overridden.from().image()).isEqualTo("golang:1.23");
    ExpandedStage last = StageExpander.expand(df, df.stages().get(3), Map.of(), Map.of());
    Instruction.Label label = (Instruction.Label) last.commands().get(1);
    assertThat(label.pairs())
        .containsExactly(
            new Instruction.KeyValue("org.opencontainers.image.version", "1.22"),
            new Instruction.KeyValue("maintainer", "kiln"));
    assertThat(((Instruction.Expose) last.commands().get(4)).ports())
        .containsExactly("8080/tcp", "9000-9001");
    assertThat(StageExpander.resolveMetaArgs(df, Map.of("BASE", "debian")))
        .containsEntry("BASE", "debian")
        .containsEntry("GO_VERSION", "1.22");
  }

  @Test
  void required_target_followsFromAndCopyFromButNotUnusedStages() throws Exception {
    Dockerfile df = Dockerfile.parse("Dockerfile", MULTI_STAGE);
    assertThat(StageDependencies.required(df, df.target(null), Map.of()))
        .extracting(Stage::index)
        .containsExactly(0, 1, 3);
    assertThat(StageDependencies.required(df, df.target("UNUSED"), Map.of()))
        .extracting(Stage::index)
        .containsExactly(0, 2);
  }

  @Test
  void target_unknown_errorNamesAvailableStages() throws Exception {
    Dockerfile df = Dockerfile.parse("Dockerfile", MULTI_STAGE);
    assertThatThrownBy(() -> df.target("nope"))
        .hasMessage(
            "Dockerfile: target stage \"nope\" could not be found"
                + " (available stages: builder, runtime-base, unused)");
  }

  @Test
  void required_mountFromFollowed_copyFromArgNotExpanded() throws Exception {
    // BuildKit's CopyCommand.Expand leaves --from as written: "$SRC" names no stage
    Dockerfile df =
        Dockerfile.parse(
            "Dockerfile",
            "FROM a AS deps\nFROM b AS tools\nFROM c\nARG SRC=tools\n"
                + "RUN --mount=from=deps,target=/d true\nCOPY --from=$SRC /x /y\n"
                + "COPY --from=TOOLS /x /z\n");
    assertThat(StageDependencies.required(df, df.target(null), Map.of()))
        .extracting(Stage::index)
        .containsExactly(0, 1, 2);
    Dockerfile noRef =
        Dockerfile.parse(
            "Dockerfile", "FROM b AS tools\nFROM c\nARG SRC=tools\nCOPY --from=$SRC /x /y\n");
    assertThat(StageDependencies.required(noRef, noRef.target(null), Map.of()))
        .extracting(Stage::index)
        .containsExactly(1);
  }

  @Test
  void required_selfOrFutureIndex_errors() throws Exception {
    Dockerfile self = Dockerfile.parse("Dockerfile", "FROM a AS x\nCOPY --from=x /a /b\n");
    assertThatThrownBy(() -> StageDependencies.required(self, self.target("x"), Map.of()))
        .hasMessageContaining("circular dependency detected on stage: x");
    Dockerfile future = Dockerfile.parse("Dockerfile", "FROM a\nCOPY --from=1 /a /b\nFROM b\n");
    assertThatThrownBy(() -> StageDependencies.required(future, future.stages().get(0), Map.of()))
        .hasMessageStartingWith("Dockerfile:2: invalid from flag value 1");
  }

  @Test
  void expand_envOverridesArgAndUsesPreviousEnvOnly() throws Exception {
    Dockerfile df =
        Dockerfile.parse(
            "Dockerfile",
            "FROM x\nARG V=arg\nWORKDIR /$V\nENV V=env A=1 B=$A\nWORKDIR /$V\nUSER ${B:-none}\n");
    ExpandedStage s = StageExpander.expand(df, df.stages().get(0), Map.of(), Map.of());
    assertThat(((Instruction.Workdir) s.commands().get(1)).path()).isEqualTo("/arg");
    assertThat(((Instruction.Workdir) s.commands().get(3)).path()).isEqualTo("/env");
    assertThat(((Instruction.User) s.commands().get(4)).user()).isEqualTo("none");
    assertThat(s.env()).containsEntry("B", "");
  }

  @Test
  void expand_runAndCmd_notExpanded() throws Exception {
    Dockerfile df = Dockerfile.parse("Dockerfile", "FROM x\nENV V=1\nRUN echo $V\nCMD [\"$V\"]\n");
    ExpandedStage s = StageExpander.expand(df, df.stages().get(0), Map.of(), Map.of());
    assertThat(((Instruction.Run) s.commands().get(1)).command().args()).containsExactly("echo $V");
    assertThat(((Instruction.Cmd) s.commands().get(2)).command().args()).containsExactly("$V");
  }

  @Test
  void expand_stageInheritsEnvOfParentStageAndBaseEnv() throws Exception {
    Dockerfile df =
        Dockerfile.parse("Dockerfile", "FROM x AS a\nENV P=/opt\nFROM a\nWORKDIR $P/$HOME\n");
    ExpandedStage s =
        StageExpander.expand(df, df.stages().get(1), Map.of(), Map.of("HOME", "root"));
    assertThat(((Instruction.Workdir) s.commands().get(0)).path()).isEqualTo("/opt/root");
  }

  @Test
  void expand_copyHeredoc_expandsUnlessDelimiterQuoted() throws Exception {
    Dockerfile df =
        Dockerfile.parse(
            "Dockerfile", "FROM x\nARG V=val\nCOPY <<EOF <<'RAW' /d/\n$V \"q\"\nEOF\n$V\nRAW\n");
    ExpandedStage s = StageExpander.expand(df, df.stages().get(0), Map.of(), Map.of());
    Instruction.Copy c = (Instruction.Copy) s.commands().get(1);
    assertThat(c.sources()).isEmpty();
    assertThat(c.sourceContents())
        .extracting(h -> h.content())
        .containsExactly("val \"q\"\n", "$V\n");
  }

  @Test
  void expand_requiredArgMissing_errorWithLine() throws Exception {
    Dockerfile df = Dockerfile.parse("Dockerfile", "FROM x\nARG V\n\nWORKDIR ${V:?set V}\n");
    assertThatThrownBy(() -> StageExpander.expand(df, df.stages().get(0), Map.of(), Map.of()))
        .hasMessageStartingWith("Dockerfile:4: failed to process \"${V:?set V}\": V: set V");
    ExpandedStage ok = StageExpander.expand(df, df.stages().get(0), Map.of("V", "/w"), Map.of());
    assertThat(((Instruction.Workdir) ok.commands().get(1)).path()).isEqualTo("/w");
  }

  @Test
  void expand_emptyFromImage_error() throws Exception {
    Dockerfile df = Dockerfile.parse("Dockerfile", "ARG IMG\nFROM $IMG\n");
    assertThatThrownBy(() -> StageExpander.expand(df, df.stages().get(0), Map.of(), Map.of()))
        .hasMessageStartingWith("Dockerfile:2: base name ($IMG) should not be blank");
  }

  @Test
  void expand_volumeEmptyAfterExpansion_error() throws Exception {
    Dockerfile df = Dockerfile.parse("Dockerfile", "FROM x\nVOLUME $NOTHING\n");
    assertThatThrownBy(() -> StageExpander.expand(df, df.stages().get(0), Map.of(), Map.of()))
        .hasMessage("Dockerfile:2: VOLUME specified can not be an empty string");
  }

  @Test
  void parse_addOnbuildShellAndLegacyForms() throws Exception {
    Dockerfile df =
        Dockerfile.parse(
            "Dockerfile",
            "FROM x\nADD --checksum=sha256:abc --keep-git-dir https://e.com/a.tgz /a\n"
                + "ONBUILD RUN make\nSHELL [\"/bin/bash\", \"-c\"]\nMAINTAINER me\n"
                + "ENV K some value\nSTOPSIGNAL SIGTERM\nHEALTHCHECK NONE\nARG A B=2\n");
    List<Instruction> c = df.stages().get(0).commands();
    Instruction.Add add = (Instruction.Add) c.get(0);
    assertThat(add.checksum()).isEqualTo("sha256:abc");
    assertThat(add.keepGitDir()).isTrue();
    assertThat(add.sources()).containsExactly("https://e.com/a.tgz");
    Instruction.Onbuild ob = (Instruction.Onbuild) c.get(1);
    assertThat(ob.expression()).isEqualTo("RUN make");
    assertThat(ob.trigger()).isInstanceOf(Instruction.Run.class);
    assertThat(((Instruction.Shell) c.get(2)).shell()).containsExactly("/bin/bash", "-c");
    assertThat(((Instruction.Maintainer) c.get(3)).name()).isEqualTo("me");
    assertThat(((Instruction.Env) c.get(4)).pairs())
        .containsExactly(new Instruction.KeyValue("K", "some value"));
    assertThat(((Instruction.Healthcheck) c.get(6)).none()).isTrue();
    assertThat(((Instruction.Arg) c.get(7)).args())
        .containsExactly(new Instruction.KeyValue("A", null), new Instruction.KeyValue("B", "2"));
  }
}
