package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/campaigns/{id}/resume} over real HTTP against the embedded runtime. */
class CampaignResumeApiTest {
  @TempDir static Path dataDir;
  private static Infertune service;
  private static HttpJson http;

  /** Four trials of about a second each; promotion kept short and unwatched. */
  static final String SMALL_CAMPAIGN =
      """
      {"runtime": "embedded", "strategy": {"type": "random", "seed": 5}, "budget": {"maxTrials": 4},
       "parameters": [{"name": "batch_size", "type": "ordinal", "values": [2, 4, 8]}],
       "measurement": {"warmupSeconds": 0.2, "windowSeconds": 1, "sampleIntervalSeconds": 0.5},
       "workload": {"concurrency": 4},
       "promotion": {"roundsPerArm": 2, "watchSeconds": 0}}
      """;

  @BeforeAll
  static void start() throws Exception {
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void aStoppedCampaignResumesWhereItWasAndRunsTheRestOfItsBudget() throws Exception {
    String id = http.post("/api/v1/campaigns", SMALL_CAMPAIGN).json().get("id").asText();
    awaitFinishedTrials(id, 1);
    assertThat(http.post("/api/v1/campaigns/" + id + "/stop", "").status()).isEqualTo(202);
    JsonNode stopped = http.awaitCampaignEnd(id, Duration.ofMinutes(1));
    assertThat(stopped.get("status").asText()).isEqualTo("stopped");
    int storedBefore = http.get("/api/v1/campaigns/" + id + "/trials").json().get("trials").size();
    assertThat(storedBefore).isBetween(1, 3);

    // Another campaign holds the runtime: the resume names it.
    String other = http.post("/api/v1/campaigns", SMALL_CAMPAIGN).json().get("id").asText();
    HttpJson.Response busy = http.post("/api/v1/campaigns/" + id + "/resume", "");
    assertThat(busy.status()).as(busy.body()).isEqualTo(409);
    assertThat(busy.json().get("error").asText()).contains(other);
    http.post("/api/v1/campaigns/" + other + "/stop", "");
    http.awaitCampaignEnd(other, Duration.ofMinutes(1));

    HttpJson.Response resumed = http.post("/api/v1/campaigns/" + id + "/resume", "");
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
    assertThat(resumed.json().get("id").asText()).isEqualTo(id);
    assertThat(resumed.json().has("finishedAt")).isFalse();
    HttpJson.Response again = http.post("/api/v1/campaigns/" + id + "/resume", "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("error").asText()).contains("already running");

    JsonNode done = http.awaitCampaignEnd(id, Duration.ofMinutes(3));
    assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
    JsonNode trials = http.get("/api/v1/campaigns/" + id + "/trials").json().get("trials");
    assertThat(trials).hasSize(4);
    List<Integer> numbers = new ArrayList<>();
    trials.forEach(t -> numbers.add(t.get("number").asInt()));
    assertThat(numbers).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(trials.findValuesAsText("status")).doesNotContain("running");
    long baselines = 0;
    for (JsonNode t : trials) {
      baselines += t.path("baseline").asBoolean() ? 1 : 0;
    }
    assertThat(baselines).as("the baseline is not measured again").isEqualTo(1);

    HttpJson.Response completed = http.post("/api/v1/campaigns/" + id + "/resume", "");
    assertThat(completed.status()).isEqualTo(409);
    assertThat(completed.json().get("error").asText()).contains("completed");
  }

  @Test
  void unknownCampaignsAre404() throws Exception {
    HttpJson.Response r = http.post("/api/v1/campaigns/nope/resume", "");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).contains("nope");
  }

  private static void awaitFinishedTrials(String id, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (http.get("/api/v1/campaigns/" + id).json().at("/progress/trialsFinished").asInt() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("campaign " + id + " finished no trial within a minute");
      }
      // Polling a real service that measures in real time: there is no clock to inject here.
      Thread.sleep(100);
    }
  }
}
