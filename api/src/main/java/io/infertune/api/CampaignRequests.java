package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.FieldException;
import io.infertune.store.json.WireFormat;
import io.infertune.strategies.Strategies;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.strategy.StrategyFactory;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.WorkloadSpec;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns the body of {@code POST /api/v1/campaigns} into a {@link CampaignSpec}: fills in the
 * defaults an operator may leave out, then checks that every tuned parameter is a knob of the
 * runtime and stays within the knob's range. Errors name the field at fault.
 */
public final class CampaignRequests {
  /**
   * Defaults for what a request leaves out; the search space defaults to all the runtime's knobs.
   * The measurement is the adaptive protocol (ARCHITECTURE.md): warm-up up to 3 s, ended once four
   * 0.5 s intervals show no trend; window of 2 to 10 s, ended at ±5 % (95 % confidence); clearly
   * losing trials pruned; the incumbent re-measured after every 5 trials.
   */
  static final String DEFAULTS =
      """
      {
        "objective": {"metric": "throughput_rps", "direction": "maximize"},
        "constraints": [],
        "strategy": {"type": "random", "seed": 0},
        "budget": {"maxTrials": 20},
        "measurement": {"warmupSeconds": 3, "windowSeconds": 10, "sampleIntervalSeconds": 0.5,
                        "minWindowSeconds": 2, "targetRelativeHalfWidth": 0.05,
                        "warmupStableIntervals": 4, "warmupTolerance": 0.05,
                        "pruning": true, "remeasureIncumbentEvery": 5},
        "workload": {"mode": "closed_loop", "concurrency": 16, "ratePerSecond": 100,
                     "distinctInputs": 20000, "zipfExponent": 1.0, "seed": 1}
      }
      """;

  private static final Map<String, Set<String>> COMPATIBLE_TYPES =
      Map.of(
          "int", Set.of("int", "ordinal"),
          "float", Set.of("float", "int", "ordinal"),
          "ordinal", Set.of("ordinal", "categorical"),
          "categorical", Set.of("categorical", "ordinal"));

  private final RuntimeRegistry runtimes;
  private final Optional<List<String>> strategyNames;
  private final Function<WorkloadSpec, Workload> workloads;
  private final ObjectNode defaults;

  /** Requests only, for tools and tests: any strategy type, and no trace (400). */
  public CampaignRequests(RuntimeRegistry runtimes) {
    this(
        runtimes,
        (type, context) -> {
          throw new UnsupportedOperationException("requests only");
        },
        spec -> {
          throw new IllegalArgumentException("trace: this service reads no traces");
        });
  }

  /**
   * @param strategies the factory campaigns get their strategies from: when it is the registry
   *     ({@link Strategies}), a request naming a strategy it does not know is refused here (400,
   *     {@code strategy.type}) rather than recorded as a campaign that fails when it starts
   * @param workloads the factory campaigns get their workloads from: a request with a trace is
   *     checked by making its workload, so that a trace it would not read (missing, malformed,
   *     outside the traces directory) is refused here (400, {@code workload.trace})
   */
  public CampaignRequests(
      RuntimeRegistry runtimes,
      StrategyFactory strategies,
      Function<WorkloadSpec, Workload> workloads) {
    this.runtimes = runtimes;
    this.workloads = workloads;
    this.strategyNames =
        strategies instanceof Strategies registry
            ? Optional.of(registry.names())
            : Optional.empty();
    try {
      this.defaults = (ObjectNode) WireFormat.mapper().readTree(DEFAULTS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The specification a request body asks for. */
  public CampaignSpec parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest(null, "the body must be a JSON object");
    }
    JsonNode runtimeNode = body.get("runtime");
    if (runtimeNode == null || !runtimeNode.isTextual()) {
      throw ApiException.badRequest("runtime", "runtime is required: one of " + runtimes.ids());
    }
    RuntimeAdapter runtime =
        runtimes
            .find(runtimeNode.asText())
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "runtime",
                        "unknown runtime '"
                            + runtimeNode.asText()
                            + "'; known: "
                            + runtimes.ids()));
    ObjectNode merged = defaults.deepCopy();
    merged.put("name", "campaign on " + runtime.id());
    merged.set("parameters", knobsAsJson(runtime));
    merge(merged, (ObjectNode) body);
    fitDefaultMinWindow(merged, (ObjectNode) body);
    CampaignSpec spec;
    try {
      // Strictly: a misspelt member (maxTrails) must not let its default silently stand in.
      spec = WireFormat.readStrictly(merged, "", WireFormat::readCampaignSpec);
    } catch (FieldException e) {
      throw ApiException.badRequest(e.field(), e.getMessage());
    }
    checkAgainstKnobs(spec, runtime);
    if (spec.workload().trace().isPresent()) {
      checkTrace(spec.workload());
    }
    String strategy = spec.strategy().type();
    strategyNames
        .filter(names -> !names.contains(strategy))
        .ifPresent(
            names -> {
              throw ApiException.badRequest(
                  "strategy.type", "unknown strategy '" + strategy + "'; known: " + names);
            });
    return spec;
  }

  /**
   * The trace a workload replays is one the service reads (in its traces directory) and parses, so
   * that a bad path is the request's 400, not a failed campaign.
   */
  private void checkTrace(WorkloadSpec workload) {
    try {
      workloads.apply(workload);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("workload.trace", e.getMessage());
    }
  }

  /**
   * A request that makes the window shorter than the default minimum, without naming a minimum
   * itself, gets a fixed window of the length it asked for rather than an error about a member it
   * never set.
   */
  private static void fitDefaultMinWindow(ObjectNode merged, ObjectNode body) {
    if (body.path("measurement").has("minWindowSeconds")
        || !(merged.get("measurement") instanceof ObjectNode m)) {
      return;
    }
    JsonNode window = m.get("windowSeconds");
    JsonNode min = m.get("minWindowSeconds");
    if (window != null
        && window.isNumber()
        && min != null
        && min.isNumber()
        // A number JSON cannot hold (1e999 reads as infinity) is the reader's to refuse.
        && Double.isFinite(window.doubleValue())
        && Double.isFinite(min.doubleValue())
        && window.decimalValue().compareTo(min.decimalValue()) < 0) {
      m.set("minWindowSeconds", window);
    }
  }

  private static ArrayNode knobsAsJson(RuntimeAdapter runtime) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (Parameter p : runtime.knobs().parameters()) {
      a.add(WireFormat.writeParameter(p));
    }
    return a;
  }

  /** Lays {@code over} onto {@code base}: objects merge field by field, anything else replaces. */
  private static void merge(ObjectNode base, ObjectNode over) {
    Iterator<Map.Entry<String, JsonNode>> it = over.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode existing = base.get(e.getKey());
      if (existing instanceof ObjectNode eo && e.getValue() instanceof ObjectNode vo) {
        merge(eo, vo);
      } else {
        base.set(e.getKey(), e.getValue());
      }
    }
  }

  private static void checkAgainstKnobs(CampaignSpec spec, RuntimeAdapter runtime) {
    var params = spec.space().parameters();
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      String field = "parameters[" + i + "]";
      Parameter knob =
          runtime
              .knobs()
              .find(p.name())
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          field + ".name",
                          "runtime '"
                              + runtime.id()
                              + "' has no knob '"
                              + p.name()
                              + "'; knobs: "
                              + runtime.knobs().names()));
      if (!COMPATIBLE_TYPES.getOrDefault(knob.type(), Set.of()).contains(p.type())) {
        throw ApiException.badRequest(
            field + ".type",
            "knob '"
                + p.name()
                + "' is "
                + knob.type()
                + "; a "
                + p.type()
                + " range does not fit it");
      }
      for (Object v : p.gridValues(3)) {
        if (!knob.contains(v)) {
          throw ApiException.badRequest(
              field,
              "value "
                  + v
                  + " of '"
                  + p.name()
                  + "' is outside the knob's range: "
                  + describe(knob));
        }
      }
    }
  }

  private static String describe(Parameter knob) {
    return WireFormat.writeParameter(knob).toString();
  }
}
