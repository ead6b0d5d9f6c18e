package io.infertune.store.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A node of a JSON document being read, with the path that leads to it, so that every error names
 * its field. Absent members are {@link MissingNode}s: a required read of one says the field is
 * required, and {@link #optional} treats an absent member and an explicit {@code null} alike (so
 * that a client can clear a default by sending {@code null}).
 *
 * <p>Within {@link #tracking}, every cursor notes which members of which objects were looked at
 * (asked for, present or not), so that a strict read can then refuse the members nobody asked for:
 * the unknown ones, which a lenient read ignores.
 *
 * @implNote immutable; thread-safe as long as the underlying tree is not modified. The members seen
 *     are noted per thread, for the duration of {@link #tracking}.
 */
final class Cursor {
  /** The members seen by the read running on this thread, when it is a strict one. */
  private static final ThreadLocal<Seen> SEEN = new ThreadLocal<>();

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
  private static final int SHOWN_CHARS = 40;

  private final JsonNode node;
  private final String path;
  private final Optional<Seen> seen;

  private Cursor(JsonNode node, String path, Optional<Seen> seen) {
    this.node = node == null ? MissingNode.getInstance() : node;
    this.path = path;
    this.seen = seen;
  }

  /**
   * Runs {@code read} of {@code json}, then refuses any member of an object in {@code json} that
   * the read did not look at, naming the first in document order (its path prefixed with {@code
   * at}).
   *
   * @throws FieldException the read's, or one naming an unknown member
   */
  static <T> T tracking(JsonNode json, String at, Supplier<T> read) {
    Seen outer = SEEN.get();
    Seen seen = new Seen();
    SEEN.set(seen);
    try {
      T value = read.get();
      seen.requireAllSeen(json, at == null ? "" : at);
      return value;
    } finally {
      if (outer == null) {
        SEEN.remove();
      } else {
        SEEN.set(outer);
      }
    }
  }

  /** The members looked at, per object (by identity: equal objects are still two objects). */
  private static final class Seen {
    private final Map<JsonNode, Set<String>> members = new IdentityHashMap<>();

    void note(JsonNode object, String key) {
      members.computeIfAbsent(object, o -> new LinkedHashSet<>()).add(key);
    }

    void requireAllSeen(JsonNode n, String path) {
      if (n == null) {
        return;
      }
      if (n.isObject()) {
        Set<String> known = members.getOrDefault(n, Set.of());
        for (Map.Entry<String, JsonNode> e : n.properties()) {
          String at = join(path, e.getKey());
          if (!known.contains(e.getKey())) {
            throw new FieldException(
                at,
                at
                    + " is not a known member"
                    + (known.isEmpty() ? "" : "; known here: " + String.join(", ", known)));
          }
          requireAllSeen(e.getValue(), at);
        }
      } else if (n.isArray()) {
        for (int i = 0; i < n.size(); i++) {
          requireAllSeen(n.get(i), path + "[" + i + "]");
        }
      }
    }
  }

  /** The document (or a part of one) at {@code path}; {@code null} reads as absent. */
  static Cursor root(JsonNode node, String path) {
    return new Cursor(node, path == null ? "" : path, Optional.ofNullable(SEEN.get()));
  }

  String path() {
    return path;
  }

  /** Whether the member exists and is not {@code null}. */
  boolean present() {
    return !node.isMissingNode() && !node.isNull();
  }

  /** The member {@code key} of this object (absent when this object has none). */
  Cursor get(String key) {
    requireObject();
    seen.ifPresent(s -> s.note(node, key));
    return new Cursor(node.get(key), join(path, key), seen);
  }

  /** The member {@code key}, unless it is absent or {@code null}. */
  Optional<Cursor> optional(String key) {
    Cursor c = get(key);
    return c.present() ? Optional.of(c) : Optional.empty();
  }

  /** Fails when member {@code key} is present: it does not apply here, for the reason given. */
  void reject(String key, String why) {
    Cursor c = get(key);
    if (c.present()) {
      throw c.error(why);
    }
  }

  Cursor requireObject() {
    required();
    if (!node.isObject()) {
      throw error("must be an object, got " + describe(node));
    }
    return this;
  }

  /** The elements of this array, in order. */
  List<Cursor> elements() {
    required();
    if (!node.isArray()) {
      throw error("must be an array, got " + describe(node));
    }
    List<Cursor> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      out.add(new Cursor(node.get(i), path + "[" + i + "]", seen));
    }
    return out;
  }

  /** The members of this object, in document order. */
  List<Map.Entry<String, Cursor>> members() {
    requireObject();
    List<Map.Entry<String, Cursor>> out = new ArrayList<>(node.size());
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      seen.ifPresent(s -> s.note(node, e.getKey()));
      out.add(Map.entry(e.getKey(), new Cursor(e.getValue(), join(path, e.getKey()), seen)));
    }
    return out;
  }

  String text() {
    required();
    if (!node.isTextual()) {
      throw error("must be a string, got " + describe(node));
    }
    return node.textValue();
  }

  /** A name that {@link io.infertune.tuner.space.Names} accepts, for a {@code what}. */
  String name(String what) {
    String s = text();
    return build(() -> io.infertune.tuner.space.Names.require(what, s));
  }

  boolean bool() {
    required();
    if (!node.isBoolean()) {
      throw error("must be true or false, got " + describe(node));
    }
    return node.booleanValue();
  }

  /** An integer in the range of {@code long}: fractional numbers and strings are refused. */
  long longValue() {
    return integer(Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** An integer in the range of {@code int}. */
  int intValue() {
    return (int) integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  private long integer(long min, long max) {
    required();
    if (!node.isNumber()) {
      throw error("must be an integer, got " + describe(node));
    }
    BigDecimal d =
        node.isIntegralNumber() ? new BigDecimal(node.bigIntegerValue()) : finiteDecimal();
    if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
      throw error("must be an integer, got " + describe(node));
    }
    if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw error("must be an integer between " + min + " and " + max + ", got " + describe(node));
    }
    return d.longValueExact();
  }

  /** A finite number: {@code NaN} and infinities (which JSON cannot spell) are refused. */
  double doubleValue() {
    required();
    if (!node.isNumber()) {
      throw error("must be a number, got " + describe(node));
    }
    double d = node.doubleValue();
    if (!Double.isFinite(d)) {
      throw error("must be a finite number, got " + describe(node));
    }
    return d;
  }

  /**
   * A measured value: a number, or one of the strings {@code "NaN"}, {@code "Infinity"} and {@code
   * "-Infinity"} with which {@link WireFormat} writes the values that JSON cannot spell.
   */
  double measuredValue() {
    required();
    if (node.isTextual()) {
      return switch (node.textValue()) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default ->
            throw error(
                "must be a number (or \"NaN\", \"Infinity\", \"-Infinity\"), got "
                    + describe(node));
      };
    }
    return doubleValue();
  }

  /** A duration written as decimal seconds, rounded to the nanosecond. */
  Duration seconds() {
    required();
    if (!node.isNumber()) {
      throw error("must be a number of seconds, got " + describe(node));
    }
    BigDecimal s =
        node.isIntegralNumber() ? new BigDecimal(node.bigIntegerValue()) : finiteDecimal();
    BigInteger[] secondsAndNanos =
        s.movePointRight(9)
            .setScale(0, RoundingMode.HALF_EVEN)
            .toBigIntegerExact()
            .divideAndRemainder(NANOS_PER_SECOND);
    if (secondsAndNanos[0].bitLength() > 63) {
      throw error("is too large for a duration, got " + describe(node));
    }
    return Duration.ofSeconds(secondsAndNanos[0].longValue(), secondsAndNanos[1].longValue());
  }

  /** An instant in ISO-8601, such as {@code 2026-03-01T10:00:00Z}. */
  Instant instant() {
    String s = text();
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw error(
          "must be an ISO-8601 instant such as 2026-03-01T10:00:00Z, got " + describe(node));
    }
  }

  /**
   * A knob value: a string, or a number ({@link Long} when the JSON number is written as an
   * integer, {@link Double} otherwise); a boolean becomes the string {@code "true"} or {@code
   * "false"}, as {@link io.infertune.tuner.space.Configuration} does with Java booleans.
   */
  Object scalar() {
    required();
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isBoolean()) {
      return Boolean.toString(node.booleanValue());
    }
    if (node.isIntegralNumber()) {
      return longValue();
    }
    if (node.isNumber()) {
      return doubleValue();
    }
    throw error("must be a number or a string, got " + describe(node));
  }

  /** One of an enum's constants, by its lower-case name (any case accepted). */
  <E extends Enum<E>> E oneOf(Class<E> type) {
    String s = text();
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s)) {
        return e;
      }
    }
    throw error(
        "must be one of "
            + String.join(
                ", ",
                Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT))
                    .toList())
            + ", got "
            + describe(node));
  }

  /** The text parsed by a domain parser whose {@link IllegalArgumentException} names the fault. */
  <T> T parse(Function<String, T> parser) {
    String s = text();
    return build(() -> parser.apply(s));
  }

  /**
   * Builds a domain value, turning its {@link IllegalArgumentException} into a {@link
   * FieldException} at the nearest field: the first {@code (phrase, key)} pair whose phrase occurs
   * in the domain's message names the member {@code key} (a dotted path relative to this node, or
   * {@code ""} for this node); when none does, the fault is this node's.
   */
  <T> T build(Supplier<T> make, String... phrasesAndKeys) {
    try {
      return make.get();
    } catch (FieldException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      String message = e.getMessage() == null ? "invalid value" : e.getMessage();
      for (int i = 0; i + 1 < phrasesAndKeys.length; i += 2) {
        if (message.contains(phrasesAndKeys[i])) {
          String key = phrasesAndKeys[i + 1];
          String at = key.isEmpty() ? path : path.isEmpty() ? key : path + "." + key;
          throw new FieldException(at, message, e);
        }
      }
      throw new FieldException(path, message, e);
    }
  }

  /** An error at this node: "{@code <path> <what>}". */
  FieldException error(String what) {
    return new FieldException(path, (path.isEmpty() ? "the document" : path) + " " + what);
  }

  private void required() {
    if (node.isMissingNode()) {
      throw error("is required");
    }
    if (node.isNull()) {
      throw error("is required, got null");
    }
  }

  private BigDecimal finiteDecimal() {
    if (node.isBigDecimal()) {
      return node.decimalValue();
    }
    double d = node.doubleValue();
    if (!Double.isFinite(d)) {
      throw error("must be a finite number, got " + describe(node));
    }
    // valueOf goes through Double.toString: the shortest decimal that reads back as d, which is
    // what the client wrote (0.1 stays 0.1, not 0.1000000000000000055...).
    return BigDecimal.valueOf(d);
  }

  /** {@code path.key}, or {@code path["odd key"]} when the key is not a plain identifier. */
  static String join(String path, String key) {
    if (PLAIN_KEY.matcher(key).matches()) {
      return path.isEmpty() ? key : path + "." + key;
    }
    return path + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }

  /** The node's kind, and its value when short, for messages. */
  static String describe(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> "the string " + shorten(n.toString());
      case NUMBER -> shorten(n.asText());
      case BOOLEAN -> n.asText();
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      case MISSING -> "nothing";
      case BINARY, POJO -> "a " + n.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String shorten(String s) {
    return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "...";
  }
}
