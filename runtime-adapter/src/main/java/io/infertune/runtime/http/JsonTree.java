package io.infertune.runtime.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * JSON (or YAML) as maps, lists, strings, {@code Long}s, {@code Double}s and booleans, read and
 * written with Jackson's streaming API, and the checks a strict binder needs (each naming the path
 * of what is wrong). Not jackson-databind: this module keeps to jackson-core (see the
 * runtime-adapter POM and {@code io.infertune.runtime.prometheus.MetricMapping}, whose loader this
 * follows); YAML comes through jackson-dataformat-yaml's streaming parser, which yields the same
 * tokens.
 *
 * <p>In YAML only {@code true} and {@code false} are booleans, as in YAML 1.2: a knob's {@code on}
 * and {@code off} (booleans to YAML 1.1) stay the words they are written as.
 */
public final class JsonTree {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final JsonFactory YAML =
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** JSON's null, which no field of a profile takes. */
  public enum Null {
    INSTANCE
  }

  private JsonTree() {}

  /** Whether {@code origin} names a YAML document ({@code .yaml}, {@code .yml}). */
  public static boolean isYaml(String origin) {
    return origin.endsWith(".yaml") || origin.endsWith(".yml");
  }

  /**
   * Parses one document, YAML when {@code origin} says so ({@link #isYaml}), JSON otherwise.
   *
   * @throws IllegalArgumentException naming {@code origin} when the text does not parse
   */
  public static Object parse(InputStream in, String origin) throws IOException {
    try (JsonParser p = (isYaml(origin) ? YAML : JSON).createParser(in)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException(origin + ": empty document");
      }
      return read(p);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(origin + ": " + e.getOriginalMessage(), e);
    }
  }

  private static Object read(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          String key = p.currentName();
          p.nextToken();
          m.put(key, read(p));
        }
        return m;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(p));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        // Knob values are Longs in a Configuration: an integral number stays exact.
        return p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        String text = p.getText();
        return text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")
            ? p.getBooleanValue()
            : text;
      }
      default -> {
        return Null.INSTANCE;
      }
    }
  }

  /** {@code value} (maps, lists, strings, numbers, booleans) as compact JSON text. */
  public static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, Object value) throws IOException {
    switch (value) {
      case Map<?, ?> m -> {
        g.writeStartObject();
        for (var e : m.entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          write(g, e.getValue());
        }
        g.writeEndObject();
      }
      case List<?> l -> {
        g.writeStartArray();
        for (Object o : l) {
          write(g, o);
        }
        g.writeEndArray();
      }
      case Long l -> g.writeNumber(l);
      case Integer i -> g.writeNumber(i);
      case Double d -> g.writeNumber(d);
      case Boolean b -> g.writeBoolean(b);
      default -> g.writeString(String.valueOf(value));
    }
  }

  public static void allowOnly(Map<String, Object> m, String path, Set<String> fields) {
    for (String key : m.keySet()) {
      if (!fields.contains(key)) {
        throw new IllegalArgumentException(
            "unknown field '" + path + key + "' (allowed: " + new TreeSet<>(fields) + ")");
      }
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object node, String what) {
    if (!(node instanceof Map)) {
      throw new IllegalArgumentException(what + " must be a JSON object");
    }
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  public static List<Object> array(Object node, String what) {
    if (!(node instanceof List)) {
      throw new IllegalArgumentException(what + " must be a JSON array");
    }
    return (List<Object>) node;
  }

  public static String string(Object node, String what) {
    if (!(node instanceof String s)) {
      throw new IllegalArgumentException(what + " must be a string");
    }
    return s;
  }

  public static List<String> strings(Object node, String what) {
    List<String> out = new ArrayList<>();
    List<Object> list = array(node, what);
    for (int i = 0; i < list.size(); i++) {
      out.add(string(list.get(i), what + "[" + i + "]"));
    }
    return out;
  }

  /** A string, or an array of strings (a variable that expands to several arguments). */
  public static List<String> stringOrStrings(Object node, String what) {
    if (node instanceof String s) {
      return List.of(s);
    }
    return strings(node, what);
  }

  public static double number(Object node, String what) {
    if (node instanceof Long l) {
      return l;
    }
    if (node instanceof Double d) {
      return d;
    }
    throw new IllegalArgumentException(what + " must be a number");
  }

  public static long integer(Object node, String what) {
    if (!(node instanceof Long l)) {
      throw new IllegalArgumentException(what + " must be an integer");
    }
    return l;
  }

  public static boolean bool(Object node, String what) {
    if (!(node instanceof Boolean b)) {
      throw new IllegalArgumentException(what + " must be true or false");
    }
    return b;
  }
}
