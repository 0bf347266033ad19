package dev.kiln.oci;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Go's {@code map[string]struct{}} on the wire ({@code {"80/tcp":{}}}) as a Java {@code
 * Set<String>}. Written with sorted keys, as Go does.
 */
final class EmptyObjectSetJson {

  private EmptyObjectSetJson() {}

  /** Writes a set as an object of empty objects. */
  static final class Writer extends JsonSerializer<Set<String>> {
    @Override
    public void serialize(Set<String> value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeStartObject();
      for (String key : new TreeSet<>(value)) {
        gen.writeFieldName(key);
        gen.writeStartObject();
        gen.writeEndObject();
      }
      gen.writeEndObject();
    }

    @Override
    public boolean isEmpty(SerializerProvider provider, Set<String> value) {
      return value == null || value.isEmpty();
    }
  }

  /** Reads the keys of an object, ignoring the (empty) values. */
  static final class Reader extends JsonDeserializer<Set<String>> {
    @Override
    public Set<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        return ctxt.reportInputMismatch(
            Set.class, "expected an object of empty objects, e.g. {\"80/tcp\":{}}");
      }
      Set<String> keys = new LinkedHashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        keys.add(p.currentName());
        p.nextToken();
        p.skipChildren();
      }
      return keys;
    }
  }
}
