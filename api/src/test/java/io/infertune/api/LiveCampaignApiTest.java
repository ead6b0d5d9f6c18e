package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.space.Configuration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live campaigns over REST on the real embedded runtime, while clients of the test's own (the
 * production traffic) send it requests: the campaign drives no load of its own, tries only
 * configurations near the incumbent, and puts the incumbent back at the first interval that breaks
 * the SLO.
 */
class LiveCampaignApiTest {
  @TempDir static Path dataDir;
  private static Infertune service;
  private static HttpJson http;
  private static EmbeddedRuntime runtime;

  /** The configuration in force when each campaign starts (the incumbent). */
  private static final Configuration INCUMBENT =
      Configuration.of(EmbeddedRuntime.BATCH_SIZE, 8, EmbeddedRuntime.BATCH_TIMEOUT_MS, 2);

  @BeforeAll
  static void start() throws Exception {
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
    runtime =
        (EmbeddedRuntime)
            ((InstrumentedRuntime) service.runtimes().find("embedded").orElseThrow()).unwrap();
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /** Closed-loop clients that embed sentences until closed; counts what they got answered. */
  private static final class Clients implements AutoCloseable {
    final AtomicLong answered = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    Clients(int n) {
      for (int i = 0; i < n; i++) {
        int client = i;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (long k = 0; running.get(); k++) {
                        try {
                          runtime
                              .embed("client " + client + " asks question " + k % 50)
                              .get(60, TimeUnit.SECONDS);
                          answered.incrementAndGet();
                        } catch (Exception e) {
                          throw new IllegalStateException(e);
                        }
                      }
                    }));
      }
    }

    /** Stops the clients and waits until each has its last answer. */
    long stop() {
      running.set(false);
      for (Thread t : threads) {
        try {
          t.join(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      return answered.get();
    }

    @Override
    public void close() {
      stop();
    }
  }

  private static String campaign(String constraints) {
    return """
        {"runtime": "embedded", "name": "live",
         "live": {"trustRegion": 0.2},
         "parameters": [
           {"name": "batch_size", "type": "ordinal", "values": [1, 2, 4, 8, 16, 32, 64]},
           {"name": "batch_timeout_ms", "type": "int", "min": 0, "max": 50}],
         "constraints": %s,
         "strategy": {"type": "random", "seed": 3},
         "budget": {"maxTrials": 5},
         "measurement": {"warmupSeconds": 0.5, "windowSeconds": 1.0, "sampleIntervalSeconds": 0.25,
                         "pruning": false},
         "promotion": {"roundsPerArm": 2, "roundWindowSeconds": 0.5, "watchSeconds": 1,
                       "watchIntervalSeconds": 0.5}}
        """
        .formatted(constraints);
  }

  private static double requestsCounted() throws Exception {
    return runtime.metrics().sample().counter(Metrics.SOURCE_REQUESTS).orElseThrow();
  }

  private static List<JsonNode> trials(String campaignId) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    http.get("/api/v1/campaigns/" + campaignId + "/trials").json().get("trials").forEach(out::add);
    return out;
  }

  @Test
  void aLiveCampaignTriesOnlyNeighboursAndSendsNoRequestOfItsOwn() throws Exception {
    runtime.apply(INCUMBENT);
    double before = requestsCounted();
    String id;
    long answered;
    try (Clients clients = new Clients(4)) {
      HttpJson.Response created = http.post("/api/v1/campaigns", campaign("[]"));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      id = created.json().get("id").asText();
      JsonNode done = http.awaitCampaignEnd(id, Duration.ofMinutes(3));
      assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
      assertThat(done.get("spec").get("live").get("trustRegion").asDouble()).isEqualTo(0.2);
      answered = clients.stop();
    }
    // Every request the runtime served came from the clients: the campaign generated none.
    assertThat(requestsCounted() - before).isEqualTo((double) answered);
    List<JsonNode> trials = trials(id);
    assertThat(trials).hasSize(5);
    for (JsonNode t : trials) {
      JsonNode c = t.get("configuration");
      // 7 levels: round(0.2 * 6) = 1 level either side of 8; timeout 2 of 0..50: at most +20 %.
      assertThat(c.get("batch_size").asLong()).as(t.toString()).isIn(4L, 8L, 16L);
      assertThat(c.get("batch_timeout_ms").asLong()).as(t.toString()).isBetween(0L, 13L);
      assertThat(t.get("status").asText()).as(t.toString()).isEqualTo("completed");
    }
  }

  @Test
  void anSloBreachEndsEachChallengerAtOnceAndTheIncumbentIsBackAfterwards() throws Exception {
    runtime.apply(INCUMBENT);
    Configuration incumbent = runtime.current();
    String id;
    try (Clients clients = new Clients(4)) {
      // No configuration of a CPU embedding model answers in 10 µs: every interval breaks it.
      HttpJson.Response created =
          http.post(
              "/api/v1/campaigns", campaign("[{\"metric\": \"latency_p95_ms\", \"max\": 0.01}]"));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      id = created.json().get("id").asText();
      JsonNode done = http.awaitCampaignEnd(id, Duration.ofMinutes(3));
      assertThat(done.get("message").asText()).contains("no feasible configuration found");
      assertThat(clients.stop()).as("the clients were served throughout").isPositive();
    }
    List<JsonNode> trials = trials(id);
    // The baseline is the incumbent itself: measured in full, found infeasible.
    assertThat(trials.get(0).get("status").asText()).isEqualTo("infeasible");
    for (JsonNode t : trials.subList(1, trials.size())) {
      assertThat(t.get("status").asText()).as(t.toString()).isIn("pruned", "failed");
      assertThat(t.get("reason").asText())
          .as(t.toString())
          .startsWith("SLO breach during warm-up: latency_p95_ms = ")
          .contains("incumbent restored");
      // Stopped at its first interval, during the warm-up, rather than measured in full.
      if (t.has("measurement")) {
        assertThat(t.get("measurement").get("report").get("end").asText()).isEqualTo("stopped");
      }
    }
    assertThat(runtime.current()).isEqualTo(incumbent);
  }
}
