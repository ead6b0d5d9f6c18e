package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets a 4xx JSON error naming the field, and changes nothing. */
class CampaignApiValidationTest {
  @TempDir static Path dataDir;
  private static Infertune service;
  private static HttpJson http;

  @BeforeAll
  static void start() throws Exception {
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          missing runtime        | {}                                                                          | runtime
          unknown runtime        | {"runtime": "vllm-7"}                                                       | runtime
          runtime not a string   | {"runtime": 7}                                                              | runtime
          unknown knob           | {"runtime": "embedded", "parameters": [{"name": "warp", "type": "int", "min": 1, "max": 2}]} | parameters[0].name
          value outside the knob | {"runtime": "embedded", "parameters": [{"name": "batch_size", "type": "ordinal", "values": [1, 3]}]} | parameters[0]
          float on an int knob   | {"runtime": "embedded", "parameters": [{"name": "replicas", "type": "float", "min": 1, "max": 2}]} | parameters[0].type
          inverted range         | {"runtime": "embedded", "parameters": [{"name": "batch_timeout_ms", "type": "int", "min": 9, "max": 2}]} | parameters[0]
          unknown metric         | {"runtime": "embedded", "objective": {"metric": "happiness", "direction": "maximize"}} | objective.metric
          bad direction          | {"runtime": "embedded", "objective": {"metric": "throughput_rps", "direction": "up"}} | objective.direction
          zero trials            | {"runtime": "embedded", "budget": {"maxTrials": 0}}                          | budget.maxTrials
          trials not a number    | {"runtime": "embedded", "budget": {"maxTrials": "ten"}}                      | budget.maxTrials
          huge trials            | {"runtime": "embedded", "budget": {"maxTrials": 1e300}}                      | budget.maxTrials
          live region zero       | {"runtime": "embedded", "live": {"trustRegion": 0}}                          | live.trustRegion
          live not an object     | {"runtime": "embedded", "live": "yes"}                                       | live
          constraint no bound    | {"runtime": "embedded", "constraints": [{"metric": "accuracy"}]}           | constraints[0]
          negative window        | {"runtime": "embedded", "measurement": {"windowSeconds": -1}}               | measurement
          unknown mode           | {"runtime": "embedded", "workload": {"mode": "sideways"}}                   | workload.mode
          zero concurrency       | {"runtime": "embedded", "workload": {"concurrency": 0}}                     | workload
          """)
  void rejectsBadCampaignsNamingTheField(String what, String body, String field) throws Exception {
    int before = http.get("/api/v1/campaigns").json().get("campaigns").size();
    HttpJson.Response r = http.post("/api/v1/campaigns", body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    JsonNode error = r.json();
    assertThat(error.get("field").asText()).as(r.body()).startsWith(field);
    assertThat(error.get("error").asText()).isNotBlank();
    assertThat(http.get("/api/v1/campaigns").json().get("campaigns")).hasSize(before);
  }

  @Test
  void rejectsBodiesThatAreNotJsonObjects() throws Exception {
    for (String body : new String[] {"", "{", "[1,2]", "\"x\"", "{\"runtime\": NaN}"}) {
      HttpJson.Response r = http.post("/api/v1/campaigns", body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.json().get("error").asText()).isNotBlank();
    }
    byte[] invalidUtf8 = {'{', '"', 'r', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThat(http.postBytes("/api/v1/campaigns", invalidUtf8).status()).isEqualTo(400);
  }

  @Test
  void rejectsOversizedBodies() throws Exception {
    String big = "{\"runtime\": \"embedded\", \"name\": \"" + "x".repeat(300_000) + "\"}";
    HttpJson.Response r = http.postBytes("/api/v1/campaigns", big.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).isEqualTo(413);
  }

  @Test
  void unknownIdsAndRoutesAre404WithJson() throws Exception {
    for (String path :
        new String[] {
          "/api/v1/campaigns/nope",
          "/api/v1/campaigns/nope/trials",
          "/api/v1/runtimes/nope",
          "/nowhere"
        }) {
      HttpJson.Response r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.json().get("error").asText()).isNotBlank();
    }
    assertThat(http.post("/api/v1/campaigns/nope/stop", "").status()).isEqualTo(404);
  }

  @Test
  void oneActiveCampaignPerRuntimeAndStopRestoresTheRuntime() throws Exception {
    String longCampaign =
        """
        {"runtime": "embedded", "strategy": {"type": "random", "seed": 3}, "budget": {"maxTrials": 100},
         "parameters": [{"name": "batch_size", "type": "ordinal", "values": [2, 4, 8]}],
         "measurement": {"warmupSeconds": 0.2, "windowSeconds": 1, "sampleIntervalSeconds": 0.5},
         "workload": {"concurrency": 4}}
        """;
    JsonNode defaults = http.get("/api/v1/runtimes/embedded").json().get("defaults");
    HttpJson.Response first = http.post("/api/v1/campaigns", longCampaign);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    String id = first.json().get("id").asText();

    HttpJson.Response second = http.post("/api/v1/campaigns", longCampaign);
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.json().get("error").asText()).contains(id);

    HttpJson.Response stop = http.post("/api/v1/campaigns/" + id + "/stop", "");
    assertThat(stop.status()).isEqualTo(202);
    JsonNode done = http.awaitCampaignEnd(id, Duration.ofMinutes(1));
    assertThat(done.get("status").asText()).isEqualTo("stopped");
    assertThat(http.get("/api/v1/runtimes/embedded").json().get("current")).isEqualTo(defaults);
    // The runtime was freed before the campaign was marked stopped.
    assertThat(service.campaigns().activeCount()).isZero();
    assertThat(http.post("/api/v1/campaigns/" + id + "/stop", "").status()).isEqualTo(409);
  }

  /** Where the service reads traces from: {@code <data-dir>/traces}, made at start-up. */
  private static Path traces() {
    return dataDir.resolve("traces");
  }

  @Test
  void aTraceMustBeInTheTracesDirectoryExistAndParse() throws Exception {
    Path malformed = traces().resolve("malformed.jsonl");
    Files.writeString(malformed, "{\"timestamp\": 0, \"input_tokens\": 8}\n{\"timestamp\": 1}\n");
    Path secret = traces().resolve("secret.txt");
    Files.writeString(secret, "hunter2 is the password\n");
    String[][] cases = {
      {"\"no-such.jsonl\"", "no trace file 'no-such.jsonl' in the traces directory"},
      {"\"" + malformed + "\"", "line 2"},
      {"\"malformed.jsonl\"", "line 2"},
      {"\".\"", "is a directory"},
      {"\"secret.txt\"", "secret.txt line 1: not a JSON object"},
      {"7", "workload.trace"},
    };
    int before = http.get("/api/v1/campaigns").json().get("campaigns").size();
    for (String[] c : cases) {
      HttpJson.Response r = postTrace(c[0]);
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.json().get("field").asText()).as(r.body()).isEqualTo("workload.trace");
      assertThat(r.json().get("error").asText()).as(r.body()).contains(c[1]);
      assertThat(r.body()).as("the file's content stays on the server").doesNotContain("hunter2");
    }
    HttpJson.Response withLengths =
        http.post(
            "/api/v1/campaigns",
            "{\"runtime\": \"embedded\", \"workload\": {\"trace\": \"t.jsonl\","
                + " \"promptTokens\": \"fixed:8\", \"outputTokens\": \"fixed:8\"}}");
    assertThat(withLengths.status()).as(withLengths.body()).isEqualTo(400);
    assertThat(withLengths.json().get("field").asText()).isEqualTo("workload.trace");
    assertThat(http.get("/api/v1/campaigns").json().get("campaigns")).hasSize(before);
  }

  /**
   * Nothing outside the traces directory is read, by a relative path that climbs out, an absolute
   * one, or a link inside that leads out; and the answer is the same whether the file outside
   * exists or not (its content, a valid trace here, would otherwise be accepted).
   */
  @Test
  void aTraceOutsideTheTracesDirectoryIsRefusedWithoutSayingWhetherItExists() throws Exception {
    Path outside = dataDir.resolve("outside.jsonl");
    Files.writeString(outside, "{\"timestamp\": 0, \"input_tokens\": 8}\n");
    Path link = traces().resolve("link.jsonl");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, outside);
    Path dangling = traces().resolve("dangling.jsonl");
    Files.deleteIfExists(dangling);
    Files.createSymbolicLink(dangling, dataDir.resolve("no-such-outside.jsonl"));
    String climbs = "../".repeat(traces().getNameCount() + 2) + "etc/passwd";
    String[] refused = {
      "../outside.jsonl",
      "../no-such-outside.jsonl",
      climbs,
      outside.toString(),
      dataDir.resolve("no-such-outside.jsonl").toString(),
      "/etc/passwd",
      "/etc/no-such-file",
      "link.jsonl",
      "dangling.jsonl",
      traces().resolve("link.jsonl").toString(),
    };
    int before = http.get("/api/v1/campaigns").json().get("campaigns").size();
    for (String trace : refused) {
      HttpJson.Response r = postTrace("\"" + trace + "\"");
      assertThat(r.status()).as(trace + ": " + r.body()).isEqualTo(400);
      assertThat(r.json().get("field").asText()).isEqualTo("workload.trace");
      assertThat(r.json().get("error").asText())
          .as(trace)
          .isEqualTo(
              "trace: no trace file '"
                  + trace
                  + "' in the traces directory "
                  + traces().toAbsolutePath().normalize()
                  + " (a relative path is resolved against it; no file outside it is read)");
      assertThat(r.body()).doesNotContain("root:");
    }
    assertThat(http.get("/api/v1/campaigns").json().get("campaigns")).hasSize(before);
  }

  @Test
  void aTraceInsideIsReadByARelativeOrAnAbsolutePath() throws Exception {
    Files.createDirectories(traces().resolve("monday"));
    Path inside = traces().resolve("monday/steady.jsonl");
    Files.writeString(inside, "{\"timestamp\": 0, \"input_tokens\": 8}\n");
    for (String trace :
        new String[] {
          "monday/steady.jsonl", "./monday/../monday/steady.jsonl", inside.toString()
        }) {
      HttpJson.Response r =
          http.post(
              "/api/v1/campaigns",
              "{\"runtime\": \"embedded\", \"budget\": {\"maxTrials\": 1},"
                  + " \"measurement\": {\"warmupSeconds\": 0.5, \"windowSeconds\": 0.5,"
                  + " \"sampleIntervalSeconds\": 0.5}, \"workload\": {\"trace\": \""
                  + trace
                  + "\"}}");
      assertThat(r.status()).as(trace + ": " + r.body()).isEqualTo(201);
      assertThat(r.json().path("spec").path("workload").path("trace").asText()).isEqualTo(trace);
      // One campaign per runtime at a time: stop this one before the next.
      String id = r.json().get("id").asText();
      http.post("/api/v1/campaigns/" + id + "/stop", "");
      http.awaitCampaignEnd(id, Duration.ofMinutes(1));
    }
  }

  private static HttpJson.Response postTrace(String traceJson) throws Exception {
    return http.post(
        "/api/v1/campaigns",
        "{\"runtime\": \"embedded\", \"workload\": {\"trace\": " + traceJson + "}}");
  }

  @Test
  void aCampaignReplaysATrace() throws Exception {
    Path trace = traces().resolve("steady.jsonl");
    StringBuilder lines = new StringBuilder();
    // 20 requests a second, for 10 seconds, replayed as recorded: well within what the runtime
    // serves on a busy machine.
    for (int i = 0; i < 200; i++) {
      lines
          .append("{\"timestamp\": ")
          .append(i * 0.05)
          .append(", \"prompt\": \"sentence number ")
          .append(i)
          .append("\"}\n");
    }
    Files.writeString(trace, lines);
    HttpJson.Response created =
        http.post(
            "/api/v1/campaigns",
            """
            {"runtime": "embedded", "budget": {"maxTrials": 1},
             "measurement": {"warmupSeconds": 0.5, "windowSeconds": 1.5, "sampleIntervalSeconds": 0.5},
             "workload": {"trace": "%s"}}
            """
                .formatted(trace));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    assertThat(created.json().path("spec").path("workload").path("trace").asText())
        .isEqualTo(trace.toString());
    JsonNode done = http.awaitCampaignEnd(id, Duration.ofMinutes(1));
    assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
    JsonNode trial = http.get("/api/v1/campaigns/" + id + "/trials").json().path("trials").path(0);
    assertThat(trial.path("status").asText()).as(trial.toString()).isEqualTo("completed");
    // Open loop at the trace's 20 requests a second, whatever more the runtime could do.
    assertThat(
            trial
                .path("measurement")
                .path("metrics")
                .path("throughput_rps")
                .path("mean")
                .asDouble())
        .as(trial.toString())
        .isBetween(10.0, 30.0);
  }
}
