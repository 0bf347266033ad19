package dev.kiln.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;

class HtpasswdTest {
  @Test
  void line_userAndPassword_isBcrypt2yCost5ThatVerifies() {
    String line = Htpasswd.line("alice", "s3cret");

    assertThat(line).matches("alice:\\$2y\\$05\\$[./A-Za-z0-9]{53}");
    String hash = line.substring("alice:".length());
    assertThat(OpenBSDBCrypt.checkPassword(hash, "s3cret".toCharArray())).isTrue();
    assertThat(OpenBSDBCrypt.checkPassword(hash, "wrong".toCharArray())).isFalse();
  }

  @Test
  void line_calledTwice_usesFreshSalt() {
    assertThat(Htpasswd.line("a", "p")).isNotEqualTo(Htpasswd.line("a", "p"));
  }

  @Test
  void file_severalUsers_oneSortedLineEach() {
    String file = Htpasswd.file(Map.of("zed", "1", "amy", "2"));

    assertThat(file.split("\n")).hasSize(2);
    assertThat(file).startsWith("amy:$2y$").contains("\nzed:$2y$").endsWith("\n");
  }

  @Test
  void line_userWithColon_isRejected() {
    assertThatThrownBy(() -> Htpasswd.line("a:b", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a:b");
  }
}
