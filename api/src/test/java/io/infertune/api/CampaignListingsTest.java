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
    // Seven more for paging, one a second after the other, on two runtimes, two of them running.
    for (int i = 0; i < 7; i++) {
      CampaignSpec s = i % 3 == 0 ? spec.withRuntime("elsewhere") : spec;
      Campaign c = Campaign.created("p" + i, s, "test", T0.plusSeconds(10 + i));
      store.createCampaign(i % 4 == 1 ? c.withStatus(CampaignStatus.RUNNING) : c);
    }
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

  @Test
  void theListingHoldsSummariesWithoutSpecs() throws Exception {
    JsonNode a = campaignJson("a");
    Campaign stored = service.store().campaign("a").orElseThrow();
    assertThat(a.has("spec")).isFalse();
    assertThat(a.get("name").asText()).isEqualTo(stored.spec().name());
    assertThat(a.get("runtime").asText()).isEqualTo("embedded");
    assertThat(a.get("strategy").asText()).isEqualTo(stored.spec().strategy().type());
    assertThat(a.at("/objective/metric").asText()).isEqualTo(stored.spec().objective().metric());
    assertThat(a.get("status").asText()).isEqualTo("completed");
    assertThat(a.get("message").asText()).isEqualTo("done");
    // The best trial's number, value and configuration, not its whole measurement.
    assertThat(a.at("/bestTrial/configuration/batch_size").asInt()).isEqualTo(8);
    assertThat(a.at("/bestTrial/objectiveValue").isNumber()).isTrue();
    assertThat(a.get("bestTrial").has("measurement")).isFalse();
  }

  @Test
  void campaignPagesFollowNextBeforeToTheOldestWithoutGapsOrRepeats() throws Exception {
    List<String> expected = service.store().campaigns().stream().map(Campaign::id).toList();
    List<String> seen = new ArrayList<>();
    String next = "/api/v1/campaigns?limit=3";
    while (next != null) {
      JsonNode page = http.get(next).json();
      assertThat(page.get("campaigns").size()).isBetween(1, 3);
      page.get("campaigns").forEach(c -> seen.add(c.get("id").asText()));
      next =
          page.has("nextBefore")
              ? "/api/v1/campaigns?limit=3&before=" + page.get("nextBefore").asText()
              : null;
    }
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(seen.subList(0, 3)).containsExactly("p6", "p5", "p4");
  }

  @Test
  void campaignsFilterByStatusAndRuntime() throws Exception {
    assertThat(ids("/api/v1/campaigns?runtime=elsewhere")).containsExactly("p6", "p3", "p0");
    assertThat(ids("/api/v1/campaigns?status=running")).containsExactly("p5", "p1");
    assertThat(ids("/api/v1/campaigns?status=running&runtime=elsewhere")).isEmpty();
    assertThat(ids("/api/v1/campaigns?runtime=elsewhere&limit=1&before=p6")).containsExactly("p3");
    assertThat(ids("/api/v1/campaigns?runtime=nowhere")).isEmpty();
  }

  private static List<String> ids(String path) throws Exception {
    HttpJson.Response r = http.get(path);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().get("campaigns").forEach(c -> out.add(c.get("id").asText()));
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "limit=0, limit",
    "limit=1001, limit",
    "limit=x, limit",
    "status=done, status",
    "status=, status",
    "before=nope, before",
    "runtime=, runtime"
  })
  void badCampaignListingParametersAreRefusedByName(String query, String field) throws Exception {
    HttpJson.Response r = http.get("/api/v1/campaigns?" + query);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("field").asText()).isEqualTo(field);
  }

  @Test
  void aKeptListingIsServedUntilTheStoreChangesAndRevalidatesByETag() throws Exception {
    double hitsBefore = cacheRequests("hit");
    HttpJson.Response first = http.get("/api/v1/campaigns?limit=5");
    String etag = first.raw().headers().firstValue("etag").orElseThrow();
    HttpJson.Response again = http.get("/api/v1/campaigns?limit=5");
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.raw().headers().firstValue("etag")).contains(etag);
    HttpJson.Response unchanged = http.get("/api/v1/campaigns?limit=5", "if-none-match", etag);
    assertThat(unchanged.status()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();
    assertThat(cacheRequests("hit")).isGreaterThanOrEqualTo(hitsBefore + 2);

    // A write through the store shows at the very next read, with a new ETag; one miss counted.
    double missesBefore = cacheRequests("miss");
    service.store().saveTrial(trial("p4", 0));
    HttpJson.Response changed = http.get("/api/v1/campaigns?limit=5", "if-none-match", etag);
    assertThat(cacheRequests("miss")).isEqualTo(missesBefore + 1);
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.raw().headers().firstValue("etag")).isPresent().get().isNotEqualTo(etag);
    JsonNode p4 = changed.json().get("campaigns").get(2);
    assertThat(p4.get("id").asText()).isEqualTo("p4");
    assertThat(p4.at("/progress/trialsFinished").asInt()).isEqualTo(1);
    assertThat(http.get("/api/v1/campaigns/p4/trials").json().get("trials")).hasSize(1);
  }

  private static double cacheRequests(String result) throws Exception {
    for (String line : http.get("/metrics").body().split("\n")) {
      if (line.startsWith("infertune_listing_cache_requests_total{")
          && line.contains("result=\"" + result + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no listing cache counter for " + result);
  }

  private static List<Integer> numbers(JsonNode body) {
    List<Integer> out = new ArrayList<>();
    body.get("trials").forEach(t -> out.add(t.get("number").asInt()));
    return out;
  }
}
