package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.run.CampaignRunner;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Campaign listings count and pick the best trial in the store, and a campaign's trials can be read
 * page by page, newest first; both agree with reading every trial.
 */
class CampaignListingsTest {
  @TempDir static Path dataDir;
  private static Infertune service;
  private static HttpJson http;
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @BeforeAll
  static void start() throws Exception {
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
    TrialStore store = service.store();
    CampaignSpec spec =
        new CampaignRequests(service.runtimes())
            .parse(new ObjectMapper().readTree("{\"runtime\": \"embedded\"}"));
    for (String id : List.of("a", "b")) {
      store.createCampaign(
          Campaign.created(id, spec, "test", T0).finished(CampaignStatus.COMPLETED, "done", T0));
    }
    for (int n = 0; n < 25; n++) {
      store.saveTrial(trial("a", n));
    }
    store.saveTrial(trial("b", 0));
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /** Throughput rising and falling, every fifth infeasible, every seventh failed. */
  private static Trial trial(String campaign, int number) {
    Trial running = Trial.running(campaign, number, Configuration.of("batch_size", 8), false, T0);
    if (number % 7 == 6) {
      return running.ended(TrialStatus.FAILED, "crashed", T0.plusSeconds(1));
    }
    double rps = 100 + 10 * Math.sin(number);
    Measurement m =
        new Measurement(
            Map.of("throughput_rps", MetricSummary.ofValue(rps)), Duration.ofSeconds(10));
    Optional<String> violation = number % 5 == 4 ? Optional.of("too slow") : Optional.empty();
    return running.measured(m, rps, violation, T0.plusSeconds(1));
  }

  @Test
  void listingsCountTrialsAndPickTheBestAsTheRunnerDoes() throws Exception {
    JsonNode a = campaignJson("a");
    List<Trial> all = service.store().trials("a");
    assertThat(a.at("/progress/trialsFinished").asLong()).isEqualTo(25);
    assertThat(a.at("/progress/completed").asLong())
        .isEqualTo(all.stream().filter(t -> t.status() == TrialStatus.COMPLETED).count());
    assertThat(a.at("/progress/failed").asLong()).isEqualTo(3);
    assertThat(a.at("/progress/infeasible").asLong()).isEqualTo(5);
    Trial best =
        CampaignRunner.best(all, service.store().campaign("a").orElseThrow().spec().objective())
            .orElseThrow();
    assertThat(a.at("/bestTrial/id").asText()).isEqualTo(best.id());
    assertThat(http.get("/api/v1/campaigns/a").json().at("/bestTrial/id").asText())
        .isEqualTo(best.id());
    assertThat(campaignJson("b").at("/progress/trialsFinished").asLong()).isEqualTo(1);
  }

  private static JsonNode campaignJson(String id) throws Exception {
    for (JsonNode c : http.get("/api/v1/campaigns").json().get("campaigns")) {
      if (c.get("id").asText().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no campaign " + id + " listed");
  }

  @Test
  void withoutPagingEveryTrialComesInTheOrderTheyRan() throws Exception {
    JsonNode body = http.get("/api/v1/campaigns/a/trials").json();
    assertThat(numbers(body)).hasSize(25).isSorted();
    assertThat(body.has("nextBefore")).isFalse();
  }

  @Test
  void pagesGoNewestFirstUntilNoneIsLeft() throws Exception {
    List<Integer> seen = new ArrayList<>();
    String next = "/api/v1/campaigns/a/trials?limit=10";
    int pages = 0;
    while (next != null) {
      HttpJson.Response r = http.get(next);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      List<Integer> page = numbers(r.json());
      assertThat(page).hasSizeLessThanOrEqualTo(10).isSortedAccordingTo((x, y) -> y - x);
      seen.addAll(page);
      pages++;
      next =
          r.json().has("nextBefore")
              ? "/api/v1/campaigns/a/trials?limit=10&before=" + r.json().get("nextBefore").asInt()
              : null;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(25).doesNotHaveDuplicates().startsWith(24, 23).endsWith(0);
    assertThat(numbers(http.get("/api/v1/campaigns/a/trials?before=3").json()))
        .containsExactly(2, 1, 0);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "limit=0, limit",
    "limit=1001, limit",
    "limit=abc, limit",
    "limit=1.5, limit",
    "limit=99999999999999999999, limit",
    "before=-1, before",
    "before=x, before"
  })
  void badPagingParametersAreRefusedByName(String query, String field) throws Exception {
    HttpJson.Response r = http.get("/api/v1/campaigns/a/trials?" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("field").asText("") + " " + r.json().get("error").asText())
        .contains(field);
  }

  private static List<Integer> numbers(JsonNode body) {
    List<Integer> out = new ArrayList<>();
    body.get("trials").forEach(t -> out.add(t.get("number").asInt()));
    return out;
  }
}
