package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile and sloppy bodies on every writing endpoint: too large (413), not UTF-8, nested without
 * end, numbers JSON cannot hold, members nobody knows: always a 4xx JSON error naming the problem,
 * and nothing written.
 */
class RequestHardeningTest {
  // One service for the class: starting one extracts the model files into its data dir.
  @TempDir static Path dataDir;
  private static Infertune service;
  private static HttpJson http;
  private static String study;
  private static String trial;
  private List<String> before;

  private static final String STUDY =
      """
      {"name": "s", "parameters": [{"name": "x", "type": "float", "min": 0, "max": 1}],
       "objectives": [{"name": "y", "direction": "minimize"}]}
      """;
  private static final String TEMPLATE = "{\"runtime\": \"embedded\"}";

  @BeforeAll
  static void start() throws Exception {
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());
    study = http.post("/api/v1/studies", STUDY).json().get("id").asText();
    trial =
        http.post("/api/v1/studies/" + study + "/suggestions", "{\"count\": 1}")
            .json()
            .at("/trials/0/id")
            .asText();
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  /**
   * What the store shows through the API: campaigns, studies and trials, schedules, deployments.
   */
  private static List<String> state() throws Exception {
    return List.of(
        http.get("/api/v1/campaigns").body(),
        http.get("/api/v1/studies").body(),
        http.get("/api/v1/studies/" + study + "/trials").body(),
        http.get("/api/v1/schedules").body(),
        http.get("/api/v1/runtimes/embedded/deployments").body(),
        http.get("/api/v1/runtimes/embedded").json().get("current").toString());
  }

  @BeforeEach
  void snapshot() throws Exception {
    before = state();
  }

  @AfterEach
  void nothingWasWritten() throws Exception {
    assertThat(state()).isEqualTo(before);
  }

  private static String path(String template) {
    return template.replace("{study}", study).replace("{trial}", trial);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          /api/v1/campaigns | {"runtime": "embedded", "colour": 1} | colour
          /api/v1/campaigns | {"runtime": "embedded", "budget": {"maxTrails": 3}} | budget.maxTrails
          /api/v1/campaigns | {"runtime": "embedded", "workload": {"concurency": 4}} | workload.concurency
          /api/v1/campaigns | {"runtime": "embedded", "parameters": [{"name": "batch_size", "type": "ordinal", "values": [1, 2], "stepp": 1}]} | parameters[0].stepp
          /api/v1/campaigns | {"runtime": "embedded", "constraints": [{"metric": "accuracy", "min": 0.9, "minimum": 1}]} | constraints[0].minimum
          /api/v1/studies | {"name": "s", "parameters": [{"name": "x", "type": "float", "min": 0, "max": 1}], "objectives": [{"name": "y", "direction": "minimize"}], "expectedTrails": 5} | expectedTrails
          /api/v1/studies | {"name": "s", "parameters": [{"name": "x", "type": "float", "min": 0, "max": 1}], "objectives": [{"name": "y", "direction": "minimize", "goal": 0}]} | objectives[0].goal
          /api/v1/studies/{study}/suggestions | {"count": 1, "n": 2} | n
          /api/v1/studies/{study}/trials/{trial}/complete | {"values": {"y": 1}, "extra": true} | extra
          /api/v1/runtimes/embedded/config | {"configuration": {"batch_size": 8}, "why": "x"} | why
          /api/v1/runtimes/embedded/rollback | {"reson": "x"} | reson
          /api/v1/schedules | {"name": "n", "cron": "0 3 * * *", "template": {"runtime": "embedded"}, "enable": true} | enable
          /api/v1/schedules | {"name": "n", "cron": "0 3 * * *", "template": {"runtime": "embedded", "budget": {"maxTrails": 2}}} | template.budget.maxTrails
          """)
  void unknownMembersAreRefusedByName(String path, String body, String field) throws Exception {
    HttpJson.Response r = http.post(path(path), body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("field").asText()).isEqualTo(field);
    // A template's errors name the field under "template." and say it relative to the template.
    assertThat(r.json().get("error").asText())
        .contains(field.replaceFirst("^template\\.", "") + " is not a known member");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          /api/v1/campaigns | {"runtime": "embedded", "budget": {"maxTrials": 1e999}} | budget.maxTrials
          /api/v1/campaigns | {"runtime": "embedded", "budget": {"maxTrials": 123456789012345678901234567890}} | budget.maxTrials
          /api/v1/campaigns | {"runtime": "embedded", "measurement": {"windowSeconds": 1e999}} | measurement.windowSeconds
          /api/v1/campaigns | {"runtime": "embedded", "measurement": {"windowSeconds": 1e300}} | measurement.windowSeconds
          /api/v1/campaigns | {"runtime": "embedded", "strategy": {"type": "random", "seed": 1e40}} | strategy.seed
          /api/v1/campaigns | {"runtime": "embedded", "workload": {"ratePerSecond": -1e999}} | workload.ratePerSecond
          /api/v1/studies/{study}/suggestions | {"count": 1e999} | count
          /api/v1/studies/{study}/suggestions | {"count": 99999999999999999999} | count
          /api/v1/studies/{study}/trials/{trial}/complete | {"values": {"y": 1e999}} | values.y
          /api/v1/runtimes/embedded/config | {"configuration": {"batch_size": 1e999}} | configuration.batch_size
          /api/v1/runtimes/embedded/config | {"configuration": {"batch_size": 18446744073709551617}} | configuration.batch_size
          """)
  void numbersBeyondRangeAreRefusedByName(String path, String body, String field) throws Exception {
    HttpJson.Response r = http.post(path(path), body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("field").asText()).isEqualTo(field);
  }

  @Test
  void nanAndInfinityAreNotJson() throws Exception {
    for (String body :
        new String[] {
          "{\"runtime\": \"embedded\", \"budget\": {\"maxTrials\": NaN}}",
          "{\"runtime\": \"embedded\", \"budget\": {\"maxTrials\": Infinity}}",
          "{\"runtime\": \"embedded\", \"budget\": {\"maxTrials\": -Infinity}}"
        }) {
      HttpJson.Response r = http.post("/api/v1/campaigns", body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.json().get("error").asText()).contains("the body is not valid JSON");
    }
  }

  @Test
  void aBodyOverTheLimitIs413WithJson() throws Exception {
    byte[] big = new byte[(int) ApiVerticle.MAX_BODY_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    for (String p : new String[] {"/api/v1/campaigns", "/api/v1/studies", "/api/v1/schedules"}) {
      HttpJson.Response r = http.postBytes(p, big);
      assertThat(r.status()).as(p).isEqualTo(413);
      assertThat(r.json().get("error").asText())
          .contains("larger than " + ApiVerticle.MAX_BODY_BYTES);
    }
  }

  @Test
  void bodiesThatAreNotUtf8Are400() throws Exception {
    byte[][] bad = {
      {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '(', '"', '}'}, // a broken two-byte sequence
      {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}, // an overlong '/'
      {
        '{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'
      }, // a surrogate
      {'{', '"', 'a', '"', ':', '"', (byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, '"', '}'},
      {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82} // cut off
    };
    for (String p :
        new String[] {
          "/api/v1/campaigns",
          "/api/v1/studies",
          "/api/v1/schedules",
          "/api/v1/runtimes/embedded/config",
          path("/api/v1/studies/{study}/suggestions")
        }) {
      for (byte[] body : bad) {
        HttpJson.Response r = http.postBytes(p, body);
        assertThat(r.status()).as(p).isEqualTo(400);
        assertThat(r.json().get("error").asText())
            .isEqualTo(r.json().get("error").asText())
            .contains("the body is not valid UTF-8");
        assertThat(r.json().get("field").isNull()).isTrue();
      }
    }
  }

  @Test
  void deeplyNestedBodiesAre400NamingTheBody() throws Exception {
    String arrays = "[".repeat(10_000) + "]".repeat(10_000);
    String objects = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
    String inTemplate = "{\"name\": \"n\", \"cron\": \"0 3 * * *\", \"template\": " + arrays + "}";
    for (String[] c :
        new String[][] {
          {"/api/v1/campaigns", arrays},
          {"/api/v1/campaigns", objects},
          {"/api/v1/studies", objects},
          {"/api/v1/schedules", inTemplate},
          {"/api/v1/runtimes/embedded/config", "{\"configuration\": " + objects + "}"}
        }) {
      HttpJson.Response r = http.post(c[0], c[1]);
      assertThat(r.status()).as(c[0]).isEqualTo(400);
      assertThat(r.json().get("error").asText())
          .contains("the body")
          .contains("nested deeper than " + RequestBodies.MAX_NESTING_DEPTH);
    }
    // Nesting within the limit is only as wrong as its content.
    String shallow =
        "{\"runtime\": \"embedded\", \"name\": " + "[".repeat(20) + "]".repeat(20) + "}";
    HttpJson.Response r = http.post("/api/v1/campaigns", shallow);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("field").asText()).isEqualTo("name");
  }

  @Test
  void theStrictDecoderAcceptsRealUtf8() throws Exception {
    String body = STUDY.replace("\"name\": \"s\"", "\"name\": \"Größe ✓ 𝛼\"");
    HttpJson.Response r = http.postBytes("/api/v1/studies", body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonNode created = r.json();
    assertThat(created.get("name").asText()).isEqualTo("Größe ✓ 𝛼");
    // This test writes: the snapshot is taken again so that the check after it holds.
    before = state();
  }
}
