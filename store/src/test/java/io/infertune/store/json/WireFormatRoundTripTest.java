package io.infertune.store.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.tuner.measure.ConfidenceInterval;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.measure.WindowReport;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.IntParameter;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.study.Study;
import io.infertune.tuner.study.StudySpec;
import io.infertune.tuner.study.TrialOutcome;
import io.infertune.tuner.testkit.StudyStoreContract;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Writing a value and reading it back gives an equal value, through a tree and through text. */
class WireFormatRoundTripTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");

  /** Round-trips {@code value} and returns the JSON it was written as. */
  private static <T> JsonNode assertRoundTrips(
      T value, Function<T, ? extends JsonNode> write, BiFunction<JsonNode, String, T> read) {
    JsonNode tree = write.apply(value);
    assertThat(read.apply(tree, "")).isEqualTo(value);
    String text = WireFormat.toJson(tree);
    assertThat(read.apply(WireFormat.parse(text), "")).isEqualTo(value);
    // The mapper the API serialises with gives the same document.
    assertThat(WireFormat.parse(tree.toString())).isEqualTo(WireFormat.parse(text));
    return tree;
  }

  static CampaignSpec richSpec() {
    return new CampaignSpec(
        "everything \"quoted\" ü",
        "vllm-7b",
        SearchSpace.of(
            Parameter.categorical("quantization", "fp32", "int8"),
            new IntParameter("cache_entries", 0, 100_000, 100, false, Optional.empty())
                .when("quantization", "int8"),
            Parameter.logInteger("batch_size", 1, 128),
            Parameter.real("timeout", -2.5, 1e-3),
            Parameter.ordinal("ratio", 0.25, 0.5, 1, "max"),
            Parameter.categorical("spin", "on", "off").when("batch_size", 1, 2)),
        Objective.minimize("latency_p95_ms"),
        List.of(
            new Constraint("accuracy", OptionalDouble.of(0.9), OptionalDouble.of(1)),
            Constraint.atMost("error_rate", 0.01)),
        new StrategySpec("bayes", Long.MIN_VALUE),
        Budget.trials(10_000),
        new MeasurementSpec(
            Duration.ZERO, Duration.ofNanos(3_600_000_000_000L), Duration.ofNanos(1)),
        new WorkloadSpec(WorkloadSpec.Mode.OPEN_LOOP, 1024, 0.125, 1, 0, -1));
  }

  @Test
  void campaignSpecs() {
    assertRoundTrips(
        TrialStoreContract.spec(), WireFormat::writeCampaignSpec, WireFormat::readCampaignSpec);
    JsonNode rich =
        assertRoundTrips(richSpec(), WireFormat::writeCampaignSpec, WireFormat::readCampaignSpec);
    assertThat(rich.get("runtime").asText()).isEqualTo("vllm-7b");
    assertThat(rich.get("workload").get("mode").asText()).isEqualTo("open_loop");
    assertThat(rich.get("objective").get("direction").asText()).isEqualTo("minimize");
    assertThat(rich.get("budget").has("maxDurationSeconds")).isFalse();
    assertThat(rich.get("measurement").get("sampleIntervalSeconds").decimalValue())
        .isEqualByComparingTo("0.000000001");
  }

  @Test
  void constraintsMayBeLeftOut() {
    JsonNode json =
        JsonEdits.with(
            WireFormat.writeCampaignSpec(TrialStoreContract.spec()), "constraints", "<remove>");
    assertThat(WireFormat.readCampaignSpec(json).constraints()).isEmpty();
  }

  @Test
  void parametersKeepTheirShape() {
    JsonNode p =
        assertRoundTrips(
            Parameter.logInteger("batch_size", 1, 64).withStep(3).when("quantization", "int8"),
            WireFormat::writeParameter,
            WireFormat::readParameter);
    assertThat(p.toString())
        .isEqualTo(
            "{\"name\":\"batch_size\",\"type\":\"int\",\"min\":1,\"max\":64,\"log\":true,"
                + "\"step\":3,\"when\":{\"parent\":\"quantization\",\"values\":[\"int8\"]}}");
    assertRoundTrips(
        Parameter.real("r", 0.1, 0.3), WireFormat::writeParameter, WireFormat::readParameter);
    assertRoundTrips(
        Parameter.ordinal("o", 1, 2.5, "x"), WireFormat::writeParameter, WireFormat::readParameter);
    assertRoundTrips(
        TrialStoreContract.spec().space(),
        WireFormat::writeSearchSpace,
        WireFormat::readSearchSpace);
  }

  @Test
  void optionalParameterFieldsHaveDefaults() {
    JsonNode json =
        WireFormat.parse("{\"name\": \"n\", \"type\": \"INT\", \"min\": 1, \"max\": 8.0}");
    assertThat(WireFormat.readParameter(json)).isEqualTo(Parameter.integer("n", 1, 8));
  }

  @Test
  void configurationsKeepIntegersApartFromReals() {
    Configuration c =
        Configuration.of(
            "batch_size", 8L, "timeout", 8.0, "tiny", 1e-300, "huge", Long.MAX_VALUE, "q", "int8");
    JsonNode json =
        assertRoundTrips(c, WireFormat::writeConfiguration, WireFormat::readConfiguration);
    assertThat(json.toString())
        .isEqualTo(
            "{\"batch_size\":8,\"huge\":9223372036854775807,\"q\":\"int8\","
                + "\"timeout\":8.0,\"tiny\":1.0E-300}");
    assertRoundTrips(
        Configuration.empty(), WireFormat::writeConfiguration, WireFormat::readConfiguration);
    Configuration read =
        WireFormat.readConfiguration(WireFormat.parse("{\"a\": 3, \"b\": 3.0, \"c\": true}"));
    assertThat(read.values()).isEqualTo(Map.of("a", 3L, "b", 3.0, "c", "true"));
  }

  @Test
  void objectivesConstraintsBudgetsStrategiesMeasurementSpecsWorkloads() {
    assertRoundTrips(
        Objective.maximize("throughput_rps"),
        WireFormat::writeObjective,
        WireFormat::readObjective);
    assertRoundTrips(
        Constraint.atLeast("accuracy", 0.98),
        WireFormat::writeConstraint,
        WireFormat::readConstraint);
    assertRoundTrips(
        new Budget(5, Optional.of(Duration.ofMillis(1500))),
        WireFormat::writeBudget,
        WireFormat::readBudget);
    assertRoundTrips(
        new StrategySpec("random", Long.MAX_VALUE),
        WireFormat::writeStrategySpec,
        WireFormat::readStrategySpec);
    assertRoundTrips(
        new MeasurementSpec(
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofNanos(123_456_789)),
        WireFormat::writeMeasurementSpec,
        WireFormat::readMeasurementSpec);
    assertRoundTrips(
        MeasurementSpec.builder()
            .warmup(Duration.ofSeconds(10))
            .sampleInterval(Duration.ofMillis(250))
            .adaptiveWindow(Duration.ofSeconds(2), Duration.ofSeconds(30), 0.03)
            .stableWarmup(5, 0.08)
            .pruning(true)
            .remeasureIncumbentEvery(4)
            .build(),
        WireFormat::writeMeasurementSpec,
        WireFormat::readMeasurementSpec);
    assertRoundTrips(
        WorkloadSpec.closedLoop(16, 3),
        WireFormat::writeWorkloadSpec,
        WireFormat::readWorkloadSpec);
    assertRoundTrips(
        WorkloadSpec.openLoop(5, 3).withTokens("uniform:32-512", "lognormal:median=200,sigma=0.6"),
        WireFormat::writeWorkloadSpec,
        WireFormat::readWorkloadSpec);
    assertRoundTrips(
        WorkloadSpec.openLoop(5, 3).withTrace("/var/lib/infertune/traces/monday.jsonl", 2.5),
        WireFormat::writeWorkloadSpec,
        WireFormat::readWorkloadSpec);
  }

  @Test
  void aWorkloadStoredBeforeTraceReplayStillReads() throws Exception {
    // As campaigns were stored before the trace members existed.
    WorkloadSpec old =
        WireFormat.readWorkloadSpec(
            WireFormat.mapper()
                .readTree(
                    "{\"mode\": \"closed_loop\", \"concurrency\": 8, \"ratePerSecond\": 100,"
                        + " \"distinctInputs\": 2000, \"zipfExponent\": 1.0, \"seed\": 7}"));
    assertThat(old.trace()).isEmpty();
    assertThat(old.traceSpeedUp()).isEqualTo(1.0);
    assertThat(old)
        .isEqualTo(new WorkloadSpec(WorkloadSpec.Mode.CLOSED_LOOP, 8, 100, 2000, 1.0, 7));
    assertThat(WireFormat.writeWorkloadSpec(old).has("trace")).as("absent, not null").isFalse();
  }

  @Test
  void aTraceWithTokenLengthsNamesTheTraceField() throws Exception {
    assertThatThrownBy(
            () ->
                WireFormat.readWorkloadSpec(
                    WireFormat.mapper()
                        .readTree(
                            "{\"mode\": \"open_loop\", \"concurrency\": 1, \"ratePerSecond\": 1,"
                                + " \"distinctInputs\": 1, \"zipfExponent\": 0, \"seed\": 1,"
                                + " \"promptTokens\": \"fixed:8\", \"outputTokens\": \"fixed:8\","
                                + " \"trace\": \"t.jsonl\"}"),
                    "workload"))
        .isInstanceOf(FieldException.class)
        .satisfies(e -> assertThat(((FieldException) e).field()).isEqualTo("workload.trace"));
    assertThatThrownBy(
            () ->
                WireFormat.readWorkloadSpec(
                    WireFormat.mapper()
                        .readTree(
                            "{\"mode\": \"open_loop\", \"concurrency\": 1, \"ratePerSecond\": 1,"
                                + " \"distinctInputs\": 1, \"zipfExponent\": 0, \"seed\": 1,"
                                + " \"trace\": \"t.jsonl\", \"traceSpeedUp\": 0}"),
                    "workload"))
        .isInstanceOf(FieldException.class)
        .satisfies(
            e -> assertThat(((FieldException) e).field()).isEqualTo("workload.traceSpeedUp"));
  }

  @Test
  void aMeasurementSpecWithoutTheAdaptiveMembersIsTheFixedProtocol() throws Exception {
    MeasurementSpec old =
        WireFormat.readMeasurementSpec(
            WireFormat.mapper()
                .readTree(
                    "{\"warmupSeconds\": 2, \"windowSeconds\": 5, \"sampleIntervalSeconds\": 0.5}"));
    assertThat(old)
        .isEqualTo(
            new MeasurementSpec(
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMillis(500)));
    assertThat(old.adaptiveWindow()).isFalse();
    assertThat(old.stableWarmup()).isFalse();
    assertThat(old.pruning()).isFalse();
  }

  @Test
  void measurementsKeepTheirWindowReport() {
    Measurement m =
        new Measurement(
                Map.of("throughput_rps", MetricSummary.ofSamples(new double[] {90, 100, 110})),
                Duration.ofSeconds(3))
            .withReport(
                new WindowReport(
                    "latency_p95_ms",
                    Optional.of(new ConfidenceInterval(18.5, 21.25, 0.95)),
                    Duration.ofMillis(1500),
                    true,
                    WindowReport.End.CONVERGED));
    JsonNode json = assertRoundTrips(m, WireFormat::writeMeasurement, WireFormat::readMeasurement);
    assertThat(json.get("report").get("end").asText()).isEqualTo("converged");
  }

  @Test
  void measurementsWithNonFiniteQuantilesAndInfiniteIntervals() {
    Measurement m =
        new Measurement(
            Map.of(
                "latency_ms",
                new MetricSummary(
                    3.5,
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    1e308,
                    0,
                    Optional.of(
                        new ConfidenceInterval(
                            Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0.99))),
                "accuracy",
                MetricSummary.ofValue(0.991)),
            Duration.ofNanos(2_999_999_999L));
    JsonNode json = assertRoundTrips(m, WireFormat::writeMeasurement, WireFormat::readMeasurement);
    assertThat(json.get("metrics").get("latency_ms").get("p50").asText()).isEqualTo("NaN");
    assertThat(json.get("windowSeconds").decimalValue()).isEqualByComparingTo("2.999999999");
    assertRoundTrips(
        MetricSummary.ofSamples(new double[] {1, 2, 3, 4}),
        WireFormat::writeMetricSummary,
        WireFormat::readMetricSummary);
    assertRoundTrips(
        new ConfidenceInterval(-1, 1, 0.95),
        WireFormat::writeConfidenceInterval,
        WireFormat::readConfidenceInterval);
  }

  @Test
  void trialsInEveryState() {
    Trial measured = TrialStoreContract.measuredTrial("c", 3);
    JsonNode json = assertRoundTrips(measured, WireFormat::writeTrial, WireFormat::readTrial);
    assertThat(json.get("status").asText()).isEqualTo("completed");
    assertThat(json.get("finishedAt").asText()).isEqualTo("2026-03-01T10:00:04Z");
    Trial running = Trial.running("c", 0, Configuration.of("b", 1), true, T0);
    JsonNode r = assertRoundTrips(running, WireFormat::writeTrial, WireFormat::readTrial);
    assertThat(r.has("finishedAt") || r.has("measurement") || r.has("reason")).isFalse();
    assertThat(r.get("startedAt").asText()).isEqualTo("2026-03-01T10:00:00.123456789Z");
    assertRoundTrips(
        running.ended(TrialStatus.FAILED, "apply failed: OOM", T0.plusNanos(1)),
        WireFormat::writeTrial,
        WireFormat::readTrial);
    Trial infeasible =
        running.measured(
            measured.measurement().orElseThrow(),
            Double.NaN,
            Optional.of("accuracy = 0.5 violates >= 0.98"),
            T0.plusSeconds(3));
    assertRoundTrips(infeasible, WireFormat::writeTrial, WireFormat::readTrial);
  }

  @Test
  void campaignsAndDeployments() {
    Campaign c = Campaign.created("c-1", TrialStoreContract.spec(), "schedule:nightly", T0);
    assertRoundTrips(c, WireFormat::writeCampaign, WireFormat::readCampaign);
    assertRoundTrips(
        c.withBestTrial("c-1-4").finished(CampaignStatus.STOPPED, "stopped by operator", T0),
        WireFormat::writeCampaign,
        WireFormat::readCampaign);
    Deployment d =
        new Deployment(
            "d1",
            "embedded",
            Optional.of("c-1"),
            Configuration.of("batch_size", 1),
            Configuration.of("batch_size", 8, "quantization", "int8"),
            "campaign:c-1",
            "throughput_rps 2.0x",
            T0);
    assertRoundTrips(d, WireFormat::writeDeployment, WireFormat::readDeployment);
    assertRoundTrips(
        new Deployment(
            "d2", "x", Optional.empty(), Configuration.empty(), Configuration.empty(), "", "", T0),
        WireFormat::writeDeployment,
        WireFormat::readDeployment);
  }

  @Test
  void studySpecsWriteEveryField() {
    JsonNode rich =
        assertRoundTrips(
            StudyStoreContract.spec(), WireFormat::writeStudySpec, WireFormat::readStudySpec);
    assertThat(rich.get("objectives").toString())
        .isEqualTo(
            "[{\"name\":\"loss\",\"direction\":\"minimize\"},"
                + "{\"name\":\"recall.at_10\",\"direction\":\"maximize\"}]");
    assertThat(rich.get("constraints").toString())
        .isEqualTo(
            "[{\"name\":\"latency_ms\",\"max\":25.0},"
                + "{\"name\":\"memory_gb\",\"min\":0.5,\"max\":16.0}]");
    assertThat(rich.get("strategy").toString()).isEqualTo("{\"type\":\"nsga2\",\"seed\":-7}");
    assertThat(rich.get("expectedTrials").intValue()).isEqualTo(250);
    JsonNode simple =
        assertRoundTrips(
            StudyStoreContract.simpleSpec(), WireFormat::writeStudySpec, WireFormat::readStudySpec);
    assertThat(simple.get("constraints").isEmpty()).isTrue();
  }

  @Test
  void studySpecsLeaveOutWhatHasADefault() {
    String bare =
        """
        {"name": "s", "parameters": [{"name": "x", "type": "float", "min": 0, "max": 1}],
         "objectives": [{"name": "loss", "direction": "minimize"}]%s}
        """;
    SearchSpace space = SearchSpace.of(Parameter.real("x", 0, 1));
    List<Objective> loss = List.of(Objective.minimize("loss"));
    assertThat(WireFormat.readStudySpec(WireFormat.parse(bare.formatted(""))))
        .isEqualTo(
            new StudySpec("s", space, loss, List.of(), new StrategySpec("bayesian", 0), 100));
    assertThat(
            WireFormat.readStudySpec(
                    WireFormat.parse(bare.formatted(", \"strategy\": {\"seed\": 5}")))
                .strategy())
        .isEqualTo(new StrategySpec("bayesian", 5));
    assertThat(
            WireFormat.readStudySpec(
                    WireFormat.parse(
                        bare.formatted(
                            ", \"strategy\": {\"type\": \"random\"}, \"constraints\": null")))
                .strategy())
        .isEqualTo(new StrategySpec("random", 0));
    // Several objectives: the default strategy is one that optimises several.
    StudySpec two =
        WireFormat.readStudySpec(
            WireFormat.parse(
                bare.replace(
                        "}]%s",
                        "}, {\"name\": \"cost\", \"direction\": \"max\"}], \"expectedTrials\": 7")
                    .formatted()));
    assertThat(two.objectives())
        .containsExactly(Objective.minimize("loss"), Objective.maximize("cost"));
    assertThat(two.strategy()).isEqualTo(new StrategySpec("nsga2", 0));
    assertThat(two.expectedTrials()).isEqualTo(7);
  }

  @Test
  void studiesShowTheirIdNameAndCreationFirst() {
    Study study = new Study("3f2a-9c", StudyStoreContract.spec(), T0);
    JsonNode json = assertRoundTrips(study, WireFormat::writeStudy, WireFormat::readStudy);
    List<String> keys = new java.util.ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly(
            "id",
            "name",
            "createdAt",
            "parameters",
            "objectives",
            "constraints",
            "strategy",
            "expectedTrials");
    assertThat(json.get("createdAt").asText()).isEqualTo("2026-03-01T10:00:00.123456789Z");
  }

  @Test
  void trialOutcomes() {
    JsonNode measured =
        assertRoundTrips(
            new TrialOutcome.Measured(
                Map.of("loss", 0.5, "recall", 1e-300), Map.of("latency_ms", 12.25)),
            WireFormat::writeTrialOutcome,
            WireFormat::readTrialOutcome);
    assertThat(measured.toString())
        .isEqualTo(
            "{\"values\":{\"loss\":0.5,\"recall\":1.0E-300},\"metrics\":{\"latency_ms\":12.25}}");
    JsonNode valuesOnly =
        assertRoundTrips(
            new TrialOutcome.Measured(Map.of("loss", 3.0), Map.of()),
            WireFormat::writeTrialOutcome,
            WireFormat::readTrialOutcome);
    assertThat(valuesOnly.has("metrics")).isFalse();
    JsonNode failed =
        assertRoundTrips(
            new TrialOutcome.Failed("CUDA out of memory"),
            WireFormat::writeTrialOutcome,
            WireFormat::readTrialOutcome);
    assertThat(failed.toString()).isEqualTo("{\"failed\":true,\"reason\":\"CUDA out of memory\"}");
    // Integers read as reals; "failed": false and a null metrics are as good as absent.
    assertThat(
            WireFormat.readTrialOutcome(
                WireFormat.parse("{\"failed\": false, \"values\": {\"a\": 3}, \"metrics\": null}")))
        .isEqualTo(new TrialOutcome.Measured(Map.of("a", 3.0), Map.of()));
  }

  @Test
  void nullReadsAsAbsentForOptionalFields() {
    JsonNode json =
        JsonEdits.with(
            WireFormat.writeBudget(new Budget(3, Optional.of(Duration.ofSeconds(9)))),
            "maxDurationSeconds",
            "null");
    assertThat(WireFormat.readBudget(json)).isEqualTo(Budget.trials(3));
  }

  @Test
  void unknownFieldsAreIgnored() {
    JsonNode json =
        WireFormat.parse(
            "{\"metric\": \"accuracy\", \"min\": 0.5, \"comment\": [1, {\"x\": null}]}");
    assertThat(WireFormat.readConstraint(json)).isEqualTo(Constraint.atLeast("accuracy", 0.5));
  }
}
