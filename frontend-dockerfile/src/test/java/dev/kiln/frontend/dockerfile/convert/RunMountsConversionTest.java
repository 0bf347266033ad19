package dev.kiln.frontend.dockerfile.convert;

import static dev.kiln.frontend.dockerfile.convert.Fixtures.convert;
import static dev.kiln.frontend.dockerfile.convert.Fixtures.input;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileAction;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.ImageOp;
import dev.kiln.core.graph.Mount;
import dev.kiln.core.graph.Owner;
import dev.kiln.core.graph.Vertex;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code RUN --mount} of every type as BuildKit's dispatchRunMounts / dispatchSecret / SSH. */
class RunMountsConversionTest {

  private static Vertex run(String dockerfileTail) throws Exception {
    return convert("FROM busybox\n" + dockerfileTail).state().output().vertex();
  }

  private static List<Mount> mounts(Vertex v) {
    ExecOp e = (ExecOp) v.op();
    return e.mounts().subList(1, e.mounts().size());
  }

  @Test
  void cache_defaultIdIsTheTargetAsWritten_expandedOptions() throws Exception {
    Vertex v =
        run(
            "WORKDIR /w\nARG ID=shared-id\nRUN --mount=type=cache,target=.cache"
                + " --mount=type=cache,target=/abs/,id=$ID,sharing=private,ro true\n");
    assertThat(mounts(v))
        .containsExactly(
            new Mount(-1, "/w/.cache", "/", false, Mount.Type.CACHE, ".cache", null),
            new Mount(
                -1, "/abs", "/", true, Mount.Type.CACHE, "shared-id", Mount.CacheSharing.PRIVATE));
  }

  @Test
  void cache_uidGidMode_seedDirectoryWithThatOwner() throws Exception {
    Vertex v = run("RUN --mount=type=cache,target=/c,uid=1000,gid=50,mode=0700 true\n");
    Mount m = mounts(v).get(0);
    assertThat(m.selector()).isEqualTo("/cache");
    Vertex seed = input(v, m.input());
    FileAction.Mkdir mkdir = (FileAction.Mkdir) ((FileOp) seed.op()).actions().get(0);
    assertThat(mkdir.path()).isEqualTo("/cache");
    assertThat(mkdir.mode()).isEqualTo(0700);
    assertThat(mkdir.owner()).isEqualTo(Owner.parse("1000:50"));
    assertThat(seed.metadata().name()).isEqualTo("[internal] setting cache mount permissions");
  }

  @Test
  void cache_fromAndSource_seedsFromThatPath() throws Exception {
    Vertex v = run("RUN --mount=type=cache,target=/c,from=alpine,source=/etc true\n");
    Mount m = mounts(v).get(0);
    assertThat(m.selector()).isEqualTo("/etc");
    assertThat(input(v, m.input()).op()).isInstanceOf(ImageOp.class);
  }

  @Test
  void bind_fromNamesAStageByNameOnly_aNumberIsAnImage() throws Exception {
    // BuildKit's detectRunMount: findStateByName, no index lookup as COPY --from has
    Vertex v =
        convert(
                "FROM busybox AS build\nRUN echo > /f\nFROM busybox\n"
                    + "RUN --mount=from=build,target=/m --mount=from=0,target=/n true\n")
            .state()
            .output()
            .vertex();
    List<Mount> m = mounts(v);
    assertThat(input(v, m.get(0).input()).op()).isInstanceOf(ExecOp.class);
    assertThat(input(v, m.get(1).input()).op())
        .isEqualTo(new ImageOp("docker.io/library/0:latest", Fixtures.AMD64));
  }

  @Test
  void tmpfs_sizeInBinaryUnits() throws Exception {
    Vertex v = run("RUN --mount=type=tmpfs,target=/t,size=64m --mount=type=tmpfs,target=/u true\n");
    assertThat(mounts(v)).extracting(m -> m.options().tmpfsSize()).containsExactly(64L << 20, 0L);
  }

  @Test
  void bind_readWrite_discardsChanges_readOnlyByDefault() throws Exception {
    Vertex v = run("RUN --mount=target=/a --mount=target=/b,rw --mount=target=/c,ro=false true\n");
    assertThat(mounts(v))
        .extracting(m -> m.readOnly() + " " + m.options().noOutput())
        .containsExactly("true false", "false true", "false true");
    assertThat(((ExecOp) v.op()).outputCount()).isEqualTo(1);
  }

  @Test
  void secret_defaultsOfBuildKit() throws Exception {
    Vertex v =
        run(
            "RUN --mount=type=secret,id=tok --mount=type=secret,source=src,target=rel/t,required"
                + " --mount=type=secret,target=/etc/pass --mount=type=secret,id=e,env=TOKEN"
                + " --mount=type=secret,id=f,mode=0440,uid=1,gid=2 true\n");
    List<Mount> m = mounts(v);
    assertThat(m)
        .extracting(x -> x.target() + " " + x.options().id() + " " + x.options().optional())
        .containsExactly(
            "/run/secrets/tok tok true",
            "/rel/t src false",
            "/etc/pass pass true",
            "null e true",
            "/run/secrets/f f true");
    assertThat(m.get(0).options().mode()).isEqualTo(0400);
    assertThat(m.get(3).options().envName()).isEqualTo("TOKEN");
    assertThat(m.get(4).options())
        .extracting(o -> o.mode() + " " + o.uid() + " " + o.gid())
        .isEqualTo(0440 + " 1 2");
    // nothing of a secret's value is in the graph, and the env var is set by the worker
    assertThat(((ExecOp) v.op()).meta().env()).noneMatch(e -> e.startsWith("TOKEN="));
  }

  @Test
  void ssh_defaultIdTargetsAndAuthSock() throws Exception {
    Vertex v = run("RUN --mount=type=ssh --mount=type=ssh,id=other,mode=0660 true\n");
    assertThat(mounts(v))
        .extracting(x -> x.target() + " " + x.options().id() + " " + x.options().mode())
        .containsExactly(
            "/run/buildkit/ssh_agent.0 default " + 0600, "/run/buildkit/ssh_agent.1 other " + 0660);
    assertThat(((ExecOp) v.op()).meta().env()).contains("SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0");
  }
}
