package io.infertune.runtime.prometheus;

import static java.util.Map.entry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How one kind of runtime's Prometheus metrics become Infertune's snapshot series (the {@code
 * SOURCE_*} names of {@link Metrics}, and a few more in {@link #TARGETS}). Mappings are data: one
 * JSON resource per runtime kind under {@code io/infertune/runtime/prometheus/mappings/}.
 *
 * <p>The JSON: {@code {"runtime": kind, "sources": [where the names come from], "counters":
 * {target: [candidate, ...]}, "gauges": {...}, "histograms": {...}}}. Each target lists candidate
 * series in order of preference, so that metrics renamed across versions are covered; the first
 * candidate present in a page gives the value, and a target none of whose candidates is present is
 * left out of the snapshot (its metric is then not measured). A candidate:
 *
 * <ul>
 *   <li>{@code "series"} (required): for counters and gauges, the name of the samples as written
 *       ({@code vllm:request_success_total}, {@code tgi_request_input_length_sum}); for histograms,
 *       the histogram's name without {@code _bucket}/{@code _sum}/{@code _count};
 *   <li>{@code "include"}, {@code "exclude"}: {@code {label: [values]}}, which series to keep (a
 *       label a series lacks has the value {@code ""}, as in PromQL); every series kept is
 *       aggregated (different models, engines, finish reasons become one value);
 *   <li>{@code "scale"} (default 1): multiplies values (counters, gauges) or bucket bounds and sums
 *       (histograms) into the target's unit, e.g. 0.001 for milliseconds into seconds;
 *   <li>{@code "minus"} (counters): a series of the same labels to subtract, e.g. cache misses as
 *       queries minus hits; both counters must move together, or a scrape between their updates can
 *       make the difference go down, which reads as a counter reset;
 *   <li>{@code "aggregate"} (gauges): {@code sum} (default), {@code max}, {@code min} or {@code
 *       avg} over the series kept;
 *   <li>{@code "note"}: why this candidate, for the reader.
 * </ul>
 *
 * <p>Histograms of several series are summed bucket by bucket over the bounds all of them have (a
 * cumulative count at a shared bound is exact), like {@code sum by (le)} in PromQL. A series
 * without {@code +Inf} bucket and {@code _count}, or without {@code _sum}, is left out, and so are
 * counters and gauges whose value is not finite (NaN before a runtime's first request, say): the
 * Measurer summarises finite numbers only.
 *
 * @param runtime the runtime kind, also the resource's name
 * @param sources documents the metric names were taken from
 * @implNote immutable; thread-safe.
 */
public record MetricMapping(
    String runtime,
    List<String> sources,
    Map<String, List<Candidate>> counters,
    Map<String, List<Candidate>> gauges,
    Map<String, List<Candidate>> histograms) {

  /** Histogram: seconds from a request's arrival to its first output token. */
  public static final String TIME_TO_FIRST_TOKEN_SECONDS = Metrics.SOURCE_TTFT_SECONDS;

  /** Histogram: seconds between successive output tokens of a request. */
  public static final String INTER_TOKEN_LATENCY_SECONDS = Metrics.SOURCE_ITL_SECONDS;

  /** Counter: output tokens generated ({@link Metrics#SOURCE_TOKENS} counts input tokens). */
  public static final String GENERATED_TOKENS = Metrics.SOURCE_OUTPUT_TOKENS;

  /** Gauge: requests being processed now. */
  public static final String REQUESTS_RUNNING = "requests_running";

  /**
   * Counter: seconds requests spent in the runtime from arrival to response, summed over requests
   * (for runtimes that count durations instead of keeping a latency histogram, such as Triton).
   */
  public static final String REQUEST_DURATION_SECONDS = "request_duration_seconds";

  /** Counter: seconds requests spent waiting in the runtime's scheduling queue, summed. */
  public static final String QUEUE_DURATION_SECONDS = "queue_duration_seconds";

  /** The kinds that have a mapping resource. */
  public static final List<String> KINDS =
      List.of("vllm", "tgi", "llamacpp", "sglang", "triton", "infertune-embedded");

  /** The series a mapping may produce, and whether each is a counter, gauge or histogram. */
  public static final Map<String, Kind> TARGETS =
      Map.ofEntries(
          entry(Metrics.SOURCE_REQUESTS, Kind.COUNTER),
          entry(Metrics.SOURCE_ERRORS, Kind.COUNTER),
          entry(Metrics.SOURCE_TOKENS, Kind.COUNTER),
          entry(GENERATED_TOKENS, Kind.COUNTER),
          entry(Metrics.SOURCE_CACHE_HITS, Kind.COUNTER),
          entry(Metrics.SOURCE_CACHE_MISSES, Kind.COUNTER),
          entry(Metrics.SOURCE_CPU_SECONDS, Kind.COUNTER),
          entry(EmbeddedRuntime.BATCHES_COUNTER, Kind.COUNTER),
          entry(REQUEST_DURATION_SECONDS, Kind.COUNTER),
          entry(QUEUE_DURATION_SECONDS, Kind.COUNTER),
          entry(Metrics.SOURCE_MEMORY_BYTES, Kind.GAUGE),
          entry(Metrics.SOURCE_ACCURACY, Kind.GAUGE),
          entry(REQUESTS_RUNNING, Kind.GAUGE),
          entry(EmbeddedRuntime.QUEUE_DEPTH_GAUGE, Kind.GAUGE),
          entry(EmbeddedRuntime.CACHE_SIZE_GAUGE, Kind.GAUGE),
          entry(Metrics.SOURCE_LATENCY_SECONDS, Kind.HISTOGRAM),
          entry(TIME_TO_FIRST_TOKEN_SECONDS, Kind.HISTOGRAM),
          entry(INTER_TOKEN_LATENCY_SECONDS, Kind.HISTOGRAM),
          entry(EmbeddedRuntime.BATCH_SIZE_HISTOGRAM, Kind.HISTOGRAM));

  private static final String RESOURCES = "mappings/";
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** What a target is in a {@link MetricSnapshot}. */
  public enum Kind {
    COUNTER,
    GAUGE,
    HISTOGRAM;

    String section() {
      return name().toLowerCase(Locale.ROOT) + "s";
    }
  }

  /** How the values of the series a gauge candidate keeps become one. */
  public enum Aggregation {
    SUM,
    MAX,
    MIN,
    AVG;

    double apply(List<Sample> samples) {
      double out =
          switch (this) {
            case SUM, AVG -> 0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
          };
      for (Sample s : samples) {
        out =
            switch (this) {
              case SUM, AVG -> out + s.value();
              case MAX -> Math.max(out, s.value());
              case MIN -> Math.min(out, s.value());
            };
      }
      return this == AVG ? out / samples.size() : out;
    }
  }

  /**
   * One way of reading a target from a page (see the class comment for the fields).
   *
   * @param include label values a series must have (any of the listed ones, for every label)
   * @param exclude label values a series must not have
   * @param scale the factor into the target's unit
   */
  public record Candidate(
      String series,
      Map<String, Set<String>> include,
      Map<String, Set<String>> exclude,
      double scale,
      Optional<String> minus,
      Aggregation aggregate,
      Optional<String> note) {

    public Candidate {
      requireMetricName(series, "series");
      include = copyLabelSets(include);
      exclude = copyLabelSets(exclude);
      if (!(scale > 0) || Double.isInfinite(scale)) {
        throw new IllegalArgumentException("scale must be positive and finite, was " + scale);
      }
      minus.ifPresent(m -> requireMetricName(m, "minus"));
      Objects.requireNonNull(aggregate, "aggregate");
      Objects.requireNonNull(note, "note");
    }

    /** The plain candidate: all series named {@code series}, summed, unscaled. */
    public static Candidate of(String series) {
      return new Candidate(
          series, Map.of(), Map.of(), 1, Optional.empty(), Aggregation.SUM, Optional.empty());
    }

    boolean keeps(Map<String, String> labels) {
      for (var e : include.entrySet()) {
        if (!e.getValue().contains(labels.getOrDefault(e.getKey(), ""))) {
          return false;
        }
      }
      for (var e : exclude.entrySet()) {
        if (e.getValue().contains(labels.getOrDefault(e.getKey(), ""))) {
          return false;
        }
      }
      return true;
    }

    List<Sample> kept(Map<String, List<Sample>> page, String name) {
      List<Sample> out = new ArrayList<>();
      for (Sample s : page.getOrDefault(name, List.of())) {
        if (keeps(s.labels())) {
          out.add(s);
        }
      }
      return out;
    }

    /** The candidate's value in a page, if the page has its series. */
    OptionalDouble value(Map<String, List<Sample>> page) {
      List<Sample> samples = kept(page, series);
      if (samples.isEmpty()) {
        return OptionalDouble.empty();
      }
      double v = aggregate.apply(samples);
      if (minus.isPresent()) {
        List<Sample> subtracted = kept(page, minus.get());
        if (subtracted.isEmpty()) {
          return OptionalDouble.empty();
        }
        v -= Aggregation.SUM.apply(subtracted);
      }
      v *= scale;
      return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    }

    /** The candidate's histogram in a page, if the page has its series. */
    Optional<HistogramSnapshot> histogram(Map<String, List<Sample>> page)
        throws MetricSourceException {
      List<Sample> samples = new ArrayList<>();
      samples.addAll(page.getOrDefault(series + "_bucket", List.of()));
      samples.addAll(page.getOrDefault(series + "_sum", List.of()));
      samples.addAll(page.getOrDefault(series + "_count", List.of()));
      List<HistogramSeries> kept = new ArrayList<>();
      for (HistogramSeries h : HistogramSeries.group(series, samples)) {
        if (keeps(h.labels())
            && !h.buckets().isEmpty()
            && h.total().isPresent()
            && h.sum().isPresent()) {
          kept.add(h);
        }
      }
      if (kept.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(merge(kept));
    }

    /** Sums series bucket by bucket over the finite bounds they share, plus {@code +Inf}. */
    private HistogramSnapshot merge(List<HistogramSeries> all) throws MetricSourceException {
      TreeSet<Double> bounds = null;
      for (HistogramSeries h : all) {
        TreeSet<Double> own = new TreeSet<>();
        for (HistogramSeries.Bucket b : h.buckets()) {
          if (b.upperBound() != Double.POSITIVE_INFINITY) {
            own.add(b.upperBound());
          }
        }
        if (bounds == null) {
          bounds = own;
        } else {
          bounds.retainAll(own);
        }
      }
      List<Double> finite = new ArrayList<>(bounds);
      double[] upper = new double[finite.size() + 1];
      long[] counts = new long[upper.length];
      double sum = 0;
      for (HistogramSeries h : all) {
        Map<Double, Double> byBound = new HashMap<>();
        for (HistogramSeries.Bucket b : h.buckets()) {
          byBound.put(b.upperBound(), b.cumulativeCount());
        }
        for (int i = 0; i < finite.size(); i++) {
          counts[i] += Math.round(byBound.get(finite.get(i)));
        }
        counts[upper.length - 1] += Math.round(h.total().getAsDouble());
        sum += h.sum().getAsDouble();
      }
      for (int i = 0; i < finite.size(); i++) {
        upper[i] = finite.get(i) * scale;
      }
      upper[upper.length - 1] = Double.POSITIVE_INFINITY;
      for (int i = 1; i < counts.length; i++) {
        if (counts[i] < counts[i - 1]) {
          throw new MetricSourceException(
              "histogram "
                  + series
                  + " has a bucket count that decreases ("
                  + counts[i - 1]
                  + " at le="
                  + finite.get(i - 1)
                  + ", then "
                  + counts[i]
                  + ")");
        }
      }
      return new HistogramSnapshot(upper, counts, sum * scale);
    }
  }

  public MetricMapping {
    Objects.requireNonNull(runtime, "runtime");
    sources = List.copyOf(sources);
    counters = copyTargets(counters, Kind.COUNTER);
    gauges = copyTargets(gauges, Kind.GAUGE);
    histograms = copyTargets(histograms, Kind.HISTOGRAM);
  }

  /**
   * The mapping of a runtime kind, one of {@link #KINDS}.
   *
   * @throws IllegalArgumentException for a kind without a mapping
   */
  public static MetricMapping forKind(String kind) {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "no Prometheus metric mapping for runtime kind '" + kind + "'; known: " + KINDS);
    }
    String resource = RESOURCES + kind + ".json";
    try (InputStream in = MetricMapping.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      MetricMapping m = read(in, kind + ".json");
      if (!m.runtime().equals(kind)) {
        throw new IllegalStateException(resource + " is the mapping of " + m.runtime());
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a mapping from JSON.
   *
   * @param origin names the document in error messages
   * @throws IllegalArgumentException naming the origin and the path of what is wrong
   * @throws IOException when the stream cannot be read
   */
  public static MetricMapping read(InputStream json, String origin) throws IOException {
    Object tree;
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException(origin + ": empty document");
      }
      tree = Json.read(p);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(origin + ": " + e.getOriginalMessage(), e);
    }
    try {
      return Json.mapping(tree, origin);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(origin + ": " + e.getMessage(), e);
    }
  }

  /**
   * The snapshot of a page: each target's first present candidate.
   *
   * @param nanos the {@link io.infertune.tuner.measure.Ticker#nanos()} reading of the scrape
   * @throws MetricSourceException when a histogram's counts are inconsistent
   */
  public MetricSnapshot snapshot(long nanos, List<MetricFamily> page) throws MetricSourceException {
    Map<String, List<Sample>> bySample = new HashMap<>();
    for (MetricFamily f : page) {
      for (Sample s : f.samples()) {
        bySample.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
      }
    }
    return new MetricSnapshot(
        nanos, scalars(counters, bySample), scalars(gauges, bySample), histograms(bySample));
  }

  private static Map<String, Double> scalars(
      Map<String, List<Candidate>> targets, Map<String, List<Sample>> page) {
    Map<String, Double> out = new HashMap<>();
    targets.forEach(
        (target, candidates) -> {
          for (Candidate c : candidates) {
            OptionalDouble v = c.value(page);
            if (v.isPresent()) {
              out.put(target, v.getAsDouble());
              break;
            }
          }
        });
    return out;
  }

  private Map<String, HistogramSnapshot> histograms(Map<String, List<Sample>> page)
      throws MetricSourceException {
    Map<String, HistogramSnapshot> out = new HashMap<>();
    for (var e : histograms.entrySet()) {
      for (Candidate c : e.getValue()) {
        Optional<HistogramSnapshot> h = c.histogram(page);
        if (h.isPresent()) {
          out.put(e.getKey(), h.get());
          break;
        }
      }
    }
    return out;
  }

  private static void requireMetricName(String name, String field) {
    if (name == null || !METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(field + " '" + name + "' is not a metric name");
    }
  }

  private static Map<String, Set<String>> copyLabelSets(Map<String, Set<String>> in) {
    Map<String, Set<String>> out = new HashMap<>();
    in.forEach(
        (label, values) -> {
          if (!LABEL_NAME.matcher(label).matches()) {
            throw new IllegalArgumentException("'" + label + "' is not a label name");
          }
          if (values.isEmpty()) {
            throw new IllegalArgumentException("label " + label + " lists no values");
          }
          out.put(label, Set.copyOf(values));
        });
    return Map.copyOf(out);
  }

  private static Map<String, List<Candidate>> copyTargets(
      Map<String, List<Candidate>> in, Kind kind) {
    Map<String, List<Candidate>> out = new HashMap<>();
    in.forEach(
        (target, candidates) -> {
          Kind known = TARGETS.get(target);
          if (known == null) {
            throw new IllegalArgumentException(
                "unknown target '" + target + "'; known: " + new TreeSet<>(TARGETS.keySet()));
          }
          if (known != kind) {
            throw new IllegalArgumentException(
                target + " is a " + known.name().toLowerCase(Locale.ROOT) + ", not in " + kind);
          }
          if (candidates.isEmpty()) {
            throw new IllegalArgumentException(target + " lists no candidate");
          }
          for (Candidate c : candidates) {
            if (c.minus().isPresent() && kind != Kind.COUNTER) {
              throw new IllegalArgumentException(target + ": 'minus' is for counters only");
            }
            if (c.aggregate() != Aggregation.SUM && kind != Kind.GAUGE) {
              throw new IllegalArgumentException(target + ": 'aggregate' is for gauges only");
            }
          }
          out.put(target, List.copyOf(candidates));
        });
    return Map.copyOf(out);
  }

  /**
   * Reads JSON with Jackson's streaming parser into maps, lists, strings, numbers and booleans,
   * then binds the mapping from them. Not jackson-databind: this module keeps to jackson-core (see
   * the runtime-adapter POM), and the schema is small.
   */
  private static final class Json {
    private Json() {}

    static Object read(JsonParser p) throws IOException {
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
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
          return p.getDoubleValue();
        }
        case VALUE_TRUE, VALUE_FALSE -> {
          return p.getBooleanValue();
        }
        default -> {
          return Null.INSTANCE;
        }
      }
    }

    /** JSON's null, which no field of a mapping takes. */
    enum Null {
      INSTANCE
    }

    static MetricMapping mapping(Object tree, String origin) {
      Map<String, Object> root = object(tree, "the document");
      allowOnly(root, "", Set.of("runtime", "sources", "counters", "gauges", "histograms"));
      String runtime = string(root.get("runtime"), "runtime");
      List<String> sources = new ArrayList<>();
      if (root.containsKey("sources")) {
        List<Object> list = array(root.get("sources"), "sources");
        for (int i = 0; i < list.size(); i++) {
          sources.add(string(list.get(i), "sources[" + i + "]"));
        }
      }
      return new MetricMapping(
          runtime,
          sources,
          targets(root, "counters"),
          targets(root, "gauges"),
          targets(root, "histograms"));
    }

    private static Map<String, List<Candidate>> targets(Map<String, Object> root, String section) {
      if (!root.containsKey(section)) {
        return Map.of();
      }
      Map<String, List<Candidate>> out = new LinkedHashMap<>();
      for (var e : object(root.get(section), section).entrySet()) {
        String path = section + "." + e.getKey();
        List<Object> list = array(e.getValue(), path);
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          candidates.add(candidate(list.get(i), path + "[" + i + "]"));
        }
        try {
          out.put(e.getKey(), candidates);
          copyTargets(Map.of(e.getKey(), candidates), kindOf(section));
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException(path + ": " + ex.getMessage(), ex);
        }
      }
      return out;
    }

    private static Kind kindOf(String section) {
      for (Kind k : Kind.values()) {
        if (k.section().equals(section)) {
          return k;
        }
      }
      throw new IllegalArgumentException(section);
    }

    private static Candidate candidate(Object node, String path) {
      Map<String, Object> m = object(node, path);
      allowOnly(
          m,
          path + ".",
          Set.of("series", "include", "exclude", "scale", "minus", "aggregate", "note"));
      try {
        double scale = 1;
        if (m.containsKey("scale")) {
          if (!(m.get("scale") instanceof Double d)) {
            throw new IllegalArgumentException("scale must be a number");
          }
          scale = d;
        }
        Aggregation aggregate = Aggregation.SUM;
        if (m.containsKey("aggregate")) {
          String a = string(m.get("aggregate"), "aggregate");
          try {
            aggregate = Aggregation.valueOf(a.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "aggregate '" + a + "' is not one of sum, max, min, avg", e);
          }
        }
        return new Candidate(
            string(m.get("series"), "series"),
            labelSets(m.get("include"), "include"),
            labelSets(m.get("exclude"), "exclude"),
            scale,
            m.containsKey("minus")
                ? Optional.of(string(m.get("minus"), "minus"))
                : Optional.empty(),
            aggregate,
            m.containsKey("note") ? Optional.of(string(m.get("note"), "note")) : Optional.empty());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
      }
    }

    private static Map<String, Set<String>> labelSets(Object node, String field) {
      if (node == null) {
        return Map.of();
      }
      Map<String, Set<String>> out = new LinkedHashMap<>();
      for (var e : object(node, field).entrySet()) {
        List<Object> values = array(e.getValue(), field + "." + e.getKey());
        Set<String> set = new LinkedHashSet<>();
        for (Object v : values) {
          set.add(string(v, field + "." + e.getKey()));
        }
        out.put(e.getKey(), set);
      }
      return out;
    }

    private static void allowOnly(Map<String, Object> m, String prefix, Set<String> fields) {
      for (String key : m.keySet()) {
        if (!fields.contains(key)) {
          throw new IllegalArgumentException(
              "unknown field '" + prefix + key + "' (allowed: " + new TreeSet<>(fields) + ")");
        }
      }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object node, String what) {
      if (!(node instanceof Map)) {
        throw new IllegalArgumentException(what + " must be a JSON object");
      }
      return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(Object node, String what) {
      if (!(node instanceof List)) {
        throw new IllegalArgumentException(what + " must be a JSON array");
      }
      return (List<Object>) node;
    }

    private static String string(Object node, String what) {
      if (!(node instanceof String s)) {
        throw new IllegalArgumentException(what + " must be a string");
      }
      return s;
    }
  }
}
