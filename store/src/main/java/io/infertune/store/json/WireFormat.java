package io.infertune.store.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.tuner.measure.ConfidenceInterval;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.WindowReport;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.CategoricalParameter;
import io.infertune.tuner.space.Condition;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.FloatParameter;
import io.infertune.tuner.space.IntParameter;
import io.infertune.tuner.space.OrdinalParameter;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.study.Study;
import io.infertune.tuner.study.StudySpec;
import io.infertune.tuner.study.TrialOutcome;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.LiveMode;
import io.infertune.tuner.trial.PromotionPolicy;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The JSON form of the domain values, shared by the trial store (its JSON columns) and the REST API
 * (request and response bodies), so that what a client sends, what the API shows and what the
 * database holds are one format.
 *
 * <p>Keys are camelCase; enums are lower-case words ({@code maximize}, {@code closed_loop}, {@code
 * completed}); durations are decimal seconds ({@code "windowSeconds": 2.5}); instants are ISO-8601
 * strings ({@code "2026-03-01T10:00:00Z"}, full nanosecond precision); an empty {@code Optional} is
 * an absent key. The shapes:
 *
 * <pre>{@code
 * CampaignSpec  {"name", "runtime", "parameters": [Parameter...], "objective": Objective,
 *                "constraints": [Constraint...], "strategy": {"type", "seed"},
 *                "budget": {"maxTrials", "maxDurationSeconds"?},
 *                "measurement": MeasurementSpec,
 *                "workload": {"mode": "closed_loop|open_loop", "concurrency", "ratePerSecond",
 *                             "distinctInputs", "zipfExponent", "seed",
 *                             "promptTokens"?, "outputTokens"?,   (length distributions as text,
 *                             "fixed:N", "uniform:A-B", "lognormal:median=M,sigma=S"; both or neither)
 *                             "trace"?, "traceSpeedUp"?},   (a JSON Lines trace's path to replay,
 *                             without token lengths; speed-up default 1)
 *                "promotion"?: PromotionPolicy,
 *                "live"?: {"trustRegion"?}}   (present: measured under the runtime's real traffic,
 *                near the incumbent, the SLO guarded every interval; trustRegion defaults to 0.2)
 * MeasurementSpec {"warmupSeconds", "windowSeconds", "sampleIntervalSeconds", "minWindowSeconds"?,
 *                "targetRelativeHalfWidth"?, "warmupStableIntervals"?, "warmupTolerance"?,
 *                "pruning"?, "remeasureIncumbentEvery"?}   (warmup and window are the maxima; each
 *                member absent: the fixed protocol's value, so older specs keep their meaning)
 * PromotionPolicy {"roundsPerArm"?, "roundWindowSeconds"?, "alpha"?, "minRelativeImprovement"?,
 *                "watchSeconds"?, "watchIntervalSeconds"?}   (each member absent: its default)
 * Parameter     {"name", "type": "int|float|ordinal|categorical", "min", "max", "log"?,
 *                "step"? (int), "values" (ordinal, categorical), "when"?: {"parent", "values"}}
 * Objective     {"metric", "direction": "maximize|minimize"}
 * Constraint    {"metric", "min"?, "max"?}
 * Configuration {name: number or string, ...}
 * Measurement   {"windowSeconds", "metrics": {name: {"mean", "p50", "p95", "p99", "count",
 *                                                     "ci"?: {"low", "high", "level"}}},
 *                "report"?: {"metric", "ci"?, "warmupSeconds", "warmupSettled", "othersCpuShare"?,
 *                            "serviceCpuShare"?, "end": "converged|max_window|stopped"}}
 * Trial         {"id", "campaignId", "number", "configuration", "status", "baseline",
 *                "objectiveValue"?, "reason"?, "startedAt", "finishedAt"?, "measurement"?}
 * Campaign      {"id", "spec", "status", "startedBy", "createdAt", "finishedAt"?,
 *                "bestTrialId"?, "message"?}
 * Deployment    {"id", "runtimeId", "campaignId"?, "before", "after", "cause", "evidence", "at"}
 * StudySpec     {"name", "parameters": [Parameter...],
 *                "objectives": [{"name", "direction": "maximize|minimize"}...],
 *                "constraints"?: [{"name", "min"?, "max"?}...], "strategy"?: {"type"?, "seed"?},
 *                "expectedTrials"?}
 * Study         {"id", "name", "createdAt", and the other StudySpec fields}
 * TrialOutcome  {"values": {name: number}, "metrics"?: {name: number}}
 *               or {"failed": true, "reason"}
 * }</pre>
 *
 * <p>Reading is strict about what it uses and lenient about the rest: unknown keys are ignored
 * (except by {@link #readStrictly}, with which the REST API reads requests); a missing required
 * key, a value of the wrong JSON type, a fractional number where an integer is expected, an integer
 * beyond the range of its Java type, a non-finite number and an unknown enum word are refused with
 * a {@link FieldException} naming the field's path ({@code constraints[1].min}, {@code
 * parameters[0].values}); so are values the domain records refuse, with the domain's message at the
 * nearest field. A key that belongs to another parameter type ({@code step} on a {@code float}) is
 * refused too, since it means the client meant something else. An explicit {@code null} reads as
 * absent for optional keys. In a {@link Configuration} and in discrete parameter values, a number
 * written as an integer ({@code 8}) reads as a {@link Long} and any other number ({@code 8.0},
 * {@code 1e3}) as a {@link Double}, so that values round-trip exactly. Measured values that JSON
 * cannot spell ({@code NaN}, infinities: a quantile of an empty histogram, an objective computed
 * from one) are written as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"},
 * and only where a measured value is read (quantiles, interval bounds, {@code objectiveValue}) are
 * those strings accepted back.
 *
 * <p>Each {@code readX(JsonNode)} has a {@code readX(JsonNode, String at)} twin whose errors are
 * prefixed with the path {@code at}, for a value nested in a larger document.
 *
 * @implNote stateless and thread-safe. Writers return fresh trees that the caller may modify.
 */
public final class WireFormat {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = mapper();

  private WireFormat() {}

  /**
   * A new mapper configured for this format: duplicate keys and trailing content are errors, and
   * {@code NaN}/{@code Infinity} tokens are refused (the Jackson default). New on each call, since
   * an {@link ObjectMapper} is mutable.
   */
  public static ObjectMapper mapper() {
    return JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
        .build();
  }

  /**
   * Parses JSON text into a tree.
   *
   * @throws FieldException with the empty path when the text is not one valid JSON value
   */
  public static JsonNode parse(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new FieldException("", "the document is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      var where = e.getLocation();
      throw new FieldException(
          "",
          "not valid JSON: "
              + e.getOriginalMessage()
              + (where == null
                  ? ""
                  : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"),
          e);
    }
  }

  /**
   * Reads {@code json} with {@code read} (one of the {@code readX(JsonNode, String)} methods), and
   * refuses any member that the read did not look at: an unknown member, which a plain read
   * ignores, most often a misspelt one ({@code maxTrails}) whose default silently stood in. What a
   * client sends is read this way; what the store kept is not, so that records written by another
   * version still read.
   *
   * @throws FieldException the read's, or one naming the first unknown member in document order
   *     ({@code budget.maxTrails is not a known member; known here: maxTrials, ...})
   */
  public static <T> T readStrictly(
      JsonNode json, String at, java.util.function.BiFunction<JsonNode, String, T> read) {
    return Cursor.tracking(json, at, () -> read.apply(json, at));
  }

  /** Compact JSON text of a tree. */
  public static String toJson(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A tree of plain nodes always serialises; this is a bug, not an input error.
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  // ----------------------------------------------------------------------------- campaign spec

  public static ObjectNode writeCampaignSpec(CampaignSpec s) {
    ObjectNode o = NODES.objectNode();
    o.put("name", s.name());
    o.put("runtime", s.runtimeId());
    o.set("parameters", writeSearchSpace(s.space()));
    o.set("objective", writeObjective(s.objective()));
    ArrayNode constraints = o.putArray("constraints");
    s.constraints().forEach(c -> constraints.add(writeConstraint(c)));
    o.set("strategy", writeStrategySpec(s.strategy()));
    o.set("budget", writeBudget(s.budget()));
    o.set("measurement", writeMeasurementSpec(s.measurement()));
    o.set("workload", writeWorkloadSpec(s.workload()));
    o.set("promotion", writePromotionPolicy(s.promotion()));
    s.live().ifPresent(l -> o.putObject("live").put("trustRegion", l.trustRegion()));
    return o;
  }

  /** A campaign spec; {@code constraints} may be left out (no constraints). */
  public static CampaignSpec readCampaignSpec(JsonNode json) {
    return readCampaignSpec(json, "");
  }

  public static CampaignSpec readCampaignSpec(JsonNode json, String at) {
    return campaignSpec(Cursor.root(json, at));
  }

  private static CampaignSpec campaignSpec(Cursor c) {
    c.requireObject();
    String name = c.get("name").text();
    String runtime = c.get("runtime").text();
    SearchSpace space = searchSpace(c.get("parameters"));
    Cursor objectiveField = c.get("objective");
    Objective objective = objective(objectiveField);
    // A campaign measures a runtime, so its metrics are the vocabulary's (Objective and Constraint
    // take any name; CampaignSpec checks this too, but cannot name the field).
    objectiveField.get("metric").build(() -> Metrics.requireKnown("objective", objective.metric()));
    List<Constraint> constraints = new ArrayList<>();
    c.optional("constraints")
        .ifPresent(
            a -> {
              for (Cursor e : a.elements()) {
                Constraint k = constraint(e);
                e.get("metric").build(() -> Metrics.requireKnown("constraint", k.metric()));
                constraints.add(k);
              }
            });
    StrategySpec strategy = strategySpec(c.get("strategy"));
    Budget budget = budget(c.get("budget"));
    MeasurementSpec measurement = measurementSpec(c.get("measurement"));
    WorkloadSpec workload = workloadSpec(c.get("workload"));
    // Specs stored before promotion policies existed have none: they get the default.
    PromotionPolicy promotion =
        c.optional("promotion").map(WireFormat::promotionPolicy).orElse(PromotionPolicy.DEFAULT);
    Optional<LiveMode> live = c.optional("live").map(WireFormat::liveMode);
    return c.build(
        () ->
            new CampaignSpec(
                name,
                runtime,
                space,
                objective,
                constraints,
                strategy,
                budget,
                measurement,
                workload,
                promotion,
                live),
        "runtime name",
        "runtime",
        "name",
        "name");
  }

  // ------------------------------------------------------------------- search space, parameters

  /** A search space is the array of its parameters, in declaration order. */
  public static ArrayNode writeSearchSpace(SearchSpace space) {
    ArrayNode a = NODES.arrayNode();
    space.parameters().forEach(p -> a.add(writeParameter(p)));
    return a;
  }

  public static SearchSpace readSearchSpace(JsonNode json) {
    return readSearchSpace(json, "");
  }

  public static SearchSpace readSearchSpace(JsonNode json, String at) {
    return searchSpace(Cursor.root(json, at));
  }

  private static SearchSpace searchSpace(Cursor c) {
    List<Cursor> elements = c.elements();
    List<Parameter> parameters = new ArrayList<>(elements.size());
    elements.forEach(e -> parameters.add(parameter(e)));
    if (parameters.isEmpty()) {
      return c.build(() -> new SearchSpace(parameters));
    }
    try {
      return new SearchSpace(parameters);
    } catch (IllegalArgumentException e) {
      // The space's checks run in declaration order; the shortest prefix that fails ends at the
      // offending parameter.
      for (int i = 0; i < elements.size(); i++) {
        List<Parameter> prefix = parameters.subList(0, i + 1);
        elements
            .get(i)
            .build(
                () -> new SearchSpace(prefix),
                "declared twice",
                "name",
                "depends on unknown parameter",
                "when.parent",
                "condition value",
                "when.values");
      }
      throw new FieldException(c.path(), e.getMessage(), e);
    }
  }

  public static ObjectNode writeParameter(Parameter p) {
    ObjectNode o = NODES.objectNode();
    o.put("name", p.name());
    o.put("type", p.type());
    switch (p) {
      case IntParameter i -> {
        o.put("min", i.min());
        o.put("max", i.max());
        o.put("log", i.log());
        o.put("step", i.step());
      }
      case FloatParameter f -> {
        o.put("min", f.min());
        o.put("max", f.max());
        o.put("log", f.log());
      }
      case OrdinalParameter d -> o.set("values", writeValues(d.values()));
      case CategoricalParameter d -> o.set("values", writeValues(d.values()));
    }
    p.when()
        .ifPresent(
            w -> {
              ObjectNode when = o.putObject("when");
              when.put("parent", w.parent());
              when.set("values", writeValues(w.values()));
            });
    return o;
  }

  public static Parameter readParameter(JsonNode json) {
    return readParameter(json, "");
  }

  public static Parameter readParameter(JsonNode json, String at) {
    return parameter(Cursor.root(json, at));
  }

  private static Parameter parameter(Cursor c) {
    c.requireObject();
    String name = c.get("name").name("parameter");
    Cursor typeField = c.get("type");
    String type = typeField.text().toLowerCase(Locale.ROOT);
    Optional<Condition> when = c.optional("when").map(WireFormat::condition);
    return switch (type) {
      case "int" -> {
        c.reject("values", "applies only to ordinal and categorical parameters");
        long min = c.get("min").longValue();
        long max = c.get("max").longValue();
        boolean log = c.optional("log").map(Cursor::bool).orElse(false);
        long step = c.optional("step").map(Cursor::longValue).orElse(1L);
        yield c.build(
            () -> new IntParameter(name, min, max, step, log, when),
            "step must",
            "step",
            "needs min",
            "min");
      }
      case "float" -> {
        c.reject("values", "applies only to ordinal and categorical parameters");
        c.reject("step", "applies only to int parameters");
        double min = c.get("min").doubleValue();
        double max = c.get("max").doubleValue();
        boolean log = c.optional("log").map(Cursor::bool).orElse(false);
        yield c.build(() -> new FloatParameter(name, min, max, log, when), "needs min", "min");
      }
      case "ordinal", "categorical" -> {
        for (String key : List.of("min", "max", "log", "step")) {
          c.reject(key, "applies only to int and float parameters; list the values instead");
        }
        Cursor valuesField = c.get("values");
        List<Object> values = scalars(valuesField);
        // Every check left after the name's is about the values.
        yield valuesField.build(
            () ->
                type.equals("ordinal")
                    ? new OrdinalParameter(name, values, when)
                    : new CategoricalParameter(name, values, when));
      }
      default ->
          throw typeField.error(
              "must be one of int, float, ordinal, categorical, got '" + typeField.text() + "'");
    };
  }

  private static Condition condition(Cursor c) {
    c.requireObject();
    String parent = c.get("parent").text();
    List<Object> values = scalars(c.get("values"));
    return c.build(
        () -> new Condition(parent, values),
        "parent must",
        "parent",
        "at least one value",
        "values");
  }

  private static ArrayNode writeValues(List<Object> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(v -> a.add(scalarNode(v)));
    return a;
  }

  private static List<Object> scalars(Cursor c) {
    List<Object> out = new ArrayList<>();
    c.elements().forEach(e -> out.add(e.scalar()));
    return out;
  }

  private static JsonNode scalarNode(Object v) {
    return switch (v) {
      case Long l -> NODES.numberNode(l);
      case Double d -> NODES.numberNode(d);
      case String s -> NODES.textNode(s);
      // Configuration and the parameters canonicalise to the three above; anything else is a bug.
      default ->
          throw new IllegalArgumentException(
              "cannot write " + v.getClass().getSimpleName() + " as a knob value");
    };
  }

  // ------------------------------------------------------------------------------ configuration

  /** A flat object of knob name to number or string, in name order. */
  public static ObjectNode writeConfiguration(Configuration c) {
    ObjectNode o = NODES.objectNode();
    c.values().forEach((k, v) -> o.set(k, scalarNode(v)));
    return o;
  }

  public static Configuration readConfiguration(JsonNode json) {
    return readConfiguration(json, "");
  }

  public static Configuration readConfiguration(JsonNode json, String at) {
    return configuration(Cursor.root(json, at));
  }

  private static Configuration configuration(Cursor c) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e : c.members()) {
      e.getValue().build(() -> io.infertune.tuner.space.Names.require("parameter", e.getKey()));
      values.put(e.getKey(), e.getValue().scalar());
    }
    return c.build(() -> new Configuration(values));
  }

  // --------------------------------------------------------------------- objective, constraints

  public static ObjectNode writeObjective(Objective o) {
    ObjectNode n = NODES.objectNode();
    n.put("metric", o.metric());
    n.put("direction", o.direction().wireName());
    return n;
  }

  public static Objective readObjective(JsonNode json) {
    return readObjective(json, "");
  }

  public static Objective readObjective(JsonNode json, String at) {
    return objective(Cursor.root(json, at));
  }

  private static Objective objective(Cursor c) {
    c.requireObject();
    String metric = c.get("metric").text();
    Direction direction = c.get("direction").parse(Direction::parse);
    return c.build(() -> new Objective(metric, direction), "metric name", "metric");
  }

  public static ObjectNode writeConstraint(Constraint k) {
    ObjectNode n = NODES.objectNode();
    n.put("metric", k.metric());
    k.min().ifPresent(v -> n.put("min", v));
    k.max().ifPresent(v -> n.put("max", v));
    return n;
  }

  public static Constraint readConstraint(JsonNode json) {
    return readConstraint(json, "");
  }

  public static Constraint readConstraint(JsonNode json, String at) {
    return constraint(Cursor.root(json, at));
  }

  private static Constraint constraint(Cursor c) {
    c.requireObject();
    String metric = c.get("metric").text();
    OptionalDouble min = optionalDouble(c, "min", Cursor::doubleValue);
    OptionalDouble max = optionalDouble(c, "max", Cursor::doubleValue);
    return c.build(() -> new Constraint(metric, min, max), "metric name", "metric");
  }

  // ----------------------------------------------------------- strategy, budget, measurement, load

  public static ObjectNode writeStrategySpec(StrategySpec s) {
    ObjectNode n = NODES.objectNode();
    n.put("type", s.type());
    n.put("seed", s.seed());
    return n;
  }

  public static StrategySpec readStrategySpec(JsonNode json) {
    return readStrategySpec(json, "");
  }

  public static StrategySpec readStrategySpec(JsonNode json, String at) {
    return strategySpec(Cursor.root(json, at));
  }

  private static StrategySpec strategySpec(Cursor c) {
    c.requireObject();
    String type = c.get("type").text();
    long seed = c.get("seed").longValue();
    return c.build(() -> new StrategySpec(type, seed), "strategy name", "type");
  }

  public static ObjectNode writeBudget(Budget b) {
    ObjectNode n = NODES.objectNode();
    n.put("maxTrials", b.maxTrials());
    b.maxDuration().ifPresent(d -> n.set("maxDurationSeconds", seconds(d)));
    return n;
  }

  public static Budget readBudget(JsonNode json) {
    return readBudget(json, "");
  }

  public static Budget readBudget(JsonNode json, String at) {
    return budget(Cursor.root(json, at));
  }

  private static Budget budget(Cursor c) {
    c.requireObject();
    int maxTrials = c.get("maxTrials").intValue();
    Optional<Duration> maxDuration = c.optional("maxDurationSeconds").map(Cursor::seconds);
    return c.build(
        () -> new Budget(maxTrials, maxDuration),
        "maxTrials",
        "maxTrials",
        "maxDuration",
        "maxDurationSeconds");
  }

  public static ObjectNode writeMeasurementSpec(MeasurementSpec m) {
    ObjectNode n = NODES.objectNode();
    n.set("warmupSeconds", seconds(m.warmup()));
    n.set("windowSeconds", seconds(m.window()));
    n.set("sampleIntervalSeconds", seconds(m.sampleInterval()));
    n.set("minWindowSeconds", seconds(m.minWindow()));
    n.put("targetRelativeHalfWidth", m.targetRelativeHalfWidth());
    n.put("warmupStableIntervals", m.warmupStableIntervals());
    n.put("warmupTolerance", m.warmupTolerance());
    n.put("pruning", m.pruning());
    n.put("remeasureIncumbentEvery", m.remeasureIncumbentEvery());
    return n;
  }

  public static MeasurementSpec readMeasurementSpec(JsonNode json) {
    return readMeasurementSpec(json, "");
  }

  public static MeasurementSpec readMeasurementSpec(JsonNode json, String at) {
    return measurementSpec(Cursor.root(json, at));
  }

  private static MeasurementSpec measurementSpec(Cursor c) {
    c.requireObject();
    Duration warmup = c.get("warmupSeconds").seconds();
    Duration window = c.get("windowSeconds").seconds();
    Duration interval = c.get("sampleIntervalSeconds").seconds();
    // Absent members keep the fixed protocol's values: a spec stored before the adaptive protocol
    // existed means on resume what it meant when it started.
    Duration minWindow = c.optional("minWindowSeconds").map(Cursor::seconds).orElse(window);
    double target =
        c.optional("targetRelativeHalfWidth")
            .map(Cursor::doubleValue)
            .orElse(MeasurementSpec.Defaults.TARGET_RELATIVE_HALF_WIDTH);
    int stableIntervals = c.optional("warmupStableIntervals").map(Cursor::intValue).orElse(0);
    double tolerance =
        c.optional("warmupTolerance")
            .map(Cursor::doubleValue)
            .orElse(MeasurementSpec.Defaults.WARMUP_TOLERANCE);
    boolean pruning = c.optional("pruning").map(Cursor::bool).orElse(false);
    int remeasure = c.optional("remeasureIncumbentEvery").map(Cursor::intValue).orElse(0);
    return c.build(
        () ->
            new MeasurementSpec(
                warmup,
                window,
                interval,
                minWindow,
                target,
                stableIntervals,
                tolerance,
                pruning,
                remeasure),
        "minWindow",
        "minWindowSeconds",
        "targetRelativeHalfWidth",
        "targetRelativeHalfWidth",
        "warmupStableIntervals",
        "warmupStableIntervals",
        "warmupTolerance",
        "warmupTolerance",
        "remeasureIncumbentEvery",
        "remeasureIncumbentEvery",
        "sampleInterval",
        "sampleIntervalSeconds",
        "warmup and window",
        "",
        "warmup",
        "warmupSeconds",
        "window",
        "windowSeconds");
  }

  public static ObjectNode writeWorkloadSpec(WorkloadSpec w) {
    ObjectNode n = NODES.objectNode();
    n.put("mode", w.mode().wireName());
    n.put("concurrency", w.concurrency());
    n.put("ratePerSecond", w.ratePerSecond());
    n.put("distinctInputs", w.distinctInputs());
    n.put("zipfExponent", w.zipfExponent());
    n.put("seed", w.seed());
    w.promptTokens().ifPresent(t -> n.put("promptTokens", t));
    w.outputTokens().ifPresent(t -> n.put("outputTokens", t));
    w.trace()
        .ifPresent(
            t -> {
              n.put("trace", t);
              n.put("traceSpeedUp", w.traceSpeedUp());
            });
    return n;
  }

  public static WorkloadSpec readWorkloadSpec(JsonNode json) {
    return readWorkloadSpec(json, "");
  }

  public static WorkloadSpec readWorkloadSpec(JsonNode json, String at) {
    return workloadSpec(Cursor.root(json, at));
  }

  private static WorkloadSpec workloadSpec(Cursor c) {
    c.requireObject();
    WorkloadSpec.Mode mode = c.get("mode").parse(WorkloadSpec.Mode::parse);
    int concurrency = c.get("concurrency").intValue();
    double rate = c.get("ratePerSecond").doubleValue();
    int distinct = c.get("distinctInputs").intValue();
    double zipf = c.get("zipfExponent").doubleValue();
    long seed = c.get("seed").longValue();
    // Optional, so that specs written before generative workloads still read.
    Optional<String> promptTokens = c.optional("promptTokens").map(Cursor::text);
    Optional<String> outputTokens = c.optional("outputTokens").map(Cursor::text);
    // Optional, so that specs written before trace replay still read.
    Optional<String> trace = c.optional("trace").map(Cursor::text);
    double speedUp = c.optional("traceSpeedUp").map(Cursor::doubleValue).orElse(1.0);
    return c.build(
        () ->
            new WorkloadSpec(
                mode,
                concurrency,
                rate,
                distinct,
                zipf,
                seed,
                promptTokens,
                outputTokens,
                trace,
                speedUp),
        "traceSpeedUp",
        "traceSpeedUp",
        "trace",
        "trace",
        "needs outputTokens",
        "outputTokens",
        "needs promptTokens",
        "promptTokens",
        "promptTokens",
        "promptTokens",
        "outputTokens",
        "outputTokens",
        "concurrency",
        "concurrency",
        "ratePerSecond",
        "ratePerSecond",
        "distinctInputs",
        "distinctInputs",
        "zipfExponent",
        "zipfExponent");
  }

  private static LiveMode liveMode(Cursor c) {
    c.requireObject();
    double radius =
        c.optional("trustRegion").map(Cursor::doubleValue).orElse(LiveMode.DEFAULT.trustRegion());
    return c.build(() -> new LiveMode(radius), "trustRegion", "trustRegion");
  }

  public static ObjectNode writePromotionPolicy(PromotionPolicy p) {
    ObjectNode n = NODES.objectNode();
    n.put("roundsPerArm", p.roundsPerArm());
    p.roundWindow().ifPresent(w -> n.set("roundWindowSeconds", seconds(w)));
    n.put("alpha", p.alpha());
    n.put("minRelativeImprovement", p.minRelativeImprovement());
    n.set("watchSeconds", seconds(p.watch()));
    n.set("watchIntervalSeconds", seconds(p.watchInterval()));
    return n;
  }

  /** A promotion policy; each member left out takes {@link PromotionPolicy#DEFAULT}'s value. */
  public static PromotionPolicy readPromotionPolicy(JsonNode json) {
    return readPromotionPolicy(json, "");
  }

  public static PromotionPolicy readPromotionPolicy(JsonNode json, String at) {
    return promotionPolicy(Cursor.root(json, at));
  }

  private static PromotionPolicy promotionPolicy(Cursor c) {
    c.requireObject();
    PromotionPolicy d = PromotionPolicy.DEFAULT;
    int rounds = c.optional("roundsPerArm").map(Cursor::intValue).orElse(d.roundsPerArm());
    Optional<Duration> roundWindow = c.optional("roundWindowSeconds").map(Cursor::seconds);
    double alpha = c.optional("alpha").map(Cursor::doubleValue).orElse(d.alpha());
    double margin =
        c.optional("minRelativeImprovement")
            .map(Cursor::doubleValue)
            .orElse(d.minRelativeImprovement());
    Duration watch = c.optional("watchSeconds").map(Cursor::seconds).orElse(d.watch());
    Duration interval =
        c.optional("watchIntervalSeconds").map(Cursor::seconds).orElse(d.watchInterval());
    return c.build(
        () -> new PromotionPolicy(rounds, roundWindow, alpha, margin, watch, interval),
        "roundsPerArm",
        "roundsPerArm",
        "roundWindow",
        "roundWindowSeconds",
        "minRelativeImprovement",
        "minRelativeImprovement",
        "alpha",
        "alpha",
        // Before "watch": the interval's messages mention the watch too.
        "watchInterval",
        "watchIntervalSeconds",
        "watch",
        "watchSeconds");
  }

  // -------------------------------------------------------------------------------- measurement

  public static ObjectNode writeMeasurement(Measurement m) {
    ObjectNode n = NODES.objectNode();
    n.set("windowSeconds", seconds(m.window()));
    ObjectNode metrics = n.putObject("metrics");
    m.metrics().forEach((name, s) -> metrics.set(name, writeMetricSummary(s)));
    m.report().ifPresent(r -> n.set("report", writeWindowReport(r)));
    return n;
  }

  public static ObjectNode writeWindowReport(WindowReport r) {
    ObjectNode n = NODES.objectNode();
    n.put("metric", r.metric());
    r.interval().ifPresent(ci -> n.set("ci", writeConfidenceInterval(ci)));
    n.set("warmupSeconds", seconds(r.warmup()));
    n.put("warmupSettled", r.warmupSettled());
    n.put("end", r.end().name().toLowerCase(Locale.ROOT));
    r.othersCpuShare().ifPresent(s -> n.put("othersCpuShare", s));
    r.serviceCpuShare().ifPresent(s -> n.put("serviceCpuShare", s));
    return n;
  }

  private static WindowReport windowReport(Cursor c) {
    c.requireObject();
    String metric = c.get("metric").text();
    Optional<ConfidenceInterval> ci = c.optional("ci").map(WireFormat::confidenceInterval);
    Duration warmup = c.get("warmupSeconds").seconds();
    boolean settled = c.get("warmupSettled").bool();
    WindowReport.End end = c.get("end").oneOf(WindowReport.End.class);
    Optional<Double> others = c.optional("othersCpuShare").map(Cursor::doubleValue);
    Optional<Double> service = c.optional("serviceCpuShare").map(Cursor::doubleValue);
    return c.build(
        () -> new WindowReport(metric, ci, warmup, settled, end, others, service),
        "warmup",
        "warmupSeconds",
        "othersCpuShare",
        "othersCpuShare",
        "serviceCpuShare",
        "serviceCpuShare");
  }

  public static Measurement readMeasurement(JsonNode json) {
    return readMeasurement(json, "");
  }

  public static Measurement readMeasurement(JsonNode json, String at) {
    return measurement(Cursor.root(json, at));
  }

  private static Measurement measurement(Cursor c) {
    c.requireObject();
    Duration window = c.get("windowSeconds").seconds();
    Map<String, MetricSummary> metrics = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e : c.get("metrics").members()) {
      metrics.put(e.getKey(), metricSummary(e.getValue()));
    }
    Optional<WindowReport> report = c.optional("report").map(WireFormat::windowReport);
    return c.build(() -> new Measurement(metrics, window, report));
  }

  public static ObjectNode writeMetricSummary(MetricSummary s) {
    ObjectNode n = NODES.objectNode();
    n.put("mean", s.mean());
    n.set("p50", measured(s.p50()));
    n.set("p95", measured(s.p95()));
    n.set("p99", measured(s.p99()));
    n.put("count", s.count());
    s.ci().ifPresent(ci -> n.set("ci", writeConfidenceInterval(ci)));
    return n;
  }

  public static MetricSummary readMetricSummary(JsonNode json) {
    return readMetricSummary(json, "");
  }

  public static MetricSummary readMetricSummary(JsonNode json, String at) {
    return metricSummary(Cursor.root(json, at));
  }

  private static MetricSummary metricSummary(Cursor c) {
    c.requireObject();
    double mean = c.get("mean").doubleValue();
    double p50 = c.get("p50").measuredValue();
    double p95 = c.get("p95").measuredValue();
    double p99 = c.get("p99").measuredValue();
    long count = c.get("count").longValue();
    Optional<ConfidenceInterval> ci = c.optional("ci").map(WireFormat::confidenceInterval);
    return c.build(
        () -> new MetricSummary(mean, p50, p95, p99, count, ci), "count", "count", "mean", "mean");
  }

  public static ObjectNode writeConfidenceInterval(ConfidenceInterval ci) {
    ObjectNode n = NODES.objectNode();
    n.set("low", measured(ci.low()));
    n.set("high", measured(ci.high()));
    n.put("level", ci.level());
    return n;
  }

  public static ConfidenceInterval readConfidenceInterval(JsonNode json) {
    return readConfidenceInterval(json, "");
  }

  public static ConfidenceInterval readConfidenceInterval(JsonNode json, String at) {
    return confidenceInterval(Cursor.root(json, at));
  }

  private static ConfidenceInterval confidenceInterval(Cursor c) {
    c.requireObject();
    double low = c.get("low").measuredValue();
    double high = c.get("high").measuredValue();
    double level = c.get("level").doubleValue();
    return c.build(() -> new ConfidenceInterval(low, high, level), "level", "level");
  }

  // ------------------------------------------------------------------ trial, campaign, deployment

  public static ObjectNode writeTrial(Trial t) {
    ObjectNode n = NODES.objectNode();
    n.put("id", t.id());
    n.put("campaignId", t.campaignId());
    n.put("number", t.number());
    n.set("configuration", writeConfiguration(t.configuration()));
    n.put("status", t.status().name().toLowerCase(Locale.ROOT));
    n.put("baseline", t.baseline());
    t.objectiveValue().ifPresent(v -> n.set("objectiveValue", measured(v)));
    t.reason().ifPresent(r -> n.put("reason", r));
    n.put("startedAt", t.startedAt().toString());
    t.finishedAt().ifPresent(f -> n.put("finishedAt", f.toString()));
    t.measurement().ifPresent(m -> n.set("measurement", writeMeasurement(m)));
    return n;
  }

  public static Trial readTrial(JsonNode json) {
    return readTrial(json, "");
  }

  public static Trial readTrial(JsonNode json, String at) {
    return trial(Cursor.root(json, at));
  }

  private static Trial trial(Cursor c) {
    c.requireObject();
    String id = c.get("id").text();
    String campaignId = c.get("campaignId").text();
    int number = c.get("number").intValue();
    Configuration configuration = configuration(c.get("configuration"));
    TrialStatus status = c.get("status").oneOf(TrialStatus.class);
    boolean baseline = c.get("baseline").bool();
    OptionalDouble objectiveValue = optionalDouble(c, "objectiveValue", Cursor::measuredValue);
    Optional<String> reason = c.optional("reason").map(Cursor::text);
    Instant startedAt = c.get("startedAt").instant();
    Optional<Instant> finishedAt = c.optional("finishedAt").map(Cursor::instant);
    Optional<Measurement> measurement = c.optional("measurement").map(WireFormat::measurement);
    return c.build(
        () ->
            new Trial(
                id,
                campaignId,
                number,
                configuration,
                status,
                measurement,
                objectiveValue,
                reason,
                baseline,
                startedAt,
                finishedAt),
        "trial number",
        "number",
        "finish time",
        "finishedAt",
        "needs a reason",
        "reason",
        "needs a measurement",
        "measurement");
  }

  public static ObjectNode writeCampaign(Campaign c) {
    ObjectNode n = NODES.objectNode();
    n.put("id", c.id());
    n.set("spec", writeCampaignSpec(c.spec()));
    n.put("status", c.status().name().toLowerCase(Locale.ROOT));
    n.put("startedBy", c.startedBy());
    n.put("createdAt", c.createdAt().toString());
    c.finishedAt().ifPresent(f -> n.put("finishedAt", f.toString()));
    c.bestTrialId().ifPresent(b -> n.put("bestTrialId", b));
    c.message().ifPresent(m -> n.put("message", m));
    return n;
  }

  public static Campaign readCampaign(JsonNode json) {
    return readCampaign(json, "");
  }

  public static Campaign readCampaign(JsonNode json, String at) {
    return campaign(Cursor.root(json, at));
  }

  private static Campaign campaign(Cursor c) {
    c.requireObject();
    String id = c.get("id").text();
    CampaignSpec spec = campaignSpec(c.get("spec"));
    CampaignStatus status = c.get("status").oneOf(CampaignStatus.class);
    String startedBy = c.get("startedBy").text();
    Instant createdAt = c.get("createdAt").instant();
    Optional<Instant> finishedAt = c.optional("finishedAt").map(Cursor::instant);
    Optional<String> bestTrialId = c.optional("bestTrialId").map(Cursor::text);
    Optional<String> message = c.optional("message").map(Cursor::text);
    return c.build(
        () ->
            new Campaign(id, spec, status, startedBy, createdAt, finishedAt, bestTrialId, message),
        "campaign id",
        "id");
  }

  public static ObjectNode writeDeployment(Deployment d) {
    ObjectNode n = NODES.objectNode();
    n.put("id", d.id());
    n.put("runtimeId", d.runtimeId());
    d.campaignId().ifPresent(c -> n.put("campaignId", c));
    n.set("before", writeConfiguration(d.before()));
    n.set("after", writeConfiguration(d.after()));
    n.put("cause", d.cause());
    n.put("evidence", d.evidence());
    n.put("at", d.at().toString());
    return n;
  }

  public static Deployment readDeployment(JsonNode json) {
    return readDeployment(json, "");
  }

  public static Deployment readDeployment(JsonNode json, String at) {
    return deployment(Cursor.root(json, at));
  }

  private static Deployment deployment(Cursor c) {
    c.requireObject();
    String id = c.get("id").text();
    String runtimeId = c.get("runtimeId").text();
    Optional<String> campaignId = c.optional("campaignId").map(Cursor::text);
    Configuration before = configuration(c.get("before"));
    Configuration after = configuration(c.get("after"));
    String cause = c.get("cause").text();
    String evidence = c.get("evidence").text();
    Instant at = c.get("at").instant();
    return c.build(
        () -> new Deployment(id, runtimeId, campaignId, before, after, cause, evidence, at));
  }

  // ------------------------------------------------------------------- studies and their trials

  /** The expected number of trials of a study whose spec gives none. */
  public static final int DEFAULT_EXPECTED_TRIALS = 100;

  /** The strategy of a one-objective study whose spec names none (seed 0). */
  public static final String DEFAULT_STUDY_STRATEGY = "bayesian";

  /** The strategy of a multi-objective study whose spec names none (seed 0). */
  public static final String DEFAULT_MULTI_OBJECTIVE_STUDY_STRATEGY = "nsga2";

  /** Every field written, defaults included, so that what is stored does not move with them. */
  public static ObjectNode writeStudySpec(StudySpec s) {
    ObjectNode o = NODES.objectNode();
    writeStudySpecFields(o, s);
    return o;
  }

  private static void writeStudySpecFields(ObjectNode o, StudySpec s) {
    o.put("name", s.name());
    o.set("parameters", writeSearchSpace(s.space()));
    ArrayNode objectives = o.putArray("objectives");
    for (Objective objective : s.objectives()) {
      ObjectNode n = objectives.addObject();
      n.put("name", objective.metric());
      n.put("direction", objective.direction().wireName());
    }
    ArrayNode constraints = o.putArray("constraints");
    for (Constraint k : s.constraints()) {
      ObjectNode n = constraints.addObject();
      n.put("name", k.metric());
      k.min().ifPresent(v -> n.put("min", v));
      k.max().ifPresent(v -> n.put("max", v));
    }
    o.set("strategy", writeStrategySpec(s.strategy()));
    o.put("expectedTrials", s.expectedTrials());
  }

  /**
   * A study spec. {@code constraints} may be left out (none); {@code expectedTrials} defaults to
   * {@value #DEFAULT_EXPECTED_TRIALS}; {@code strategy}, or either of its keys, may be left out:
   * the type defaults to {@value #DEFAULT_STUDY_STRATEGY} for one objective and {@value
   * #DEFAULT_MULTI_OBJECTIVE_STUDY_STRATEGY} for several, the seed to 0. Objectives and constraints
   * name their metric with {@code name} (a campaign's use {@code metric}); any valid name is a
   * metric here, since the caller reports the values.
   */
  public static StudySpec readStudySpec(JsonNode json) {
    return readStudySpec(json, "");
  }

  public static StudySpec readStudySpec(JsonNode json, String at) {
    return studySpec(Cursor.root(json, at));
  }

  private static StudySpec studySpec(Cursor c) {
    c.requireObject();
    String name = c.get("name").text();
    SearchSpace space = searchSpace(c.get("parameters"));
    List<Objective> objectives = new ArrayList<>();
    Map<String, String> objectivePaths = new HashMap<>();
    for (Cursor e : c.get("objectives").elements()) {
      Objective o = studyObjective(e);
      String first = objectivePaths.putIfAbsent(o.metric(), e.path());
      if (first != null) {
        throw e.get("name")
            .error("repeats " + first + ".name ('" + o.metric() + "'); list each objective once");
      }
      objectives.add(o);
    }
    List<Constraint> constraints =
        c.optional("constraints")
            .map(a -> a.elements().stream().map(WireFormat::studyConstraint).toList())
            .orElse(List.of());
    String defaultType =
        objectives.size() > 1 ? DEFAULT_MULTI_OBJECTIVE_STUDY_STRATEGY : DEFAULT_STUDY_STRATEGY;
    StrategySpec strategy =
        c.optional("strategy")
            .map(s -> studyStrategy(s, defaultType))
            .orElseGet(() -> new StrategySpec(defaultType, 0));
    int expectedTrials =
        c.optional("expectedTrials").map(Cursor::intValue).orElse(DEFAULT_EXPECTED_TRIALS);
    return c.build(
        () -> new StudySpec(name, space, objectives, constraints, strategy, expectedTrials),
        "name must",
        "name",
        "objectives must",
        "objectives",
        "constraints must",
        "constraints",
        "expectedTrials",
        "expectedTrials");
  }

  private static Objective studyObjective(Cursor c) {
    c.requireObject();
    String metric = c.get("name").text();
    Direction direction = c.get("direction").parse(Direction::parse);
    return c.build(() -> new Objective(metric, direction), "metric name", "name");
  }

  private static Constraint studyConstraint(Cursor c) {
    c.requireObject();
    String metric = c.get("name").text();
    OptionalDouble min = optionalDouble(c, "min", Cursor::doubleValue);
    OptionalDouble max = optionalDouble(c, "max", Cursor::doubleValue);
    return c.build(() -> new Constraint(metric, min, max), "metric name", "name");
  }

  private static StrategySpec studyStrategy(Cursor c, String defaultType) {
    c.requireObject();
    String type = c.optional("type").map(Cursor::text).orElse(defaultType);
    long seed = c.optional("seed").map(Cursor::longValue).orElse(0L);
    return c.build(() -> new StrategySpec(type, seed), "strategy name", "type");
  }

  /** A study: its id, name and creation instant, then the rest of its spec's fields. */
  public static ObjectNode writeStudy(Study s) {
    ObjectNode o = NODES.objectNode();
    o.put("id", s.id());
    o.put("name", s.spec().name());
    o.put("createdAt", s.createdAt().toString());
    writeStudySpecFields(o, s.spec());
    return o;
  }

  public static Study readStudy(JsonNode json) {
    return readStudy(json, "");
  }

  public static Study readStudy(JsonNode json, String at) {
    return study(Cursor.root(json, at));
  }

  private static Study study(Cursor c) {
    c.requireObject();
    String id = c.get("id").text();
    Instant createdAt = c.get("createdAt").instant();
    StudySpec spec = studySpec(c);
    return c.build(() -> new Study(id, spec, createdAt), "study id", "id");
  }

  /**
   * {@code {"values": {...}, "metrics": {...}}} for a measured outcome ({@code metrics} left out
   * when empty), {@code {"failed": true, "reason": ...}} for a failed one.
   */
  public static ObjectNode writeTrialOutcome(TrialOutcome outcome) {
    ObjectNode o = NODES.objectNode();
    switch (outcome) {
      case TrialOutcome.Measured m -> {
        ObjectNode values = o.putObject("values");
        m.values().forEach(values::put);
        if (!m.metrics().isEmpty()) {
          ObjectNode metrics = o.putObject("metrics");
          m.metrics().forEach(metrics::put);
        }
      }
      case TrialOutcome.Failed f -> {
        o.put("failed", true);
        o.put("reason", f.reason());
      }
    }
    return o;
  }

  /**
   * What a caller reports for a trial: {@code {"values": {name: number}, "metrics"?: {name:
   * number}}} when its evaluation succeeded, {@code {"failed": true, "reason": "..."}} when it
   * failed. {@code "failed": false} is the same as leaving it out. Whether the values fit the study
   * (every objective given, nothing else) is the study's to check.
   */
  public static TrialOutcome readTrialOutcome(JsonNode json) {
    return readTrialOutcome(json, "");
  }

  public static TrialOutcome readTrialOutcome(JsonNode json, String at) {
    return trialOutcome(Cursor.root(json, at));
  }

  private static TrialOutcome trialOutcome(Cursor c) {
    c.requireObject();
    boolean failed = c.optional("failed").map(Cursor::bool).orElse(false);
    if (failed) {
      c.reject("values", "must be left out when failed is true");
      c.reject("metrics", "must be left out when failed is true");
      Cursor reasonField = c.get("reason");
      String reason = reasonField.text();
      return reasonField.build(() -> new TrialOutcome.Failed(reason));
    }
    c.reject("reason", "applies only to a failed trial (send \"failed\": true)");
    Map<String, Double> values = reportedValues(c.get("values"), "values", Map.of());
    Map<String, Double> metrics =
        c.optional("metrics").map(m -> reportedValues(m, "metrics", values)).orElse(Map.of());
    return c.build(() -> new TrialOutcome.Measured(values, metrics));
  }

  /** An object of metric name to finite number, none of whose names is {@code taken}. */
  private static Map<String, Double> reportedValues(
      Cursor c, String what, Map<String, Double> taken) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e : c.members()) {
      Cursor value = e.getValue();
      value.build(() -> io.infertune.tuner.space.Names.require(what + " metric", e.getKey()));
      if (taken.containsKey(e.getKey())) {
        throw value.error("repeats " + Cursor.join("values", e.getKey()) + "; report it once");
      }
      out.put(e.getKey(), value.doubleValue());
    }
    return out;
  }

  // ------------------------------------------------------------------------------------ helpers

  /** Decimal seconds: an integer when whole, else exact to the nanosecond. */
  private static JsonNode seconds(Duration d) {
    if (d.getNano() == 0) {
      return NODES.numberNode(d.getSeconds());
    }
    return NODES.numberNode(
        BigDecimal.valueOf(d.getSeconds())
            .add(BigDecimal.valueOf(d.getNano(), 9))
            .stripTrailingZeros());
  }

  /** A measured value; JSON has no NaN or infinities, so those travel as strings. */
  private static JsonNode measured(double v) {
    return Double.isFinite(v) ? NODES.numberNode(v) : NODES.textNode(Double.toString(v));
  }

  private static OptionalDouble optionalDouble(
      Cursor c, String key, java.util.function.ToDoubleFunction<Cursor> read) {
    Optional<Cursor> field = c.optional(key);
    return field.isPresent()
        ? OptionalDouble.of(read.applyAsDouble(field.get()))
        : OptionalDouble.empty();
  }
}
