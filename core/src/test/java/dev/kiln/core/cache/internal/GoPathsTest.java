package dev.kiln.core.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GoPathsTest {

  @Test
  void joinRoot_cleansLikeGoPathJoin() {
    assertThat(GoPaths.joinRoot("/")).isEqualTo("/");
    assertThat(GoPaths.joinRoot("")).isEqualTo("/");
    assertThat(GoPaths.joinRoot("/../x")).isEqualTo("/x");
    assertThat(GoPaths.joinRoot("a/./b/../c/")).isEqualTo("/a/c");
  }

  @Test
  void base_edgeCases() {
    assertThat(GoPaths.base("/a/b")).isEqualTo("b");
    assertThat(GoPaths.base("/a/b/")).isEqualTo("b");
    assertThat(GoPaths.base("/")).isEqualTo("/");
    assertThat(GoPaths.base("")).isEqualTo(".");
  }

  @Test
  void containsWildcards_backslashEscapes() {
    assertThat(GoPaths.containsWildcards("/a/*.md")).isTrue();
    assertThat(GoPaths.containsWildcards("/a/[ab]")).isTrue();
    assertThat(GoPaths.containsWildcards("/a/\\*.md")).isFalse();
    assertThat(GoPaths.containsWildcards("/a/b.md")).isFalse();
  }

  @Test
  void dedupe_dropsDuplicatesAndNested_sortsBytes() {
    assertThat(GoPaths.dedupe(List.of("/b", "/a/x", "/a", "/b", "/ab", "/é")))
        .containsExactly("/a", "/ab", "/b", "/é");
  }
}
