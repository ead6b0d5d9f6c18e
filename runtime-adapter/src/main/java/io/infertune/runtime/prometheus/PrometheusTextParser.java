package io.infertune.runtime.prometheus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Reads Prometheus' text exposition format, version 0.0.4 (prometheus.io, "Exposition formats"),
 * into metric families.
 *
 * <p>What it accepts, as Prometheus' own parser (Go, {@code expfmt.TextParser}) does: blank lines;
 * {@code #} comments; {@code # HELP name text} (escapes {@code \\} and {@code \n}) and {@code #
 * TYPE name counter|gauge|histogram|summary|untyped}, each at most once per metric and the TYPE
 * before the metric's first sample; sample lines {@code name[{label="value",...}] value
 * [timestamp]} with blanks or tabs between tokens, an optional trailing comma in the label set, and
 * label values escaped with {@code \\}, {@code \"} and {@code \n} (commas, braces and equals signs
 * inside the quotes are plain characters); values in Go's float syntax, {@code NaN}, {@code +Inf}
 * and {@code -Inf} included; timestamps as integer milliseconds. Samples named {@code foo_total},
 * {@code foo_created}, {@code foo_bucket}, {@code foo_sum}, {@code foo_count} join family {@code
 * foo} when its type has that suffix (see {@link MetricFamily}); samples of a family need not be
 * contiguous. Lines may end in {@code \r\n}.
 *
 * <p>What it rejects, with the line number: malformed names, labels or numbers, unterminated label
 * values, invalid escapes, a label given twice, text after the timestamp, a second HELP or TYPE for
 * a metric, a TYPE after the metric's samples, an unknown type, a histogram bucket without a
 * numeric {@code le}, a summary quantile without a numeric {@code quantile}, and a series (name and
 * labels) that appears twice.
 *
 * <p>What it leaves to its callers: the meaning of the values (a histogram whose counts decrease is
 * parsed as written; see {@link HistogramSeries}).
 *
 * @implNote stateless; thread-safe.
 */
public final class PrometheusTextParser {
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?");
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

  /** Suffixes by which a sample can belong to a family of another name (see MetricType). */
  private static final List<String> SUFFIXES =
      List.of("_bucket", "_sum", "_count", "_total", "_created");

  private PrometheusTextParser() {}

  /**
   * The families of {@code page}, in the order their first line appears.
   *
   * @throws PrometheusParseException at the first malformed line
   */
  public static List<MetricFamily> parse(String page) throws PrometheusParseException {
    return new Run().parse(page);
  }

  /**
   * A number as the text format writes one: Go's float syntax ({@code 1}, {@code -2.5e-3}, {@code
   * .5}) or, in any case, {@code NaN}, {@code Inf} and {@code Infinity} with an optional sign.
   * Unlike {@link Double#parseDouble} it rejects Java's extras ({@code 1d}, {@code 0x1p3}, blanks).
   *
   * @throws NumberFormatException when {@code text} is none of these
   */
  public static double parseNumber(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "nan", "+nan", "-nan" -> {
        return Double.NaN;
      }
      case "inf", "+inf", "infinity", "+infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        if (!DECIMAL.matcher(text).matches()) {
          throw new NumberFormatException("'" + text + "' is not a number");
        }
        return Double.parseDouble(text);
      }
    }
  }

  /** The state of one parse: the families so far and the series already seen. */
  private static final class Run {
    private final Map<String, FamilyBuilder> families = new LinkedHashMap<>();
    private final Map<SeriesKey, Integer> seriesLines = new HashMap<>();
    private int lineNumber;

    List<MetricFamily> parse(String page) throws PrometheusParseException {
      int start = 0;
      while (start < page.length()) {
        int end = page.indexOf('\n', start);
        if (end < 0) {
          end = page.length();
        }
        lineNumber++;
        String line = page.substring(start, end);
        if (line.endsWith("\r")) {
          line = line.substring(0, line.length() - 1);
        }
        line(new Cursor(line));
        start = end + 1;
      }
      List<MetricFamily> out = new ArrayList<>(families.size());
      for (FamilyBuilder f : families.values()) {
        out.add(
            new MetricFamily(f.name, f.type, Optional.ofNullable(f.help), List.copyOf(f.samples)));
      }
      return out;
    }

    private PrometheusParseException error(String reason) {
      return new PrometheusParseException(lineNumber, reason);
    }

    private void line(Cursor c) throws PrometheusParseException {
      c.skipBlanks();
      if (c.atEnd()) {
        return;
      }
      if (c.peek() == '#') {
        c.next();
        comment(c);
      } else {
        sample(c);
      }
    }

    private void comment(Cursor c) throws PrometheusParseException {
      c.skipBlanks();
      String keyword = c.token();
      if (!keyword.equals("HELP") && !keyword.equals("TYPE")) {
        return; // a plain comment
      }
      c.skipBlanks();
      String name = c.metricName();
      if (name.isEmpty()) {
        throw error("# " + keyword + " needs a metric name");
      }
      if (!c.atEnd() && !c.isBlank()) {
        throw error("metric name '" + name + c.rest() + "' has an invalid character");
      }
      c.skipBlanks();
      FamilyBuilder family = families.computeIfAbsent(name, FamilyBuilder::new);
      if (keyword.equals("HELP")) {
        if (family.help != null) {
          throw error("second HELP line for " + name);
        }
        family.help = unescapeHelp(c.rest());
        return;
      }
      String typeToken = c.token();
      c.skipBlanks();
      if (!c.atEnd()) {
        throw error("unexpected '" + c.rest() + "' after the type of " + name);
      }
      MetricType type =
          MetricType.ofToken(typeToken)
              .orElseThrow(
                  () ->
                      error(
                          "unknown metric type '"
                              + typeToken
                              + "' for "
                              + name
                              + " (counter, gauge, histogram, summary or untyped)"));
      if (family.typeDeclared) {
        throw error("second TYPE line for " + name);
      }
      if (!family.samples.isEmpty()) {
        throw error("TYPE line for " + name + " after its samples");
      }
      family.type = type;
      family.typeDeclared = true;
    }

    private void sample(Cursor c) throws PrometheusParseException {
      String name = c.metricName();
      if (name.isEmpty()) {
        throw error("expected a metric name, found '" + c.rest() + "'");
      }
      if (!c.atEnd() && !c.isBlank() && !c.peekIs('{')) {
        throw error("metric name '" + name + c.token() + "' has an invalid character");
      }
      c.skipBlanks();
      Map<String, String> labels = c.peekIs('{') ? labels(c, name) : Map.of();
      c.skipBlanks();
      if (c.atEnd()) {
        throw error("sample " + name + " has no value");
      }
      String valueText = c.token();
      double value;
      try {
        value = parseNumber(valueText);
      } catch (NumberFormatException e) {
        throw error("value '" + valueText + "' of " + name + " is not a number");
      }
      c.skipBlanks();
      OptionalLong timestamp = OptionalLong.empty();
      if (!c.atEnd()) {
        String ts = c.token();
        if (!INTEGER.matcher(ts).matches()) {
          throw error("timestamp '" + ts + "' of " + name + " is not integer milliseconds");
        }
        try {
          timestamp = OptionalLong.of(Long.parseLong(ts));
        } catch (NumberFormatException e) {
          throw error("timestamp '" + ts + "' of " + name + " is out of range");
        }
        c.skipBlanks();
        if (!c.atEnd()) {
          throw error("unexpected '" + c.rest() + "' after the timestamp of " + name);
        }
      }
      Sample sample = new Sample(name, labels, value, timestamp);
      FamilyBuilder family = familyOf(sample);
      Integer earlier = seriesLines.putIfAbsent(new SeriesKey(name, sample.labels()), lineNumber);
      if (earlier != null) {
        throw error("series " + name + labels + " already appeared on line " + earlier);
      }
      family.samples.add(sample);
    }

    /** The family a sample joins (see MetricFamily), checking what its type requires of it. */
    private FamilyBuilder familyOf(Sample s) throws PrometheusParseException {
      String name = s.name();
      FamilyBuilder exact = families.get(name);
      if (exact != null) {
        if (exact.type == MetricType.HISTOGRAM) {
          throw error(
              "histogram "
                  + name
                  + " has samples "
                  + name
                  + "_bucket, _sum and _count, not "
                  + name);
        }
        if (exact.type == MetricType.SUMMARY && s.numericLabel("quantile").isEmpty()) {
          throw error("quantile of summary " + name + " needs a numeric 'quantile' label");
        }
        return exact;
      }
      for (String suffix : SUFFIXES) {
        if (name.length() > suffix.length() && name.endsWith(suffix)) {
          FamilyBuilder base = families.get(name.substring(0, name.length() - suffix.length()));
          if (base != null && base.type.acceptsSuffix(suffix)) {
            if (suffix.equals("_bucket") && s.numericLabel("le").isEmpty()) {
              throw error("bucket " + name + " needs a numeric 'le' label");
            }
            return base;
          }
        }
      }
      return families.computeIfAbsent(name, FamilyBuilder::new);
    }

    private Map<String, String> labels(Cursor c, String metric) throws PrometheusParseException {
      c.next(); // '{'
      Map<String, String> labels = new LinkedHashMap<>();
      while (true) {
        c.skipBlanks();
        if (c.atEnd()) {
          throw error("labels of " + metric + " are not closed with '}'");
        }
        if (c.peekIs('}')) {
          c.next();
          return labels;
        }
        String label = c.labelName();
        if (label.isEmpty()) {
          throw error("expected a label name in " + metric + ", found '" + c.rest() + "'");
        }
        c.skipBlanks();
        if (!c.peekIs('=')) {
          throw error("expected '=' after label " + label + " of " + metric);
        }
        c.next();
        c.skipBlanks();
        if (!c.peekIs('"')) {
          throw error("value of label " + label + " of " + metric + " must be in double quotes");
        }
        c.next();
        String value = labelValue(c, metric, label);
        if (labels.put(label, value) != null) {
          throw error("label " + label + " appears twice in " + metric);
        }
        c.skipBlanks();
        if (c.peekIs(',')) {
          c.next();
        } else if (!c.peekIs('}')) {
          throw error(
              "expected ',' or '}' after label "
                  + label
                  + " of "
                  + metric
                  + (c.atEnd() ? "" : ", found '" + c.rest() + "'"));
        }
      }
    }

    private String labelValue(Cursor c, String metric, String label)
        throws PrometheusParseException {
      StringBuilder out = new StringBuilder();
      while (!c.atEnd()) {
        char ch = c.next();
        if (ch == '"') {
          return out.toString();
        }
        if (ch != '\\') {
          out.append(ch);
          continue;
        }
        if (c.atEnd()) {
          break;
        }
        char escaped = c.next();
        switch (escaped) {
          case '\\' -> out.append('\\');
          case '"' -> out.append('"');
          case 'n' -> out.append('\n');
          default ->
              throw error(
                  "invalid escape '\\"
                      + escaped
                      + "' in label "
                      + label
                      + " of "
                      + metric
                      + " (only \\\\, \\\" and \\n)");
        }
      }
      throw error("value of label " + label + " of " + metric + " is not terminated");
    }
  }

  /** HELP text escapes only backslash and newline; other backslashes stay as written. */
  private static String unescapeHelp(String text) {
    if (text.indexOf('\\') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '\\' && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        if (next == '\\' || next == 'n') {
          out.append(next == 'n' ? '\n' : '\\');
          i++;
          continue;
        }
      }
      out.append(ch);
    }
    return out.toString();
  }

  private record SeriesKey(String name, Map<String, String> labels) {}

  private static final class FamilyBuilder {
    final String name;
    final List<Sample> samples = new ArrayList<>();
    MetricType type = MetricType.UNTYPED;
    boolean typeDeclared;
    String help;

    FamilyBuilder(String name) {
      this.name = name;
    }
  }

  /** A position in one line. */
  private static final class Cursor {
    private final String line;
    private int i;

    Cursor(String line) {
      this.line = line;
    }

    boolean atEnd() {
      return i >= line.length();
    }

    char peek() {
      return line.charAt(i);
    }

    boolean peekIs(char ch) {
      return !atEnd() && line.charAt(i) == ch;
    }

    boolean isBlank() {
      char ch = line.charAt(i);
      return ch == ' ' || ch == '\t';
    }

    char next() {
      return line.charAt(i++);
    }

    void skipBlanks() {
      while (!atEnd() && isBlank()) {
        i++;
      }
    }

    /** Up to the next blank or the end of the line. */
    String token() {
      int start = i;
      while (!atEnd() && !isBlank()) {
        i++;
      }
      return line.substring(start, i);
    }

    String rest() {
      return line.substring(i);
    }

    /** {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, possibly empty. */
    String metricName() {
      int start = i;
      while (!atEnd()) {
        char ch = line.charAt(i);
        boolean ok =
            (ch >= 'a' && ch <= 'z')
                || (ch >= 'A' && ch <= 'Z')
                || ch == '_'
                || ch == ':'
                || (i > start && ch >= '0' && ch <= '9');
        if (!ok) {
          break;
        }
        i++;
      }
      return line.substring(start, i);
    }

    /** {@code [a-zA-Z_][a-zA-Z0-9_]*}, possibly empty. */
    String labelName() {
      int start = i;
      while (!atEnd()) {
        char ch = line.charAt(i);
        boolean ok =
            (ch >= 'a' && ch <= 'z')
                || (ch >= 'A' && ch <= 'Z')
                || ch == '_'
                || (i > start && ch >= '0' && ch <= '9');
        if (!ok) {
          break;
        }
        i++;
      }
      return line.substring(start, i);
    }
  }
}
