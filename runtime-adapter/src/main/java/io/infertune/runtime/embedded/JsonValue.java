package io.infertune.runtime.embedded;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only JSON tree, read with Jackson's streaming parser, navigated like Jackson's {@code
 * JsonNode.path}: a missing member is a {@link #MISSING} value, never null.
 *
 * <p>Why not jackson-databind's tree: applications that embed the runtime import BOMs (Vert.x's)
 * that pin jackson-core and jackson-annotations below the jackson-databind they get, and databind's
 * {@code ObjectMapper} then fails at class initialisation. The streaming parser has worked
 * unchanged across Jackson 2.x, so the tokenizer works whatever versions an application settles on.
 *
 * <p>Public so that the adapters that speak JSON over HTTP read it the same way; {@link #writeTo}
 * copies a value (or a part of one) into a generator unchanged.
 *
 * @implNote immutable and thread-safe once parsed.
 */
public final class JsonValue {
  /** The value of a member or element that is not there. */
  public static final JsonValue MISSING = new JsonValue(Kind.MISSING, null);

  private static final JsonFactory FACTORY = new JsonFactory();

  private enum Kind {
    OBJECT,
    ARRAY,
    STRING,
    NUMBER,
    BOOLEAN,
    NULL,
    MISSING
  }

  private final Kind kind;
  private final Object value;

  private JsonValue(Kind kind, Object value) {
    this.kind = kind;
    this.value = value;
  }

  /** Parses one JSON document. */
  public static JsonValue parse(InputStream in) throws IOException {
    try (JsonParser p = FACTORY.createParser(in)) {
      if (p.nextToken() == null) {
        throw new IOException("empty JSON document");
      }
      return read(p);
    }
  }

  private static JsonValue read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, JsonValue> members = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          members.put(name, read(p));
        }
        return new JsonValue(Kind.OBJECT, Collections.unmodifiableMap(members));
      }
      case START_ARRAY -> {
        List<JsonValue> elements = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          elements.add(read(p));
        }
        return new JsonValue(Kind.ARRAY, List.copyOf(elements));
      }
      case VALUE_STRING -> {
        return new JsonValue(Kind.STRING, p.getText());
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new JsonValue(Kind.NUMBER, p.getNumberValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new JsonValue(Kind.BOOLEAN, t == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return new JsonValue(Kind.NULL, null);
      }
      default -> throw new IOException("unexpected JSON token " + t);
    }
  }

  /** The member {@code name} of an object, or {@link #MISSING}. */
  public JsonValue path(String name) {
    if (kind != Kind.OBJECT) {
      return MISSING;
    }
    return members().getOrDefault(name, MISSING);
  }

  /** Element {@code index} of an array, or {@link #MISSING}. */
  public JsonValue path(int index) {
    if (kind != Kind.ARRAY || index < 0 || index >= elements().size()) {
      return MISSING;
    }
    return elements().get(index);
  }

  public boolean has(String name) {
    return kind == Kind.OBJECT && members().containsKey(name);
  }

  public boolean isObject() {
    return kind == Kind.OBJECT;
  }

  public boolean isArray() {
    return kind == Kind.ARRAY;
  }

  public boolean isBoolean() {
    return kind == Kind.BOOLEAN;
  }

  public boolean isString() {
    return kind == Kind.STRING;
  }

  public boolean isNumber() {
    return kind == Kind.NUMBER;
  }

  /** Missing, or an explicit JSON null. */
  public boolean isAbsent() {
    return kind == Kind.MISSING || kind == Kind.NULL;
  }

  /** The members of an object in document order (empty for anything else). */
  public Map<String, JsonValue> members() {
    @SuppressWarnings("unchecked")
    Map<String, JsonValue> m = kind == Kind.OBJECT ? (Map<String, JsonValue>) value : Map.of();
    return m;
  }

  /** The elements of an array (empty for anything else). */
  public List<JsonValue> elements() {
    @SuppressWarnings("unchecked")
    List<JsonValue> l = kind == Kind.ARRAY ? (List<JsonValue>) value : List.of();
    return l;
  }

  /** The text of a string, the digits of a number, or {@code otherwise}. */
  public String asText(String otherwise) {
    return switch (kind) {
      case STRING -> (String) value;
      case NUMBER, BOOLEAN -> String.valueOf(value);
      default -> otherwise;
    };
  }

  /** An integral number's value, or {@code otherwise}. */
  public int asInt(int otherwise) {
    return kind == Kind.NUMBER ? ((Number) value).intValue() : otherwise;
  }

  /** An integral number's value, or {@code otherwise}. */
  public long asLong(long otherwise) {
    return kind == Kind.NUMBER ? ((Number) value).longValue() : otherwise;
  }

  /** A boolean's value, or {@code otherwise}. */
  public boolean asBoolean(boolean otherwise) {
    return kind == Kind.BOOLEAN ? (Boolean) value : otherwise;
  }

  /**
   * Writes this value to {@code out} as it was read: numbers keep their integral or decimal form.
   *
   * @throws IllegalStateException for {@link #MISSING}, which has no JSON form
   */
  public void writeTo(JsonGenerator out) throws IOException {
    switch (kind) {
      case OBJECT -> {
        out.writeStartObject();
        for (var e : members().entrySet()) {
          out.writeFieldName(e.getKey());
          e.getValue().writeTo(out);
        }
        out.writeEndObject();
      }
      case ARRAY -> {
        out.writeStartArray();
        for (JsonValue v : elements()) {
          v.writeTo(out);
        }
        out.writeEndArray();
      }
      case STRING -> out.writeString((String) value);
      case NUMBER -> {
        switch ((Number) value) {
          case Integer i -> out.writeNumber(i);
          case Long l -> out.writeNumber(l);
          case java.math.BigInteger b -> out.writeNumber(b);
          case java.math.BigDecimal d -> out.writeNumber(d);
          case Number n -> out.writeNumber(n.doubleValue());
        }
      }
      case BOOLEAN -> out.writeBoolean((Boolean) value);
      case NULL -> out.writeNull();
      case MISSING -> throw new IllegalStateException("a missing value has no JSON form");
    }
  }
}
