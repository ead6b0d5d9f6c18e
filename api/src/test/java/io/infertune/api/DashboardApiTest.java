package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's server side over real HTTP: one small campaign on the embedded runtime, watched
 * through its event stream and the stream of every campaign while it runs, then exported; the page
 * and its libraries served from the class path.
 */
class DashboardApiTest {
  @TempDir static Path dataDir;
  private static Infertune service;
  private static HttpJson http;
  private static String campaignId;
  private static List<Sse> campaignStream;
  private static final List<Sse> allStream = new CopyOnWriteArrayList<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Three short trials, two A/B rounds per arm of half a second, no watch: done in seconds. */
  static final String CAMPAIGN =
      """
      {"runtime": "embedded", "name": "sse",
       "parameters": [{"name": "batch_size", "type": "ordinal", "values": [1, 4, 16]}],
       "strategy": {"type": "random", "seed": 1},
       "budget": {"maxTrials": 3},
       "measurement": {"warmupSeconds": 0.2, "windowSeconds": 0.5, "sampleIntervalSeconds": 0.25},
       "promotion": {"roundsPerArm": 2, "roundWindowSeconds": 0.5, "watchSeconds": 0},
       "workload": {"concurrency": 4}}
      """;

  /** One server-sent event as a client sees it. */
  record Sse(String id, String type, JsonNode data) {}

  @BeforeAll
  static void runOneCampaignWhileWatchingIt() throws Exception {
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
    // Every campaign's stream, open before the campaign starts; read on a thread of its own.
    HttpResponse<java.io.InputStream> all = open("/api/v1/events", null);
    assertThat(all.statusCode()).isEqualTo(200);
    Thread.ofVirtual().start(() -> readEvents(all, allStream));

    HttpJson.Response created = http.post("/api/v1/campaigns", CAMPAIGN);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    campaignId = created.json().get("id").asText();
    HttpResponse<java.io.InputStream> one =
        open("/api/v1/campaigns/" + campaignId + "/events", null);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<Sse> events = new ArrayList<>();
    // The stream ends by itself after the campaign's last event: reading it to its end is waiting.
    CompletableFuture<Void> read = CompletableFuture.runAsync(() -> readEvents(one, events));
    read.get(3, TimeUnit.MINUTES);
    campaignStream = events;
    // The other stream is read on another thread: wait until it has the campaign's end too.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (allStream.stream().noneMatch(e -> e.type().equals("campaign-finished"))) {
      assertThat(System.nanoTime()).as("the end on every campaign's stream").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static HttpResponse<java.io.InputStream> open(String path, String lastEventId)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
            .header("accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("last-event-id", lastEventId);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Reads events until the stream ends (or the connection is closed). */
  private static void readEvents(HttpResponse<java.io.InputStream> response, List<Sse> into) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String type = "message";
      StringBuilder data = new StringBuilder();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            into.add(new Sse(id, type, JSON.readTree(data.toString())));
          }
          id = null;
          type = "message";
          data.setLength(0);
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
    } catch (java.io.IOException e) {
      // The service closed the connection at the end of the test class.
    }
  }

  private static JsonNode trials() throws Exception {
    return http.get("/api/v1/campaigns/" + campaignId + "/trials").json().get("trials");
  }

  @Test
  void aCampaignsStreamStartsWithASnapshotFollowsEveryTrialAndEndsWithTheCampaign()
      throws Exception {
    assertThat(campaignStream).isNotEmpty();
    assertThat(campaignStream.get(0).type()).isEqualTo("snapshot");
    assertThat(campaignStream.get(0).data().get("campaign").get("id").asText())
        .isEqualTo(campaignId);
    Sse last = campaignStream.get(campaignStream.size() - 1);
    assertThat(last.type()).isEqualTo("campaign-finished");
    assertThat(last.data().get("campaign").get("status").asText()).isEqualTo("completed");

    // Every stored trial reached the client, from the snapshot or as a live event.
    Set<String> seen = new HashSet<>();
    campaignStream
        .get(0)
        .data()
        .get("trials")
        .forEach(
            t -> {
              if (!t.get("status").asText().equals("running")) {
                seen.add(t.get("id").asText());
              }
            });
    campaignStream.stream()
        .filter(e -> e.type().equals("trial-finished"))
        .forEach(e -> seen.add(e.data().get("trial").get("id").asText()));
    Set<String> stored = new HashSet<>();
    trials().forEach(t -> stored.add(t.get("id").asText()));
    assertThat(stored).hasSize(3);
    assertThat(seen).isEqualTo(stored);
    // Live: the campaign had not finished its trials when the client connected.
    assertThat(campaignStream).anyMatch(e -> e.type().equals("trial-finished"));
    for (Sse e : campaignStream) {
      assertThat(e.data().get("campaignId").asText()).isEqualTo(campaignId);
      assertThat(e.id()).as(e.type()).isNotBlank();
    }
  }

  @Test
  void theStreamOfEveryCampaignCarriedThisOnesEventsInOrder() {
    assertThat(allStream.get(0).type()).isEqualTo("hello");
    List<String> types =
        allStream.stream()
            .filter(e -> e.data().path("campaignId").asText().equals(campaignId))
            .map(Sse::type)
            .toList();
    assertThat(types.get(0)).isEqualTo("campaign-started");
    assertThat(types.stream().filter(t -> t.equals("trial-started")).count()).isEqualTo(3);
    assertThat(types.stream().filter(t -> t.equals("trial-finished")).count()).isEqualTo(3);
    assertThat(types).contains("campaign-finished");
    List<Long> sequence =
        allStream.stream()
            .skip(1)
            .map(e -> Long.parseLong(e.id().substring(e.id().lastIndexOf('-') + 1)))
            .toList();
    assertThat(sequence).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void anEndedCampaignsStreamGivesItsSnapshotAndItsEndAtOnce() throws Exception {
    List<Sse> events = new ArrayList<>();
    CompletableFuture.runAsync(
            () -> {
              try {
                readEvents(open("/api/v1/campaigns/" + campaignId + "/events", null), events);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .get(30, TimeUnit.SECONDS);
    assertThat(events).extracting(Sse::type).containsExactly("snapshot", "campaign-finished");
    assertThat(events.get(0).data().get("trials")).hasSize(3);
    assertThat(events.get(0).data().get("campaign").get("progress").get("trialsFinished").asInt())
        .isEqualTo(3);
  }

  @Test
  void aClientReconnectingToEveryCampaignsStreamGetsWhatItMissed() throws Exception {
    String before = allStream.get(0).id();
    HttpResponse<java.io.InputStream> again = open("/api/v1/events", before);
    List<Sse> replayed = new ArrayList<>();
    // The replay comes at once; then the stream stays open: read until the replay's length.
    Thread reader = Thread.ofVirtual().start(() -> readEvents(again, replayed));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int expected = allStream.size() - 1;
    while (replayed.size() < expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    again.body().close();
    reader.interrupt();
    assertThat(replayed.stream().map(Sse::id).toList())
        .containsExactlyElementsOf(allStream.stream().skip(1).map(Sse::id).toList());
  }

  @Test
  void anUnknownCampaignsStreamIsA404WithAJsonError() throws Exception {
    HttpJson.Response r = http.get("/api/v1/campaigns/nope/events");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).contains("nope");
  }

  @Test
  void theTrialsExportAsCsvWithOneRowPerTrialAndTheKnobsAndMetricsAsColumns() throws Exception {
    HttpJson.Response r = http.get("/api/v1/campaigns/" + campaignId + "/export?format=csv");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw().headers().firstValue("content-type")).hasValue("text/csv; charset=utf-8");
    assertThat(r.raw().headers().firstValue("content-disposition"))
        .hasValueSatisfying(v -> assertThat(v).contains("campaign-" + campaignId + "-trials.csv"));
    MappingIterator<Map<String, String>> rows =
        new CsvMapper()
            .readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(r.body());
    List<Map<String, String>> all = rows.readAll();
    JsonNode trials = trials();
    assertThat(all).hasSize(trials.size());
    for (int i = 0; i < all.size(); i++) {
      Map<String, String> row = all.get(i);
      JsonNode t = trials.get(i);
      assertThat(row.get("id")).isEqualTo(t.get("id").asText());
      assertThat(row.get("status")).isEqualTo(t.get("status").asText());
      assertThat(row.get("knob.batch_size"))
          .isEqualTo(t.get("configuration").get("batch_size").asText());
      assertThat(Double.parseDouble(row.get("throughput_rps")))
          .isEqualTo(
              t.get("measurement").get("metrics").get("throughput_rps").get("mean").asDouble());
    }
    assertThat(all.get(0).get("baseline")).isEqualTo("true");
    assertThat(all.get(0).keySet())
        .contains("objective", "objective_ci_low", "reason", "accuracy", "latency_p95_ms");
    assertThat(Double.parseDouble(all.get(0).get("latency_p95_ms")))
        .isEqualTo(
            trials
                .get(0)
                .get("measurement")
                .get("metrics")
                .get("latency_ms")
                .get("p95")
                .asDouble());
  }

  @Test
  void theTrialsExportAsJsonWithTheCampaign() throws Exception {
    HttpJson.Response r = http.get("/api/v1/campaigns/" + campaignId + "/export");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("campaign").get("id").asText()).isEqualTo(campaignId);
    assertThat(r.json().get("trials")).isEqualTo(trials());
    assertThat(http.get("/api/v1/campaigns/" + campaignId + "/export?format=JSON").status())
        .isEqualTo(200);
  }

  @Test
  void anExportInAnUnknownFormatOrOfAnUnknownCampaignIsRefused() throws Exception {
    HttpJson.Response bad = http.get("/api/v1/campaigns/" + campaignId + "/export?format=xml");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("field").asText()).isEqualTo("format");
    assertThat(http.get("/api/v1/campaigns/nope/export?format=csv").status()).isEqualTo(404);
  }

  @Test
  void aRuntimesMetricsAreOneSampleOfItsSource() throws Exception {
    JsonNode first = http.get("/api/v1/runtimes/embedded/metrics").json();
    assertThat(first.get("runtime").asText()).isEqualTo("embedded");
    // The campaign sent requests: the embedded runtime counted them.
    assertThat(first.get("counters").get("requests").asDouble()).isPositive();
    assertThat(first.get("histograms").get("request_latency_seconds").get("count").asLong())
        .isPositive();
    JsonNode second = http.get("/api/v1/runtimes/embedded/metrics").json();
    assertThat(second.get("seconds").asDouble()).isGreaterThan(first.get("seconds").asDouble());
    assertThat(http.get("/api/v1/runtimes/nope/metrics").status()).isEqualTo(404);
  }

  @Test
  void thePageAndItsLibrariesComeFromTheService() throws Exception {
    HttpJson.Response page = http.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.raw().headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.body())
        .contains("/webjars/echarts/5.3.1/dist/echarts.min.js")
        .contains("/ui/app.js")
        .doesNotContain("https://")
        .doesNotContain("http://");
    HttpJson.Response echarts = http.get("/webjars/echarts/5.3.1/dist/echarts.min.js");
    assertThat(echarts.status()).isEqualTo(200);
    assertThat(echarts.body()).contains("echarts");
    for (String file : List.of("app.js", "api.js", "charts.js", "stats.js", "style.css")) {
      assertThat(http.get("/ui/" + file).status()).as(file).isEqualTo(200);
    }
    assertThat(http.get("/ui/missing.js").status()).isEqualTo(404);
  }
}
