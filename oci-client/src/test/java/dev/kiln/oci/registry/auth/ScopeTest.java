package dev.kiln.oci.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScopeTest {

  @Test
  void parse_nameWithPort_splitsAtFirstAndLastColon() {
    Scope s = Scope.parse("repository:localhost:5000/a:push,pull");
    assertThat(s.type()).isEqualTo("repository");
    assertThat(s.name()).isEqualTo("localhost:5000/a");
    assertThat(s.actions()).containsExactly("pull", "push");
    assertThat(s.toString()).isEqualTo("repository:localhost:5000/a:pull,push");
  }

  @Test
  void covers_pushCoversPull() {
    assertThat(Scope.push("a").covers(Scope.pull("a"))).isTrue();
    assertThat(Scope.pull("a").covers(Scope.push("a"))).isFalse();
    assertThat(Scope.push("a").covers(Scope.pull("b"))).isFalse();
  }

  @Test
  void parse_malformed_isRejected() {
    assertThatThrownBy(() -> Scope.parse("repository:a")).hasMessageContaining("type:name:actions");
  }

  @Test
  void mergeScopes_requestedFirstActionsUnioned() {
    assertThat(
            DefaultRegistryAuthorizer.mergeScopes(
                java.util.Set.of(Scope.pull("src"), Scope.push("dst")),
                java.util.List.of(Scope.pull("dst"), Scope.parse("repository:src:delete"))))
        .containsExactly("repository:dst:pull,push", "repository:src:delete,pull");
  }
}
