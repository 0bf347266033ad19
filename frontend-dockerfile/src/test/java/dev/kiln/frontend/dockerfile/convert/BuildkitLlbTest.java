package dev.kiln.frontend.dockerfile.convert;

import static dev.kiln.frontend.dockerfile.convert.Fixtures.convert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.cache.buildkit.BuildkitHints;
import dev.kiln.core.graph.ExecOp;
import dev.kiln.core.graph.FileOp;
import dev.kiln.core.graph.MergeOp;
import dev.kiln.core.graph.Vertex;
import org.junit.jupiter.api.Test;

/** What the frontend records or emits so that kiln's graph keys like BuildKit's LLB. */
class BuildkitLlbTest {

  private static Vertex last(ConversionResult r) {
    return r.state().output().vertex();
  }

  @Test
  void run_argThenEnv_envInBuildkitOrder_noHintNeeded() throws Exception {
    ConversionResult r = convert("FROM busybox\nARG A=1\nENV B=2\nRUN true\n");
    ExecOp run = (ExecOp) last(r).op();

    // the RUN env is BuildKit's LLB env itself (delete-then-append, instruction order)
    assertThat(run.meta().env()).containsExactly(Fixtures.PATH, "A=1", "B=2");
    assertThat(last(r).metadata().description()).doesNotContainKey(BuildkitHints.ENV);
  }

  @Test
  void run_envRedefined_movesToEnd() throws Exception {
    ConversionResult r = convert("FROM busybox\nENV A=1\nENV B=2\nENV A=3\nRUN true\n");

    assertThat(((ExecOp) last(r).op()).meta().env()).containsExactly(Fixtures.PATH, "B=2", "A=3");
    assertThat(last(r).metadata().description()).doesNotContainKey(BuildkitHints.ENV);
  }

  @Test
  void run_sameOrder_noHint() throws Exception {
    ConversionResult r = convert("FROM busybox\nENV A=1\nRUN true\n");

    assertThat(last(r).metadata().description()).doesNotContainKey(BuildkitHints.ENV);
  }

  @Test
  void copyLink_ontoScratch_noMerge_ontoImage_merge() throws Exception {
    ConversionResult scratch = convert("FROM scratch\nCOPY --link --from=busybox /bin/sh /sh\n");
    ConversionResult image = convert("FROM busybox\nCOPY --link --from=busybox /bin/sh /sh\n");

    assertThat(last(scratch).op()).isInstanceOf(FileOp.class);
    assertThat(last(image).op()).isInstanceOf(MergeOp.class);
  }
}
