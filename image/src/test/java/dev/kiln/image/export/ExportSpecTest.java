package dev.kiln.image.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportSpecTest {

  @Test
  void parse_typeAndAttributes_keepsOrderAndLowercasesKeys() throws Exception {
    ExportSpec s = ExportSpec.parse("type=oci,Dest=out.tar,tar=false");
    assertThat(s.type()).isEqualTo("oci");
    assertThat(s.attrs()).containsExactly(Map.entry("dest", "out.tar"), Map.entry("tar", "false"));
  }

  @Test
  void parse_quotedFieldWithCommas_keepsCommasInValue() throws Exception {
    ExportSpec s = ExportSpec.parse("type=image,\"name=a.io/x:1,a.io/x:2\",push=true");
    assertThat(s.names()).containsExactly("a.io/x:1", "a.io/x:2");
    assertThat(s.get("push")).isEqualTo("true");
  }

  @Test
  void parse_doubledQuoteInQuotedField_isLiteralQuote() throws Exception {
    ExportSpec s = ExportSpec.parse("type=oci,dest=o.tar,\"annotation.x=say \"\"hi\"\"\"");
    assertThat(s.get("annotation.x")).isEqualTo("say \"hi\"");
  }

  @Test
  void parse_valueWithoutEquals_isLocalDest() throws Exception {
    ExportSpec s = ExportSpec.parse("./out");
    assertThat(s.type()).isEqualTo("local");
    assertThat(s.attrs()).containsExactly(Map.entry("dest", "./out"));
  }

  @Test
  void parse_registryType_isImageWithPush() throws Exception {
    ExportSpec s = ExportSpec.parse("type=registry,name=localhost:5000/a:1");
    assertThat(s.type()).isEqualTo("image");
    assertThat(s.get("push")).isEqualTo("true");
  }

  @Test
  void parse_registryWithPushFalse_fails() {
    assertThatThrownBy(() -> ExportSpec.parse("type=registry,name=x,push=false"))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("always pushes");
  }

  @Test
  void parse_missingType_failsNamingTypes() {
    assertThatThrownBy(() -> ExportSpec.parse("dest=out.tar,name=x"))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("has no type")
        .hasMessageContaining("oci");
  }

  @Test
  void parse_repeatedKey_fails() {
    assertThatThrownBy(() -> ExportSpec.parse("type=oci,dest=a,dest=b"))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("'dest' repeats");
  }

  @Test
  void parse_unterminatedQuote_fails() {
    assertThatThrownBy(() -> ExportSpec.parse("type=oci,\"dest=a"))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("unterminated quote");
  }

  @Test
  void parse_fieldWithoutEquals_fails() {
    assertThatThrownBy(() -> ExportSpec.parse("type=oci,foo"))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("invalid field 'foo'");
  }

  @Test
  void parse_stdoutDash_failsWithAlternative() {
    assertThatThrownBy(() -> ExportSpec.parse("-"))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("type=oci,dest=FILE");
  }

  @Test
  void fromTags_push_isImageSpecWithAllNames() throws Exception {
    ExportSpec s = ExportSpec.fromTags(List.of("a.io/x:1", "a.io/x:latest"), true);
    assertThat(s.type()).isEqualTo("image");
    assertThat(s.names()).containsExactly("a.io/x:1", "a.io/x:latest");
    assertThat(s.get("push")).isEqualTo("true");
  }

  @Test
  void fromTags_noTags_fails() {
    assertThatThrownBy(() -> ExportSpec.fromTags(List.of(), true))
        .isInstanceOf(ExportSpecException.class)
        .hasMessageContaining("-t NAME");
  }
}
