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
    assertThat(UserResolver.resolve("", PASSWD, GROUP)).isEqualTo(new ExecUser(0, 0, List.of(0L)));
    // BuildKit's testUser: the default user gets root's supplementary groups (e.g. wheel)
    assertThat(UserResolver.resolve("", PASSWD, GROUP + "adm:x:4:root,daemon\n"))
        .isEqualTo(new ExecUser(0, 0, List.of(0L, 4L)));
    assertThat(UserResolver.resolve("root", PASSWD, "wheel:x:10:root\nroot:x:0:root\n"))
        .isEqualTo(new ExecUser(0, 0, List.of(10L, 0L)));
  }

  @Test
  void resolve_emptyWithoutUserFiles_isPlainRoot() throws Exception {
    assertThat(UserResolver.resolve("", "", "")).isEqualTo(new ExecUser(0, 0, List.of(0L)));
  }

  @Test
  void resolve_numericUidAndGid_fastPathWithoutFiles() throws Exception {
    // app is listed in staff and wheel, but uid:gid never reads /etc/group
    assertThat(UserResolver.resolve("1000:1001", PASSWD, GROUP))
        .isEqualTo(new ExecUser(1000, 1001, List.of(1001L)));
    assertThat(UserResolver.resolve("root:root", "", ""))
        .isEqualTo(new ExecUser(0, 0, List.of(0L)));
  }

  @Test
  void resolve_uidOutOfRange_error() {
    assertThatThrownBy(() -> UserResolver.resolve("4294967296", PASSWD, GROUP))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("range");
  }

  @Test
  void resolve_groupAlreadyListed_notAddedTwice() throws Exception {
    assertThat(UserResolver.resolve("app", PASSWD, "app:x:1001:app\nstaff:x:50:app\n"))
        .isEqualTo(new ExecUser(1000, 1001, List.of(1001L, 50L)));
  }

  @Test
  void resolve_name_takesPasswdGidAndMemberGroups() throws Exception {
    assertThat(UserResolver.resolve("app", PASSWD, GROUP))
        .isEqualTo(new ExecUser(1000, 1001, List.of(1001L, 50L, 10L)));
  }

  @Test
  void resolve_knownUid_sameAsName() throws Exception {
    assertThat(UserResolver.resolve("1000", PASSWD, GROUP))
        .isEqualTo(new ExecUser(1000, 1001, List.of(1001L, 50L, 10L)));
  }

  @Test
  void resolve_unknownUid_gidZeroNoGroups() throws Exception {
    assertThat(UserResolver.resolve("4242", PASSWD, GROUP))
        .isEqualTo(new ExecUser(4242, 0, List.of(0L)));
  }

  @Test
  void resolve_explicitGroupName_overridesGidWithoutSupplementaryGroups() throws Exception {
    assertThat(UserResolver.resolve("app:staff", PASSWD, GROUP))
        .isEqualTo(new ExecUser(1000, 50, List.of(50L)));
  }

  @Test
  void resolve_uidAndUnknownNumericGid_usedAsGiven() throws Exception {
    assertThat(UserResolver.resolve("7:8", "", "")).isEqualTo(new ExecUser(7, 8, List.of(8L)));
    assertThat(UserResolver.resolve("app:8", PASSWD, GROUP))
        .isEqualTo(new ExecUser(1000, 8, List.of(8L)));
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
