package dev.kiln.core.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static String canon(com.fasterxml.jackson.databind.JsonNode n) {
    return new String(CanonicalJson.bytes(n), StandardCharsets.UTF_8);
  }

  @Test
  void bytes_keysSortedNoWhitespaceNullsOmitted() {
    ObjectNode n = F.objectNode().put("b", 1).put("a", true);
    n.putNull("c");
    n.putArray("d").add("x").add(2);

    assertThat(canon(n)).isEqualTo("{\"a\":true,\"b\":1,\"d\":[\"x\",2]}");
  }

  @Test
  void bytes_insertionOrder_irrelevant() {
    ObjectNode x = F.objectNode().put("z", 1).put("a", 2);
    ObjectNode y = F.objectNode().put("a", 2).put("z", 1);

    assertThat(CanonicalJson.bytes(x)).isEqualTo(CanonicalJson.bytes(y));
  }

  @Test
  void bytes_strings_minimalEscapingRawUtf8() {
    ObjectNode n = F.objectNode().put("s", "q\"b\\n\nt\tc\u0001<&>é😀");

    assertThat(canon(n)).isEqualTo("{\"s\":\"q\\\"b\\\\n\\nt\\tc\\u0001<&>é😀\"}");
  }

  @Test
  void bytes_unpairedSurrogateOrFraction_rejected() {
    assertThatThrownBy(() -> CanonicalJson.bytes(F.objectNode().put("s", "\ud800x")))
        .hasMessageContaining("unpaired surrogate");
    assertThatThrownBy(() -> CanonicalJson.bytes(F.objectNode().put("n", 1.5)))
        .hasMessageContaining("only integers");
  }
}
