package dev.kiln.solver.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UserResolverTest {

  private static final String PASSWD =
      "# comment\nroot:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n"
          + "broken\n";
  private static final String GROUP =
      "root:x:0:\nstaff:x:50:app,other\napp:x:1001:\nwheel:x:10:app\n";

  @Test
  void resolve_empty_isRootWithItsGroups() throws Exception {
    assertThat(UserResolver.resolve("", PASSWD, GROUP)).isEqualTo(new ExecUser(0, 0, List.of()));
  }

  @Test
  void resolve_name_takesPasswdGidAndMemberGroups() throws Exception {
    assertThat(UserResolver.resolve("app", PASSWD, GROUP))
        .isEqualTo(new ExecUser(1000, 1001, List.of(50L, 10L)));
  }

  @Test
  void resolve_knownUid_sameAsName() throws Exception {
    assertThat(UserResolver.resolve("1000", PASSWD, GROUP))
        .isEqualTo(new ExecUser(1000, 1001, List.of(50L, 10L)));
  }

  @Test
  void resolve_unknownUid_gidZeroNoGroups() throws Exception {
    assertThat(UserResolver.resolve("4242", PASSWD, GROUP))
        .isEqualTo(new ExecUser(4242, 0, List.of()));
  }

  @Test
  void resolve_explicitGroupName_overridesGidWithoutSupplementaryGroups() throws Exception {
    assertThat(UserResolver.resolve("app:staff", PASSWD, GROUP))
        .isEqualTo(new ExecUser(1000, 50, List.of()));
  }

  @Test
  void resolve_uidAndUnknownNumericGid_usedAsGiven() throws Exception {
    assertThat(UserResolver.resolve("7:8", "", "")).isEqualTo(new ExecUser(7, 8, List.of()));
  }

  @Test
  void resolve_unknownName_failsLikeDocker() {
    assertThatThrownBy(() -> UserResolver.resolve("ghost", PASSWD, GROUP))
        .isInstanceOf(ExecException.class)
        .hasMessage("unable to find user ghost: no matching entries in passwd file");
  }

  @Test
  void resolve_unknownGroupName_fails() {
    assertThatThrownBy(() -> UserResolver.resolve("app:ghosts", PASSWD, GROUP))
        .isInstanceOf(ExecException.class)
        .hasMessage("unable to find group ghosts: no matching entries in group file");
  }

  @Test
  void resolve_nameWithoutPasswdFile_fails() {
    assertThatThrownBy(() -> UserResolver.resolve("app", "", ""))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("unable to find user app");
  }
}
