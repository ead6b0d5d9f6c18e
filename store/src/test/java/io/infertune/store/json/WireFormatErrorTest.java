package io.infertune.store.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.study.Study;
import io.infertune.tuner.testkit.StudyStoreContract;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Deployment;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Invalid documents are refused with the path of the offending field and a useful message. */
class WireFormatErrorTest {
  private static final JsonNode SPEC = WireFormat.writeCampaignSpec(TrialStoreContract.spec());
  private static final JsonNode TRIAL =
      WireFormat.writeTrial(TrialStoreContract.measuredTrial("c", 1));
  private static final JsonNode CAMPAIGN =
      WireFormat.writeCampaign(
          Campaign.created("c", TrialStoreContract.spec(), "operator", Instant.EPOCH));
  private static final JsonNode STUDY_SPEC = WireFormat.writeStudySpec(StudyStoreContract.spec());
  private static final JsonNode DEPLOYMENT =
      WireFormat.writeDeployment(
          new Deployment(
              "d",
              "embedded",
              Optional.empty(),
              Configuration.of("a", 1),
              Configuration.of("a", 2),
              "operator",
              "",
              Instant.EPOCH));

  private static FieldException refusal(Runnable read) {
    FieldException e = catchThrowableOfType(FieldException.class, read::run);
    assertThat(e).as("a FieldException").isNotNull();
    return e;
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          budget.maxTrials                 | "ten"                  | budget.maxTrials                 | budget.maxTrials must be an integer, got the string "ten"
          budget.maxTrials                 | 2.5                    | budget.maxTrials                 | must be an integer, got 2.5
          budget.maxTrials                 | 1e300                  | budget.maxTrials                 | must be an integer between -2147483648 and 2147483647
          budget.maxTrials                 | 3000000000             | budget.maxTrials                 | between -2147483648 and 2147483647, got 3000000000
          budget.maxTrials                 | 0                      | budget.maxTrials                 | maxTrials must be in [1, 10000], got 0
          budget.maxTrials                 | <remove>               | budget.maxTrials                 | budget.maxTrials is required
          budget.maxTrials                 | null                   | budget.maxTrials                 | budget.maxTrials is required, got null
          budget.maxDurationSeconds        | -5                     | budget.maxDurationSeconds        | maxDuration must be positive
          budget                           | 12                     | budget                           | budget must be an object, got 12
          strategy.seed                    | 99999999999999999999   | strategy.seed                    | between -9223372036854775808 and 9223372036854775807
          strategy.seed                    | 1.0e19                 | strategy.seed                    | between -9223372036854775808 and 9223372036854775807
          strategy.type                    | "no spaces"            | strategy.type                    | strategy name 'no spaces' is invalid
          objective.metric                 | "happiness"            | objective.metric                 | objective metric 'happiness' is unknown; use one of [throughput_rps,
          objective.metric                 | "9lives"               | objective.metric                 | objective metric name '9lives' is invalid
          objective.direction              | "up"                   | objective.direction              | direction must be 'maximize' or 'minimize', got 'up'
          objective                        | <remove>               | objective                        | objective is required
          constraints[1].min               | "high"                 | constraints[1].min               | constraints[1].min must be a number
          constraints[0]                   | {"metric": "accuracy"} | constraints[0]                   | needs a min or a max
          constraints[0].max               | 0.5                    | constraints[0]                   | min 0.98 > max 0.5
          constraints[0].metric            | "mood"                 | constraints[0].metric            | constraint metric 'mood' is unknown; use one of [throughput_rps,
          constraints[1].metric            | ""                     | constraints[1].metric            | constraint metric name '' is invalid
          constraints                      | {}                     | constraints                      | constraints must be an array, got an object
          parameters                       | []                     | parameters                       | a search space needs at least one parameter
          parameters[0].values             | []                     | parameters[0].values             | needs at least one value
          parameters[0].values             | [1, 1.0]               | parameters[0].values             | lists '1' twice
          parameters[0].values[1]          | {}                     | parameters[0].values[1]          | must be a number or a string, got an object
          parameters[0].values[1]          | null                   | parameters[0].values[1]          | is required, got null
          parameters[0].type               | "bool"                 | parameters[0].type               | must be one of int, float, ordinal, categorical, got 'bool'
          parameters[0].min                | 1                      | parameters[0].min                | applies only to int and float parameters
          parameters[0].name               | "9lives"               | parameters[0].name               | parameter name '9lives' is invalid
          parameters[1].name               | "batch_size"           | parameters[1].name               | parameter 'batch_size' is declared twice
          parameters[3].min                | 1.5                    | parameters[3].min                | must be an integer, got 1.5
          parameters[3].min                | 5                      | parameters[3]                    | min 5 is greater than max 2
          parameters[3].step               | 0                      | parameters[3].step               | step must be >= 1
          parameters[3].values             | [1]                    | parameters[3].values             | applies only to ordinal and categorical parameters
          parameters[3].log                | "yes"                  | parameters[3].log                | must be true or false, got the string "yes"
          parameters[2].min                | -1                     | parameters[2].min                | a log-scaled real needs min > 0
          parameters[2].max                | 1e400                  | parameters[2].max                | must be a finite number
          parameters[2].step               | 2                      | parameters[2].step               | applies only to int parameters
          parameters[2].when.parent        | "threads"              | parameters[2].when.parent        | depends on unknown parameter 'threads'
          parameters[2].when.parent        | ""                     | parameters[2].when.parent        | condition parent must not be blank
          parameters[2].when.values        | [7]                    | parameters[2].when.values        | has a condition value that parameter 'batch_size' must be one of
          parameters[2].when.values        | []                     | parameters[2].when.values        | needs at least one value
          measurement.windowSeconds        | -1                     | measurement.windowSeconds        | window must be positive
          measurement.sampleIntervalSeconds | 10                    | measurement.sampleIntervalSeconds | sampleInterval must be positive and at most the window
          measurement.warmupSeconds        | -0.5                   | measurement.warmupSeconds        | warmup must not be negative
          measurement.warmupSeconds        | 7200                   | measurement                      | warmup and window must be at most 1 hour
          measurement.warmupSeconds        | "2s"                   | measurement.warmupSeconds        | must be a number of seconds, got the string "2s"
          measurement.warmupSeconds        | 1e300                  | measurement.warmupSeconds        | is too large for a duration
          measurement.minWindowSeconds     | 99                     | measurement.minWindowSeconds     | minWindow must be at least the sampleInterval and at most the window
          measurement.targetRelativeHalfWidth | 1.5                 | measurement.targetRelativeHalfWidth | targetRelativeHalfWidth must be in [0, 1)
          measurement.warmupStableIntervals | 2                     | measurement.warmupStableIntervals | warmupStableIntervals must be 0 (fixed warm-up) or in [3, 1000]
          measurement.warmupTolerance      | 0                      | measurement.warmupTolerance      | warmupTolerance must be in (0, 1)
          measurement.pruning              | "yes"                  | measurement.pruning              | must be true or false, got the string "yes"
          measurement.remeasureIncumbentEvery | -1                  | measurement.remeasureIncumbentEvery | remeasureIncumbentEvery must be >= 0
          workload.mode                    | "sideways"             | workload.mode                    | mode must be 'closed_loop' or 'open_loop', got 'sideways'
          workload.concurrency             | 0                      | workload.concurrency             | concurrency must be in [1, 1024], got 0
          workload.ratePerSecond           | "fast"                 | workload.ratePerSecond           | must be a number, got the string "fast"
          workload.ratePerSecond           | 0                      | workload.ratePerSecond           | ratePerSecond must be in (0, 100000]
          workload.distinctInputs          | 0                      | workload.distinctInputs          | distinctInputs must be >= 1
          workload.zipfExponent            | 9                      | workload.zipfExponent            | zipfExponent must be in [0, 5], got 9.0
          workload.outputTokens            | "bell:128"             | workload.outputTokens            | outputTokens must be fixed:N, uniform:MIN-MAX or lognormal:median=M,sigma=S, got 'bell:128'
          workload.outputTokens            | 128                    | workload.outputTokens            | must be a string, got 128
          workload.promptTokens            | "fixed:64"             | workload.outputTokens            | promptTokens needs outputTokens too
          workload.outputTokens            | "fixed:64"             | workload.promptTokens            | outputTokens needs promptTokens too
          name                             | ""                     | name                             | name must be 1-200 characters
          name                             | <remove>               | name                             | name is required
          runtime                          | 7                      | runtime                          | runtime must be a string, got 7
          runtime                          | "a runtime"            | runtime                          | runtime name 'a runtime' is invalid
          """)
  void campaignSpecErrorsNameTheirField(String path, String value, String field, String message) {
    JsonNode json = JsonEdits.with(SPEC, path, value);
    FieldException e = refusal(() -> WireFormat.readCampaignSpec(json));
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).contains(message);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          status                                       | "done"     | status                                       | status must be one of running, completed, infeasible, pruned, failed, aborted, got the string "done"
          number                                       | -1         | number                                       | trial number must be >= 0
          number                                       | 1.5        | number                                       | must be an integer
          startedAt                                    | "yesterday" | startedAt                                   | must be an ISO-8601 instant
          startedAt                                    | 17         | startedAt                                    | must be a string, got 17
          finishedAt                                   | <remove>   | finishedAt                                   | a trial has a finish time exactly when its status is final
          measurement                                  | <remove>   | measurement                                  | COMPLETED trial needs a measurement
          objectiveValue                               | "lots"     | objectiveValue                               | must be a number (or "NaN", "Infinity", "-Infinity")
          baseline                                     | "yes"      | baseline                                     | must be true or false
          configuration.batch_size                     | [8]        | configuration.batch_size                     | must be a number or a string, got an array
          configuration.batch_size                     | 1e99999    | configuration.batch_size                     | must be a finite number
          configuration                                | "b=8"      | configuration                                | must be an object
          measurement.windowSeconds                    | <remove>   | measurement.windowSeconds                    | is required
          measurement.metrics.throughput_rps.count     | -3         | measurement.metrics.throughput_rps.count     | count must be >= 0
          measurement.metrics.throughput_rps.mean      | "NaN"      | measurement.metrics.throughput_rps.mean      | must be a number, got the string "NaN"
          measurement.metrics.throughput_rps.p95       | "fast"     | measurement.metrics.throughput_rps.p95       | must be a number (or
          measurement.metrics.throughput_rps.ci.level  | 2          | measurement.metrics.throughput_rps.ci.level  | level must be in (0, 1), got 2.0
          measurement.metrics.throughput_rps.ci.low    | 500        | measurement.metrics.throughput_rps.ci        | interval low 500.0 must be <= high 130.75
          """)
  void trialErrorsNameTheirField(String path, String value, String field, String message) {
    JsonNode json = JsonEdits.with(TRIAL, path, value);
    FieldException e = refusal(() -> WireFormat.readTrial(json));
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).contains(message);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          id                        | "a b"     | id                        | campaign id 'a b' is invalid
          status                    | "paused"  | status                    | must be one of pending, running, completed, stopped, failed
          spec.budget.maxTrials     | 0         | spec.budget.maxTrials     | maxTrials must be in [1, 10000]
          createdAt                 | <remove>  | createdAt                 | createdAt is required
          """)
  void campaignErrorsNameTheirField(String path, String value, String field, String message) {
    JsonNode json = JsonEdits.with(CAMPAIGN, path, value);
    FieldException e = refusal(() -> WireFormat.readCampaign(json));
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).contains(message);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          objectives[1].direction  | "up"                   | objectives[1].direction  | direction must be 'maximize' or 'minimize', got 'up'
          objectives[1].direction  | <remove>               | objectives[1].direction  | objectives[1].direction is required
          objectives[1].name       | "loss"                 | objectives[1].name       | objectives[1].name repeats objectives[0].name ('loss'); list each objective once
          objectives[0].name       | "9x"                   | objectives[0].name       | objective metric name '9x' is invalid
          objectives[0].name       | <remove>               | objectives[0].name       | objectives[0].name is required
          objectives[0]            | {"metric": "loss", "direction": "min"} | objectives[0].name | objectives[0].name is required
          objectives[0]            | 3                      | objectives[0]            | objectives[0] must be an object, got 3
          objectives               | []                     | objectives               | objectives must hold 1-8 objectives, got 0
          objectives               | <remove>               | objectives               | objectives is required
          objectives               | {}                     | objectives               | objectives must be an array, got an object
          constraints[1].max       | 0.1                    | constraints[1]           | constraint on 'memory_gb': min 0.5 > max 0.1
          constraints[0]           | {"name": "latency_ms"} | constraints[0]           | constraint on 'latency_ms' needs a min or a max
          constraints[0].name      | "bad name"             | constraints[0].name      | constraint metric name 'bad name' is invalid
          constraints[0].name      | <remove>               | constraints[0].name      | constraints[0].name is required
          constraints[0].min       | "low"                  | constraints[0].min       | constraints[0].min must be a number, got the string "low"
          parameters[0].values     | []                     | parameters[0].values     | needs at least one value
          parameters[1].when.parent | "depth"               | parameters[1].when.parent | depends on unknown parameter 'depth'
          parameters               | <remove>               | parameters               | parameters is required
          expectedTrials           | 0                      | expectedTrials           | expectedTrials must be 1-100000, got 0
          expectedTrials           | 2.5                    | expectedTrials           | expectedTrials must be an integer, got 2.5
          expectedTrials           | "many"                 | expectedTrials           | expectedTrials must be an integer, got the string "many"
          strategy.type            | "no spaces"            | strategy.type            | strategy name 'no spaces' is invalid
          strategy.type            | 7                      | strategy.type            | strategy.type must be a string, got 7
          strategy.seed            | "seven"                | strategy.seed            | strategy.seed must be an integer
          strategy                 | 1                      | strategy                 | strategy must be an object, got 1
          name                     | ""                     | name                     | name must be 1-200 characters
          name                     | <remove>               | name                     | name is required
          """)
  void studySpecErrorsNameTheirField(String path, String value, String field, String message) {
    JsonNode json = JsonEdits.with(STUDY_SPEC, path, value);
    FieldException e = refusal(() -> WireFormat.readStudySpec(json));
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).contains(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          `{"values": {"latency_ms": "fast"}}`                    | values.latency_ms | values.latency_ms must be a number, got the string "fast"
          `{"values": {"latency_ms": 1e999}}`                     | values.latency_ms | values.latency_ms must be a finite number
          `{"values": {"latency_ms": null}}`                      | values.latency_ms | values.latency_ms is required, got null
          `{"values": {"9x": 1}}`                                 | values["9x"]      | values metric name '9x' is invalid
          `{"values": [1]}`                                       | values            | values must be an object, got an array
          `{"values": {"a": 1}, "metrics": {"b": true}}`          | metrics.b         | metrics.b must be a number, got true
          `{"values": {"a": 1}, "metrics": {"a": 2}}`             | metrics.a         | metrics.a repeats values.a; report it once
          `{"values": {"a": 1}, "metrics": 5}`                    | metrics           | metrics must be an object, got 5
          `{}`                                                    | values            | values is required
          `{"failed": false}`                                     | values            | values is required
          `{"failed": false, "values": null}`                     | values            | values is required, got null
          `{"reason": "oom"}`                                     | reason            | reason applies only to a failed trial (send "failed": true)
          `{"failed": "yes"}`                                     | failed            | failed must be true or false, got the string "yes"
          `{"failed": true}`                                      | reason            | reason is required
          `{"failed": true, "reason": 3}`                         | reason            | reason must be a string, got 3
          `{"failed": true, "reason": " "}`                       | reason            | reason must be 1-2000 characters
          `{"failed": true, "reason": "x", "values": {"a": 1}}`   | values            | values must be left out when failed is true
          `{"failed": true, "reason": "x", "metrics": {}}`        | metrics           | metrics must be left out when failed is true
          `[]`                                                    | ``                | the document must be an object, got an array
          """)
  void trialOutcomeErrorsNameTheirField(String json, String field, String message) {
    FieldException e = refusal(() -> WireFormat.readTrialOutcome(WireFormat.parse(json)));
    assertThat(e.field()).isEqualTo(field == null ? "" : field);
    assertThat(e.getMessage()).startsWith(message);
  }

  @Test
  void studyErrorsNameTheirField() {
    JsonNode study =
        WireFormat.writeStudy(new Study("s-1", StudyStoreContract.spec(), Instant.EPOCH));
    assertThat(refusal(() -> WireFormat.readStudy(JsonEdits.with(study, "id", "\"a b\""))).field())
        .isEqualTo("id");
    assertThat(
            refusal(() -> WireFormat.readStudy(JsonEdits.with(study, "createdAt", "\"now\"")))
                .field())
        .isEqualTo("createdAt");
    assertThat(
            refusal(
                    () ->
                        WireFormat.readStudy(
                            JsonEdits.with(study, "objectives[1].direction", "\"up\"")))
                .field())
        .isEqualTo("objectives[1].direction");
  }

  @Test
  void deploymentErrorsNameTheirField() {
    assertThat(
            refusal(() -> WireFormat.readDeployment(JsonEdits.with(DEPLOYMENT, "at", "<remove>")))
                .field())
        .isEqualTo("at");
    assertThat(
            refusal(() -> WireFormat.readDeployment(JsonEdits.with(DEPLOYMENT, "before", "[]")))
                .getMessage())
        .isEqualTo("before must be an object, got an array");
  }

  @Test
  void oddConfigurationKeysAreQuotedInThePath() {
    FieldException e =
        refusal(
            () -> WireFormat.readConfiguration(WireFormat.parse("{\"9 \\\"x\\\"\": 1}"), "after"));
    assertThat(e.field()).isEqualTo("after[\"9 \\\"x\\\"\"]");
    assertThat(e.getMessage()).contains("parameter name '9 \"x\"' is invalid");
  }

  @Test
  void nestedReadersPrefixTheirPath() {
    FieldException e =
        refusal(
            () -> WireFormat.readObjective(WireFormat.parse("{\"metric\": 1}"), "spec.objective"));
    assertThat(e.field()).isEqualTo("spec.objective.metric");
    assertThat(e.getMessage()).isEqualTo("spec.objective.metric must be a string, got 1");
  }

  @Test
  void theDocumentItselfMustBeAnObject() {
    FieldException e = refusal(() -> WireFormat.readCampaignSpec(WireFormat.parse("[1, 2]")));
    assertThat(e.field()).isEmpty();
    assertThat(e.getMessage()).isEqualTo("the document must be an object, got an array");
    assertThat(refusal(() -> WireFormat.readTrial(null)).getMessage())
        .isEqualTo("the document is required");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          `{`                      | not valid JSON
          `{"a": 1, "a": 2}`       | Duplicate field 'a'
          `{"runtime": NaN}`       | not valid JSON
          `{} {}`                  | not valid JSON
          `[1,]`                   | not valid JSON
          ``                       | the document is empty
          `   `                    | the document is empty
          """)
  void textThatIsNotOneJsonValueIsRefused(String text, String message) {
    FieldException e = refusal(() -> WireFormat.parse(text == null ? "" : text));
    assertThat(e.field()).isEmpty();
    assertThat(e.getMessage()).contains(message);
  }

  @Test
  void aFieldExceptionIsAnIllegalArgumentException() {
    assertThatThrownBy(() -> WireFormat.readBudget(WireFormat.parse("{}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTrials is required");
  }
}
