package dev.kiln.oci.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChallengeTest {

  @Test
  void parse_registryBearerChallengeWithSeveralScopes_readsEveryParam() {
    List<Challenge> cs =
        Challenge.parse(
            List.of(
                "Bearer realm=\"https://auth.example/token\",service=\"registry\","
                    + "scope=\"repository:b:pull,push repository:a:pull\","
                    + "error=\"insufficient_scope\""));
    assertThat(cs).hasSize(1);
    Challenge c = cs.get(0);
    assertThat(c.scheme()).isEqualTo("bearer");
    assertThat(c.param("realm")).isEqualTo("https://auth.example/token");
    assertThat(c.param("SERVICE")).isEqualTo("registry");
    assertThat(c.param("error")).isEqualTo("insufficient_scope");
    assertThat(c.scopes()).containsExactly(Scope.push("b"), Scope.pull("a"));
  }

  @Test
  void parse_basicRealm_isBasic() {
    Challenge c = Challenge.parse(List.of("Basic realm=\"basic-realm\"")).get(0);
    assertThat(c.scheme()).isEqualTo("basic");
    assertThat(c.param("realm")).isEqualTo("basic-realm");
  }

  @Test
  void parse_severalChallengesInOneHeader_splitsThem() {
    List<Challenge> cs =
        Challenge.parse(List.of("Negotiate, Basic realm=\"x\", Bearer realm=\"y\""));
    assertThat(cs).extracting(Challenge::scheme).containsExactly("negotiate", "basic", "bearer");
    assertThat(cs.get(1).param("realm")).isEqualTo("x");
    assertThat(cs.get(2).param("realm")).isEqualTo("y");
  }

  @Test
  void parse_challengesAcrossHeaders_keepsOrder() {
    List<Challenge> cs = Challenge.parse(List.of("Negotiate abc123==", "bEaReR realm=y"));
    assertThat(cs).extracting(Challenge::scheme).containsExactly("negotiate", "bearer");
    assertThat(cs.get(0).param("token68")).isEqualTo("abc123==");
    assertThat(cs.get(1).param("realm")).isEqualTo("y");
  }

  @Test
  void parse_quotedValueWithCommaAndEscapedQuote_isUnquoted() {
    Challenge c =
        Challenge.parse(List.of("Bearer realm=\"a,b \\\"c\\\"\" , service = \"s\"")).get(0);
    assertThat(c.param("realm")).isEqualTo("a,b \"c\"");
    assertThat(c.param("service")).isEqualTo("s");
  }

  @Test
  void parse_garbage_yieldsNothingAndDoesNotThrow() {
    assertThat(Challenge.parse(List.of("", "   ", "\"oops"))).isEmpty();
  }

  @Test
  void preferred_bearerOverBasicOverOthers() {
    List<Challenge> cs = Challenge.parse(List.of("Negotiate, Basic realm=x, Bearer realm=y"));
    assertThat(Challenge.preferred(cs)).get().extracting(Challenge::scheme).isEqualTo("bearer");
    assertThat(Challenge.preferred(Challenge.parse(List.of("Negotiate")))).isEmpty();
  }

  @Test
  void scopes_unreadableScopeIsSkipped() {
    Challenge c =
        Challenge.parse(List.of("Bearer realm=r,scope=\"nonsense repository:x:pull\"")).get(0);
    assertThat(c.scopes()).containsExactly(Scope.pull("x"));
  }
}
