package dev.kiln.core.graph.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kiln's canonical JSON form, used wherever bytes are hashed into an identity.
 *
 * <p>Rules: no whitespace; object keys sorted by {@link String#compareTo} (UTF-16 code units; all
 * kiln keys are ASCII so this equals byte order); strings as UTF-8 with only {@code "}, {@code \}
 * and control characters below U+0020 escaped ({@code \"}, {@code \\}, {@code \n}, {@code \r},
 * {@code \t}, otherwise six-character {@code \\}{@code u00xx} escapes in lowercase hex); numbers
 * only as integers in plain decimal; {@code true}/{@code false}; {@code null} is never written
 * (absent values are omitted by the encoders). Independent of Jackson's output settings on purpose,
 * so that a library upgrade cannot change a digest. Thread-safe (stateless).
 */
public final class CanonicalJson {

  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code node}. */
  public static byte[] bytes(JsonNode node) {
    StringBuilder sb = new StringBuilder(256);
    write(node, sb);
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(JsonNode node, StringBuilder sb) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
        fields.sort(Map.Entry.comparingByKey());
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : fields) {
          if (e.getValue().isNull() || e.getValue().isMissingNode()) {
            continue;
          }
          if (!first) {
            sb.append(',');
          }
          first = false;
          string(e.getKey(), sb);
          sb.append(':');
          write(e.getValue(), sb);
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(node.get(i), sb);
        }
        sb.append(']');
      }
      case STRING -> string(node.textValue(), sb);
      case BOOLEAN -> sb.append(node.booleanValue());
      case NUMBER -> {
        if (!node.canConvertToExactIntegral() || !node.canConvertToLong()) {
          throw new IllegalArgumentException("canonical JSON allows only integers, got " + node);
        }
        sb.append(node.longValue());
      }
      default ->
          throw new IllegalArgumentException(
              "canonical JSON cannot encode a " + node.getNodeType() + " node");
    }
  }

  private static void string(String s, StringBuilder sb) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (Character.isSurrogate(c)
              && !(Character.isHighSurrogate(c)
                  && i + 1 < s.length()
                  && Character.isLowSurrogate(s.charAt(i + 1)))
              && !(Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(s.charAt(i - 1)))) {
            throw new IllegalArgumentException(
                "string contains an unpaired surrogate: cannot encode");
          }
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
