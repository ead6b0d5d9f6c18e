package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole slice over real HTTP: the service with the embedded ONNX Runtime server and an H2 file
 * store tunes the runtime, pushes the best configuration, and keeps its record across a restart.
 */
class ServiceEndToEndTest {
  @TempDir Path dataDir;

  // Eight A/B rounds per arm rather than five: on a loaded 2-core machine one-second rounds scatter
  // widely (p was 0.02 once at a 3x difference), and the push must not depend on a quiet machine.

  private static final String CAMPAIGN =
      """
      {"runtime": "embedded", "name": "e2e",
       "parameters": [
         {"name": "batch_size", "type": "ordinal", "values": [1, 16]},
         {"name": "quantization", "type": "categorical", "values": ["fp32", "int8"]}],
       "constraints": [{"metric": "accuracy", "min": 0.95}],
       "strategy": {"type": "grid", "seed": 1},
       "budget": {"maxTrials": 6},
       "measurement": {"warmupSeconds": 0.3, "windowSeconds": 1.0, "sampleIntervalSeconds": 0.25},
       "promotion": {"roundsPerArm": 8, "watchSeconds": 2, "watchIntervalSeconds": 1},
       "workload": {"concurrency": 16}}
      """;

  @Test
  void tunesTheEmbeddedRuntimePushesTheBestAndRemembersAcrossARestart() throws Exception {
    String campaignId;
    String trialsBefore;
    try (Infertune service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir))) {
      HttpJson http = new HttpJson(service.port());
      assertThat(http.get("/health").json().get("status").asText()).isEqualTo("up");

      JsonNode runtimes = http.get("/api/v1/runtimes").json().get("runtimes");
      assertThat(runtimes).hasSize(1);
      assertThat(runtimes.get(0).get("id").asText()).isEqualTo("embedded");
      assertThat(runtimes.get(0).get("knobs").findValuesAsText("name"))
          .contains("batch_size", "quantization", "cache_entries", "replicas");

      HttpJson.Response created = http.post("/api/v1/campaigns", CAMPAIGN);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      campaignId = created.json().get("id").asText();
      assertThat(created.raw().headers().firstValue("location"))
          .contains("/api/v1/campaigns/" + campaignId);

      JsonNode done = http.awaitCampaignEnd(campaignId, Duration.ofMinutes(3));
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
      // The baseline plus the three grid points that differ from it: then the grid is exhausted.
      JsonNode trials =
          http.get("/api/v1/campaigns/" + campaignId + "/trials").json().get("trials");
      assertThat(trials).hasSize(4);
      assertThat(trials.get(0).get("baseline").asBoolean()).isTrue();
      for (JsonNode t : trials) {
        // Pruning is on by default: a clearly worse grid point may be stopped early, measured.
        assertThat(t.get("status").asText()).isIn("completed", "infeasible", "pruned");
        assertThat(t.get("measurement").get("metrics").has("throughput_rps")).isTrue();
        assertThat(t.get("measurement").get("metrics").has("accuracy")).isTrue();
      }
      JsonNode best = done.get("bestTrial");
      assertThat(best.get("id").asText()).isEqualTo(done.get("bestTrialId").asText());
      assertThat(done.get("message").asText()).contains("pushed");
      JsonNode runtime = http.get("/api/v1/runtimes/embedded").json();
      for (var field :
          (Iterable<java.util.Map.Entry<String, JsonNode>>)
              () -> best.get("configuration").fields()) {
        assertThat(runtime.get("current").get(field.getKey()))
            .as(field.getKey())
            .isEqualTo(field.getValue());
      }
      // int8 with batching is far faster than the fp32 batch-1 default on any CPU.
      assertThat(best.get("configuration").get("quantization").asText()).isEqualTo("int8");

      String metrics = http.get("/metrics").body();
      assertThat(metrics)
          .contains("infertune_trials_total{status=\"completed\"}")
          .contains("infertune_campaign_best_objective{campaign=\"" + campaignId + "\"")
          .contains("infertune_campaigns_active 0.0")
          .contains("infertune_deployments_total{cause=\"campaign\",runtime=\"embedded\"} 1.0")
          .contains("jvm_memory_used_bytes")
          .contains("vertx_http_server_requests_total");
      trialsBefore = http.get("/api/v1/campaigns/" + campaignId + "/trials").body();
    }

    try (Infertune restarted = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir))) {
      HttpJson http = new HttpJson(restarted.port());
      assertThat(http.get("/api/v1/campaigns/" + campaignId + "/trials").body())
          .isEqualTo(trialsBefore);
      // The embedded runtime lives in the service's process: it comes back on the pushed config.
      JsonNode best = http.get("/api/v1/campaigns/" + campaignId).json().get("bestTrial");
      JsonNode current = http.get("/api/v1/runtimes/embedded").json().get("current");
      assertThat(current.get("quantization"))
          .isEqualTo(best.get("configuration").get("quantization"));
      assertThat(current.get("batch_size")).isEqualTo(best.get("configuration").get("batch_size"));
      JsonNode list = http.get("/api/v1/campaigns").json().get("campaigns");
      assertThat(list).hasSize(1);
      assertThat(list.get(0).get("status").asText()).isEqualTo("completed");
    }
  }
}
