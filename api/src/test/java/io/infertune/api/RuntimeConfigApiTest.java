package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Manual pushes and rollbacks over real HTTP on loopback, recorded in the real H2 store. Each test
 * registers a simulated runtime of its own in the running service (its knobs: {@code batch_size} 1,
 * 4, 16, 64 and {@code quantization} fp32, int8; batch 64 in fp32 runs out of memory), so that the
 * tests' histories do not mix; the embedded runtime serves the test that needs a real campaign.
 */
class RuntimeConfigApiTest {
  // One service for the class: starting one extracts the model files (100 MB) into its data dir.
  @TempDir static Path dataDir;
  private static Infertune service;
  private static HttpJson http;
  private static final AtomicInteger RUNTIMES = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /** A fresh simulated runtime, registered in the service, on its defaults (batch 1, fp32). */
  private static SimulatedRuntime runtime() {
    SimulatedRuntime r =
        new SimulatedRuntime(new ManualTicker(), "sim-" + RUNTIMES.incrementAndGet());
    service.runtimes().register(r);
    return r;
  }

  private static HttpJson.Response push(SimulatedRuntime r, String body) throws Exception {
    return http.post("/api/v1/runtimes/" + r.id() + "/config", body);
  }

  private static List<JsonNode> deployments(SimulatedRuntime r) throws Exception {
    HttpJson.Response res = http.get("/api/v1/runtimes/" + r.id() + "/deployments");
    assertThat(res.status()).as(res.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    res.json().get("deployments").forEach(out::add);
    return out;
  }

  private static Configuration configuration(JsonNode json) {
    return WireFormat.readConfiguration(WireFormat.parse(json.toString()));
  }

  @Test
  void aManualPushChangesTheNamedKnobsAndRecordsAnOperatorDeployment() throws Exception {
    SimulatedRuntime r = runtime();

    HttpJson.Response res =
        push(r, "{\"configuration\": {\"batch_size\": 16}, \"reason\": \"peak hour\"}");

    assertThat(res.status()).as(res.body()).isEqualTo(200);
    Configuration expected = Configuration.of("batch_size", 16, "quantization", "fp32");
    assertThat(r.current()).isEqualTo(expected);
    JsonNode d = res.json();
    assertThat(d.get("cause").asText()).isEqualTo("operator");
    assertThat(d.get("evidence").asText()).isEqualTo("manual push: peak hour");
    assertThat(d.get("runtimeId").asText()).isEqualTo(r.id());
    assertThat(d.has("campaignId")).isFalse();
    assertThat(configuration(d.get("before"))).isEqualTo(r.defaults());
    assertThat(configuration(d.get("after"))).isEqualTo(expected);
    assertThat(
            http.get("/api/v1/runtimes/" + r.id()).json().get("current").get("batch_size").asInt())
        .isEqualTo(16);
    assertThat(deployments(r)).singleElement().isEqualTo(d);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          unknown knob           | {"configuration": {"warp": 9}}                          | configuration.warp
          value outside the knob | {"configuration": {"batch_size": 3}}                    | configuration.batch_size
          number for a category  | {"configuration": {"quantization": 8}}                  | configuration.quantization
          second knob bad        | {"configuration": {"batch_size": 4, "quantization": "fp8"}} | configuration.quantization
          object as a value      | {"configuration": {"batch_size": {}}}                   | configuration.batch_size
          no knob at all         | {"configuration": {}}                                   | configuration
          configuration missing  | {"reason": "why not"}                                   | configuration
          configuration a list   | {"configuration": [1]}                                  | configuration
          blank reason           | {"configuration": {"batch_size": 4}, "reason": " "}    | reason
          reason not text        | {"configuration": {"batch_size": 4}, "reason": 7}      | reason
          """)
  void badPushesAre400NamingTheKnobAndChangeNothing(String what, String body, String field)
      throws Exception {
    SimulatedRuntime r = runtime();

    HttpJson.Response res = push(r, body);

    assertThat(res.status()).as(res.body()).isEqualTo(400);
    assertThat(res.json().get("field").asText()).isEqualTo(field);
    assertThat(res.json().get("error").asText()).isNotBlank();
    assertThat(r.applied()).isEmpty();
    assertThat(deployments(r)).isEmpty();
  }

  @Test
  void bodiesThatAreNotObjectsAre400() throws Exception {
    SimulatedRuntime r = runtime();
    for (String body : new String[] {"", "[1]", "{", "\"x\""}) {
      assertThat(push(r, body).status()).as(body).isEqualTo(400);
    }
    assertThat(http.post("/api/v1/runtimes/" + r.id() + "/rollback", "[1]").status())
        .isEqualTo(400);
    assertThat(r.applied()).isEmpty();
  }

  @Test
  void eachRuntimeHasADriftPageAndTheServiceCountsCampaignsByState() throws Exception {
    SimulatedRuntime r = runtime();
    HttpJson.Response res = http.get("/api/v1/runtimes/" + r.id() + "/drift");
    assertThat(res.status()).as(res.body()).isEqualTo(200);
    assertThat(res.json().get("intervalSeconds").asDouble()).isEqualTo(30.0);
    List<String> series = new ArrayList<>();
    res.json().get("series").forEach(n -> series.add(n.asText()));
    assertThat(series)
        .containsExactlyInAnyOrder(
            "request_rate", "latency_p95_ms", "error_rate", "input_tokens_per_request");
    assertThat(res.json().get("events").size()).isZero();
    assertThat(http.get("/api/v1/runtimes/nope/drift").status()).isEqualTo(404);

    HttpJson.Response metrics = http.get("/metrics");
    assertThat(metrics.body())
        .contains("infertune_campaigns{state=\"running\"}")
        .contains("infertune_campaigns{state=\"completed\"}")
        .contains("infertune_scrape_errors_total{runtime=\"embedded\"} 0.0");
  }

  @Test
  void unknownRuntimesAre404() throws Exception {
    for (HttpJson.Response res :
        List.of(
            http.post("/api/v1/runtimes/nope/config", "{\"configuration\": {\"a\": 1}}"),
            http.post("/api/v1/runtimes/nope/rollback", ""),
            http.get("/api/v1/runtimes/nope/deployments"))) {
      assertThat(res.status()).as(res.body()).isEqualTo(404);
      assertThat(res.json().get("error").asText()).contains("nope");
    }
  }

  @Test
  void aConfigurationTheRuntimeCannotTakeIs422AndLeavesItOnItsPreviousOne() throws Exception {
    SimulatedRuntime r = runtime();
    assertThat(push(r, "{\"configuration\": {\"batch_size\": 4}}").status()).isEqualTo(200);
    Configuration before = r.current();

    HttpJson.Response res = push(r, "{\"configuration\": {\"batch_size\": 64}}");

    assertThat(res.status()).as(res.body()).isEqualTo(422);
    assertThat(res.json().get("error").asText()).contains("out_of_memory").contains("does not fit");
    assertThat(r.current()).isEqualTo(before);
    assertThat(deployments(r)).hasSize(1);
  }

  @Test
  void rollbackPutsBackWhatTheLatestDeploymentReplacedAndIsRecordedNewestFirst() throws Exception {
    SimulatedRuntime r = runtime();
    Configuration b16 = Configuration.of("batch_size", 16, "quantization", "fp32");
    Configuration b16int8 = Configuration.of("batch_size", 16, "quantization", "int8");
    assertThat(push(r, "{\"configuration\": {\"batch_size\": 16}}").status()).isEqualTo(200);
    assertThat(push(r, "{\"configuration\": {\"quantization\": \"int8\"}}").status())
        .isEqualTo(200);
    assertThat(r.current()).isEqualTo(b16int8);

    HttpJson.Response back =
        http.post("/api/v1/runtimes/" + r.id() + "/rollback", "{\"reason\": \"accuracy\"}");

    assertThat(back.status()).as(back.body()).isEqualTo(200);
    assertThat(r.current()).isEqualTo(b16);
    assertThat(back.json().get("cause").asText()).isEqualTo("rollback:operator");
    assertThat(back.json().get("evidence").asText()).contains("operator").endsWith(": accuracy");
    assertThat(configuration(back.json().get("before"))).isEqualTo(b16int8);
    assertThat(configuration(back.json().get("after"))).isEqualTo(b16);
    List<JsonNode> history = deployments(r);
    assertThat(history)
        .extracting(d -> d.get("cause").asText())
        .containsExactly("rollback:operator", "operator", "operator");
    assertThat(configuration(history.get(1).get("after"))).isEqualTo(b16int8);
    assertThat(configuration(history.get(2).get("after"))).isEqualTo(b16);
    assertThat(back.json().get("evidence").asText()).contains(history.get(1).get("id").asText());

    // The latest deployment is now the rollback: rolling back again undoes it.
    assertThat(http.post("/api/v1/runtimes/" + r.id() + "/rollback", "").status()).isEqualTo(200);
    assertThat(r.current()).isEqualTo(b16int8);
    assertThat(deployments(r)).hasSize(4);
  }

  @Test
  void rollbackWithoutAnyDeploymentIs409() throws Exception {
    SimulatedRuntime r = runtime();

    HttpJson.Response res = http.post("/api/v1/runtimes/" + r.id() + "/rollback", "");

    assertThat(res.status()).as(res.body()).isEqualTo(409);
    assertThat(res.json().get("error").asText()).contains("no deployment to roll back");
    assertThat(r.applied()).isEmpty();
  }

  @Test
  void pushesAndRollbacksAreCountedInTheMetrics() throws Exception {
    SimulatedRuntime r = runtime();
    assertThat(push(r, "{\"configuration\": {\"batch_size\": 4}}").status()).isEqualTo(200);
    assertThat(push(r, "{\"configuration\": {\"batch_size\": 16}}").status()).isEqualTo(200);
    assertThat(http.post("/api/v1/runtimes/" + r.id() + "/rollback", "").status()).isEqualTo(200);

    List<String> lines = http.get("/metrics").body().lines().toList();

    String runtimeTag = "runtime=\"" + r.id() + "\"";
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("infertune_deployments_total{")
                    .contains("cause=\"operator\"", runtimeTag)
                    .endsWith(" 2.0"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("infertune_deployments_total{")
                    .contains("cause=\"rollback\"", runtimeTag)
                    .endsWith(" 1.0"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("infertune_rollbacks_total{" + runtimeTag)
                    .endsWith(" 1.0"));
  }

  @Test
  void aRuntimeWithAnActiveCampaignRefusesManualChanges() throws Exception {
    // A warm-up long enough that the campaign is surely still active when the push arrives; the
    // stop below interrupts it.
    HttpJson.Response created =
        http.post(
            "/api/v1/campaigns",
            """
            {"runtime": "embedded", "name": "busy", "budget": {"maxTrials": 2},
             "measurement": {"warmupSeconds": 600, "windowSeconds": 1, "sampleIntervalSeconds": 0.5},
             "workload": {"concurrency": 1}}
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    try {
      HttpJson.Response pushed =
          http.post(
              "/api/v1/runtimes/embedded/config", "{\"configuration\": {\"batch_size\": 16}}");
      assertThat(pushed.status()).as(pushed.body()).isEqualTo(409);
      assertThat(pushed.json().get("error").asText()).contains("active campaign").contains(id);
      HttpJson.Response back = http.post("/api/v1/runtimes/embedded/rollback", "");
      assertThat(back.status()).as(back.body()).isEqualTo(409);
    } finally {
      assertThat(http.post("/api/v1/campaigns/" + id + "/stop", "").status()).isEqualTo(202);
      http.awaitCampaignEnd(id, Duration.ofMinutes(1));
    }
    assertThat(
            http.get("/api/v1/runtimes/embedded").json().get("current").get("batch_size").asInt())
        .isEqualTo(1);
    assertThat(deployments("embedded")).isEmpty();
  }

  private static List<JsonNode> deployments(String runtime) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    http.get("/api/v1/runtimes/" + runtime + "/deployments")
        .json()
        .get("deployments")
        .forEach(out::add);
    return out;
  }
}
