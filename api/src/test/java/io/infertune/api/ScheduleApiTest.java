package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Schedules over real HTTP on loopback, stored in the real H2 file database: created, listed,
 * replaced and deleted; bad input refused naming the field (the template's fields under {@code
 * template.}); kept across a restart. The schedules here fire only on 29 February (the next is in
 * 2028), so the service's own timer starts no campaign during the test.
 */
class ScheduleApiTest {
  // One service for the class: starting one extracts the model files (100 MB) into its data dir.
  @TempDir static Path dataDir;
  private static Infertune service;
  private static HttpJson http;

  private static final String LEAP_DAY = "0 0 29 2 *";
  private static final String TEMPLATE =
      """
      {"runtime": "embedded", "budget": {"maxTrials": 6},
       "parameters": [{"name": "batch_size", "type": "ordinal", "values": [8, 16, 32]}]}
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

  private static String body(String name, String cron, String zone) {
    return """
        {"name": "%s", "cron": "%s", "zone": "%s", "template": %s}
        """
        .formatted(name, cron, zone, TEMPLATE);
  }

  private String create(String body) throws Exception {
    HttpJson.Response r = http.post("/api/v1/schedules", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().get("id").asText();
    assertThat(r.raw().headers().firstValue("location")).contains("/api/v1/schedules/" + id);
    return id;
  }

  private int count() throws Exception {
    return http.get("/api/v1/schedules").json().get("schedules").size();
  }

  @Test
  void aScheduleIsCreatedReadListedReplacedAndDeleted() throws Exception {
    HttpJson.Response created =
        http.post("/api/v1/schedules", body("nightly batch", LEAP_DAY, "Europe/Berlin"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode s = created.json();
    String id = s.get("id").asText();
    assertThat(s.get("name").asText()).isEqualTo("nightly batch");
    assertThat(s.get("cron").asText()).isEqualTo(LEAP_DAY);
    assertThat(s.get("zone").asText()).isEqualTo("Europe/Berlin");
    assertThat(s.get("template")).isEqualTo(new ObjectMapper().readTree(TEMPLATE));
    assertThat(s.get("enabled").asBoolean()).isTrue();
    assertThat(s.get("warmStart").asBoolean()).isTrue();
    assertThat(s.get("retuneOnDrift").asBoolean()).as("off unless asked").isFalse();
    assertThat(s.has("lastRunAt")).isFalse();
    // Midnight of a 29 February in Berlin, after now.
    Instant next = Instant.parse(s.get("nextRunAt").asText());
    ZonedDateTime local = next.atZone(ZoneId.of("Europe/Berlin"));
    assertThat(next).isAfter(Instant.parse(s.get("createdAt").asText()));
    assertThat(local.getMonthValue()).isEqualTo(2);
    assertThat(local.getDayOfMonth()).isEqualTo(29);
    assertThat(local.getHour()).isZero();

    assertThat(http.get("/api/v1/schedules/" + id).json()).isEqualTo(s);
    assertThat(http.get("/api/v1/schedules").json().get("schedules")).contains(s);

    HttpJson.Response replaced =
        http.put(
            "/api/v1/schedules/" + id,
            """
            {"name": "hourly, paused", "cron": "0 * * * *", "enabled": false, "warmStart": false,
             "retuneOnDrift": true, "template": {"runtime": "embedded"}}
            """);
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    JsonNode r = replaced.json();
    assertThat(r.get("id").asText()).isEqualTo(id);
    assertThat(r.get("name").asText()).isEqualTo("hourly, paused");
    assertThat(r.get("zone").asText()).as("the default zone").isEqualTo("UTC");
    assertThat(r.get("enabled").asBoolean()).isFalse();
    assertThat(r.get("warmStart").asBoolean()).isFalse();
    assertThat(r.get("retuneOnDrift").asBoolean()).isTrue();
    assertThat(r.has("nextRunAt")).as("disabled").isFalse();
    assertThat(r.get("createdAt")).isEqualTo(s.get("createdAt"));
    assertThat(http.get("/api/v1/schedules/" + id).json()).isEqualTo(r);

    HttpJson.Response deleted = http.delete("/api/v1/schedules/" + id);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(http.get("/api/v1/schedules/" + id).status()).isEqualTo(404);
    assertThat(http.delete("/api/v1/schedules/" + id).status()).isEqualTo(404);
    assertThat(http.get("/api/v1/schedules").json().get("schedules"))
        .noneMatch(n -> n.get("id").asText().equals(id));
  }

  @Test
  void unknownSchedulesAre404WithJson() throws Exception {
    for (HttpJson.Response r :
        new HttpJson.Response[] {
          http.get("/api/v1/schedules/nope"),
          http.put("/api/v1/schedules/nope", body("x", LEAP_DAY, "UTC")),
          http.put("/api/v1/schedules/nope", "{}"),
          http.delete("/api/v1/schedules/nope")
        }) {
      assertThat(r.status()).as(r.body()).isEqualTo(404);
      assertThat(r.json().get("error").asText()).contains("nope");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          no name              | {"cron": "0 3 * * *", "template": {"runtime": "embedded"}}                                      | name     |
          blank name           | {"name": " ", "cron": "0 3 * * *", "template": {"runtime": "embedded"}}                         | name     |
          name not a string    | {"name": 7, "cron": "0 3 * * *", "template": {"runtime": "embedded"}}                           | name     |
          no cron              | {"name": "n", "template": {"runtime": "embedded"}}                                               | cron     |
          cron with 3 fields   | {"name": "n", "cron": "* * *", "template": {"runtime": "embedded"}}                             | cron     | contains 3 parts
          cron with seconds    | {"name": "n", "cron": "0 0 3 * * ?", "template": {"runtime": "embedded"}}                       | cron     | contains 6 parts
          minute out of range  | {"name": "n", "cron": "61 3 * * *", "template": {"runtime": "embedded"}}                        | cron     | Value 61 not in range
          cron never fires     | {"name": "n", "cron": "0 0 30 2 *", "template": {"runtime": "embedded"}}                        | cron     | never fires
          unknown zone         | {"name": "n", "cron": "0 3 * * *", "zone": "Mars/Olympus", "template": {"runtime": "embedded"}} | zone     | Mars/Olympus
          zone not a string    | {"name": "n", "cron": "0 3 * * *", "zone": 2, "template": {"runtime": "embedded"}}              | zone     |
          no template          | {"name": "n", "cron": "0 3 * * *"}                                                               | template |
          template not object  | {"name": "n", "cron": "0 3 * * *", "template": "embedded"}                                      | template |
          template no runtime  | {"name": "n", "cron": "0 3 * * *", "template": {}}                                              | template.runtime |
          template unknown knob| {"name": "n", "cron": "0 3 * * *", "template": {"runtime": "embedded", "parameters": [{"name": "warp", "type": "int", "min": 1, "max": 2}]}} | template.parameters[0].name |
          template bad budget  | {"name": "n", "cron": "0 3 * * *", "template": {"runtime": "embedded", "budget": {"maxTrials": 0}}} | template.budget.maxTrials |
          template bad metric  | {"name": "n", "cron": "0 3 * * *", "template": {"runtime": "embedded", "objective": {"metric": "joy", "direction": "maximize"}}} | template.objective.metric |
          enabled not boolean  | {"name": "n", "cron": "0 3 * * *", "enabled": "yes", "template": {"runtime": "embedded"}}       | enabled  |
          warmStart not boolean| {"name": "n", "cron": "0 3 * * *", "warmStart": 1, "template": {"runtime": "embedded"}}         | warmStart |
          retune not boolean   | {"name": "n", "cron": "0 3 * * *", "retuneOnDrift": "y", "template": {"runtime": "embedded"}}  | retuneOnDrift |
          """)
  void badSchedulesAre400NamingTheFieldAndChangeNothing(
      String what, String body, String field, String message) throws Exception {
    String existing = create(body("kept", LEAP_DAY, "UTC"));
    JsonNode before = http.get("/api/v1/schedules/" + existing).json();
    int schedules = count();

    HttpJson.Response posted = http.post("/api/v1/schedules", body);
    HttpJson.Response put = http.put("/api/v1/schedules/" + existing, body);

    for (HttpJson.Response r : new HttpJson.Response[] {posted, put}) {
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.json().get("field").asText()).as(r.body()).isEqualTo(field);
      assertThat(r.json().get("error").asText()).isNotBlank();
      if (message != null) {
        assertThat(r.json().get("error").asText()).contains(message);
      }
    }
    assertThat(count()).isEqualTo(schedules);
    assertThat(http.get("/api/v1/schedules/" + existing).json()).isEqualTo(before);
  }

  @Test
  void bodiesThatAreNotJsonObjectsAre400() throws Exception {
    for (String body : new String[] {"", "{", "[1]", "\"x\""}) {
      assertThat(http.post("/api/v1/schedules", body).status()).as(body).isEqualTo(400);
    }
  }

  @Test
  void aRestartedServiceKeepsItsSchedules() throws Exception {
    String id = create(body("survives", LEAP_DAY, "America/New_York"));
    JsonNode before = http.get("/api/v1/schedules/" + id).json();
    // Restart on the same database; every test after this one uses the new service.
    service.close();
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new HttpJson(service.port());

    assertThat(http.get("/api/v1/schedules/" + id).json()).isEqualTo(before);
    assertThat(http.get("/api/v1/schedules").json().get("schedules")).contains(before);
  }
}
