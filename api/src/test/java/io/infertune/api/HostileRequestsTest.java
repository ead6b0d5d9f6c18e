package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignStatus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Property: whatever malformed or hostile request reaches any route of the real service (bodies
 * broken in one place, junk bodies, unknown and tricky ids, wrong methods, bad query parameters,
 * lying content types), the answer is a 4xx JSON error that names the problem, never a 5xx, and the
 * store is exactly as it was (the audit log, which records refused calls by design, aside).
 */
class HostileRequestsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Valid bodies per route; the fixtures below are made from them, which proves them valid. */
  static final String CAMPAIGN =
      """
      {"runtime": "embedded", "name": "fuzz",
       "parameters": [
         {"name": "batch_size", "type": "ordinal", "values": [1, 2, 4, 8, 16]},
         {"name": "quantization", "type": "categorical", "values": ["fp32", "int8"]},
         {"name": "cache_entries", "type": "int", "min": 0, "max": 100000,
          "when": {"parent": "quantization", "values": ["int8"]}}],
       "objective": {"metric": "throughput_rps", "direction": "maximize"},
       "constraints": [{"metric": "accuracy", "min": 0.98}, {"metric": "latency_p95_ms", "max": 200}],
       "strategy": {"type": "random", "seed": 0},
       "budget": {"maxTrials": 20, "maxDurationSeconds": 600},
       "measurement": {"warmupSeconds": 3, "windowSeconds": 10, "sampleIntervalSeconds": 0.5,
                       "minWindowSeconds": 2, "targetRelativeHalfWidth": 0.05,
                       "warmupStableIntervals": 4, "warmupTolerance": 0.05,
                       "pruning": true, "remeasureIncumbentEvery": 5},
       "workload": {"mode": "closed_loop", "concurrency": 16, "ratePerSecond": 100,
                    "distinctInputs": 20000, "zipfExponent": 1.0, "seed": 1},
       "promotion": {"roundsPerArm": 5, "alpha": 0.05, "minRelativeImprovement": 0,
                     "watchSeconds": 60, "watchIntervalSeconds": 10}}
      """;

  static final String STUDY =
      """
      {"name": "fuzz study",
       "parameters": [{"name": "x", "type": "float", "min": 0, "max": 1},
                      {"name": "n", "type": "int", "min": 1, "max": 64, "log": true},
                      {"name": "q", "type": "categorical", "values": ["a", "b"]}],
       "objectives": [{"name": "y", "direction": "minimize"}],
       "constraints": [{"name": "acc", "min": 0.5}],
       "strategy": {"type": "random", "seed": 1},
       "expectedTrials": 20}
      """;

  static final String SCHEDULE =
      "{\"name\": \"fuzz schedule\", \"cron\": \"0 3 * * *\", \"zone\": \"Europe/Berlin\","
          + " \"template\": "
          + CAMPAIGN
          + ", \"enabled\": false, \"warmStart\": true}";

  private static final Map<String, String> EXAMPLES =
      Map.of(
          "POST /api/v1/campaigns",
          CAMPAIGN,
          "POST /api/v1/studies",
          STUDY,
          "POST /api/v1/studies/{id}/suggestions",
          "{\"count\": 2}",
          "POST /api/v1/studies/{id}/trials/{trialId}/complete",
          "{\"values\": {\"y\": 0.5}, \"metrics\": {\"acc\": 0.9}}",
          "POST /api/v1/schedules",
          SCHEDULE,
          "PUT /api/v1/schedules/{id}",
          SCHEDULE,
          "POST /api/v1/runtimes/{id}/config",
          "{\"configuration\": {\"batch_size\": 16, \"quantization\": \"int8\"},"
              + " \"reason\": \"fuzz\"}",
          "POST /api/v1/runtimes/{id}/rollback",
          "{\"reason\": \"fuzz\"}",
          "POST /api/v1/tokens",
          "{\"name\": \"fuzz-token\", \"role\": \"operator\"}");

  private static Path dataDir;
  private static Infertune service;
  private static HttpJson http;
  private static RawHttp raw;
  private static HostileRequests hostile;
  private static String study;
  private static String trial;
  private static String schedule;
  private static String campaign;
  private static List<String> fingerprint;
  private static final AtomicInteger sent = new AtomicInteger();

  @BeforeContainer
  static void start() throws Exception {
    dataDir = Files.createTempDirectory("infertune-fuzz");
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
    raw = new RawHttp(service.port());
    study = created(http.post("/api/v1/studies", STUDY));
    trial =
        http.post("/api/v1/studies/" + study + "/suggestions", "{\"count\": 1}")
            .json()
            .at("/trials/0/id")
            .asText();
    schedule = created(http.post("/api/v1/schedules", SCHEDULE));
    // A finished campaign, stored directly: stop and resume must refuse it (409) without writing.
    Instant now = Instant.now();
    Campaign finished =
        Campaign.created(
                "fuzz-campaign",
                new CampaignRequests(service.runtimes()).parse(MAPPER.readTree(CAMPAIGN)),
                "fuzz",
                now)
            .finished(CampaignStatus.COMPLETED, "fixture", now);
    service.store().createCampaign(finished);
    campaign = finished.id();

    JsonNode document;
    try (InputStream in = HostileRequestsTest.class.getResourceAsStream("/openapi.yaml")) {
      document = new YAMLMapper().readTree(in);
    }
    hostile =
        new HostileRequests(
            document,
            routes(document),
            Map.of(
                "runtimes", "embedded",
                "studies", study,
                "trials", trial,
                "schedules", schedule,
                "campaigns", campaign),
            EXAMPLES);
    fingerprint = fingerprint();
  }

  @AfterContainer
  static void stop() throws Exception {
    try {
      // The service survived all of it and still answers.
      assertThat(http.get("/health").status()).isEqualTo(200);
      assertThat(sent.get()).isGreaterThanOrEqualTo(1000);
    } finally {
      service.close();
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String created(HttpJson.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  /**
   * Every route the router serves (static pages aside), with its operation in the document when
   * documented; documented operations that this router does not mount are fuzzed too (they must
   * answer 404 JSON here).
   */
  private static List<HostileRequests.Route> routes(JsonNode document) {
    List<HostileRequests.Route> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (io.vertx.ext.web.Route r : service.api().router().getRoutes()) {
      String path = r.getPath();
      if (path == null || r.methods() == null || path.equals("/") || path.startsWith("/ui/")) {
        continue;
      }
      if (path.startsWith("/webjars/") || path.startsWith("/docs")) {
        continue;
      }
      String template = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      for (io.vertx.core.http.HttpMethod m : r.methods()) {
        if (seen.add(m.name() + " " + template)) {
          out.add(
              new HostileRequests.Route(
                  m.name(), template, operation(document, m.name(), template)));
        }
      }
    }
    document
        .path("paths")
        .properties()
        .forEach(
            p ->
                p.getValue()
                    .properties()
                    .forEach(
                        op -> {
                          String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                          if (seen.add(method + " " + p.getKey())) {
                            out.add(
                                new HostileRequests.Route(
                                    method, p.getKey(), Optional.of(op.getValue())));
                          }
                        }));
    assertThat(out).hasSizeGreaterThan(25);
    return out;
  }

  private static Optional<JsonNode> operation(JsonNode document, String method, String template) {
    JsonNode op =
        document.path("paths").path(template).path(method.toLowerCase(java.util.Locale.ROOT));
    return op.isMissingNode() ? Optional.empty() : Optional.of(op);
  }

  /** What the store holds, as the API shows it: every write the fuzz must not make shows here. */
  private static List<String> fingerprint() throws Exception {
    return List.of(
        http.get("/api/v1/campaigns").body(),
        http.get("/api/v1/campaigns/" + campaign + "/trials").body(),
        http.get("/api/v1/studies").body(),
        http.get("/api/v1/studies/" + study + "/trials").body(),
        http.get("/api/v1/schedules").body(),
        http.get("/api/v1/runtimes/embedded/deployments").body(),
        http.get("/api/v1/runtimes/embedded").json().get("current").toString(),
        // No token made: one would also turn authentication on for every request after it.
        http.get("/api/v1/tokens").body());
  }

  /**
   * {@code curl -d} labels its body a form: a JSON document over Netty's 1 KiB form buffer, with a
   * {@code %} that is no escape, is still read as JSON (here, refused by name for its misspelt
   * member, which proves it was read).
   */
  @Example
  void aJsonBodyLabelledAsAFormIsReadAsJson() throws Exception {
    String body =
        SCHEDULE
            .replace("\"fuzz schedule\"", "\"50% better, %zz\"")
            .replace("\"maxTrials\"", "\"maxTrails\"");
    assertThat(body.length()).isGreaterThan(1024);
    RawHttp.Response r =
        raw.send(
            "PUT",
            "/api/v1/schedules/" + schedule,
            Optional.of("application/x-www-form-urlencoded"),
            body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(MAPPER.readTree(r.body()).path("field").asText())
        .isEqualTo("template.budget.maxTrails");
    RawHttp.Response multipart =
        raw.send(
            "POST",
            "/api/v1/studies/" + study + "/suggestions",
            Optional.of("multipart/form-data; boundary=x"),
            "{\"count\": 1}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(multipart.status()).as(multipart.body()).isEqualTo(415);
    assertThat(fingerprint()).isEqualTo(fingerprint);
  }

  @Provide
  Arbitrary<HostileRequests.Hostile> hostileRequests() {
    return Arbitraries.randomValue(random -> hostile.next(random));
  }

  @Property(tries = 1200, shrinking = ShrinkingMode.OFF, seed = "20261202")
  void hostileRequestsAreRefusedWithoutAWrite(@ForAll("hostileRequests") HostileRequests.Hostile h)
      throws Exception {
    sent.incrementAndGet();
    Statistics.label("kind").collect(h.kind().replaceFirst(" \\(.*", ""));
    RawHttp.Response r = raw.send(h.method(), h.target(), h.contentType(), h.body());
    assertThat(r.status()).as("status of %s: %s", h, r.body()).isBetween(400, 499);
    assertThat(r.contentType())
        .as("content type of %s", h)
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode error = MAPPER.readTree(r.body());
    assertThat(error.path("error").asText()).as("error of %s: %s", h, r.body()).isNotBlank();
    assertThat(error.has("field")).as("field of %s: %s", h, r.body()).isTrue();
    h.namedField()
        .filter(f -> r.status() != 415) // a multipart body is refused before it is read
        .ifPresent(
            expected -> {
              String field = error.path("field").asText("");
              String last = expected.replaceAll(".*[.\\]]", "");
              boolean named =
                  (!field.isEmpty() && (expected.startsWith(field) || field.startsWith(expected)))
                      || error.path("error").asText().contains(last);
              assertThat(named).as("%s names %s: %s", h, expected, r.body()).isTrue();
            });
    assertThat(fingerprint()).as("store after %s", h).isEqualTo(fingerprint);
  }
}
