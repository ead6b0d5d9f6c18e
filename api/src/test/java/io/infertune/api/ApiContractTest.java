package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.ext.web.Route;
import io.vertx.openapi.contract.Operation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenAPI document ({@code /openapi.yaml}) describes exactly the routes the service serves, is
 * shown at {@code /docs}, and requests that break it are 400s naming the field.
 */
class ApiContractTest {
  /**
   * Documented here, mounted by the dashboard's branch (SSE progress, exports, live runtime
   * metrics): allowed to be missing from this router until the branches meet; once they do, the
   * comparison below checks them like any other.
   */
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

  /** {@code GET /api/v1/campaigns/{id}} for each method of each route with a path. */
  private static Set<String> servedRoutes() {
    Set<String> served = new TreeSet<>();
    for (Route r : service.api().router().getRoutes()) {
      String path = r.getPath();
      if (path == null || r.methods() == null || r.methods().isEmpty() || isStaticUi(path)) {
        continue;
      }
      String openApiPath = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      r.methods().forEach(m -> served.add(m.name() + " " + openApiPath));
    }
    return served;
  }

  /** The dashboard and the documentation page: files, not API operations. */
  private static boolean isStaticUi(String path) {
    return path.equals("/")
        || path.startsWith("/ui/")
        || path.startsWith("/webjars/")
        || path.startsWith("/docs");
  }

  private static Set<String> documentedRoutes() {
    Set<String> documented = new TreeSet<>();
    for (Operation op : service.api().contract().contract().operations()) {
      documented.add(op.getHttpMethod().name() + " " + op.getOpenAPIPath());
    }
    return documented;
  }

  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
    Set<String> served = servedRoutes();
    Set<String> documented = documentedRoutes();
    assertThat(served)
        .as("routes the router serves")
        .contains("POST /api/v1/campaigns/{id}/resume");

    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    assertThat(undocumented).as("served but not in openapi.yaml").isEmpty();

    Set<String> unserved = new TreeSet<>(documented);
    unserved.removeAll(served);
    assertThat(unserved).as("in openapi.yaml but not served").isEmpty();
  }

  @Test
  void theDocumentIsServedAsYaml() throws Exception {
    HttpJson.Response r = http.get("/openapi.yaml");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.raw().headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
    JsonNode doc = new YAMLMapper().readTree(r.body());
    assertThat(doc.get("openapi").asText()).startsWith("3.1");
    assertThat(doc.at("/paths/~1api~1v1~1campaigns~1{id}~1resume/post/operationId").asText())
        .isEqualTo("resumeCampaign");
  }

  @Test
  void theDocsPageAndSwaggerUiComeFromTheServiceItself() throws Exception {
    HttpJson.Response page = http.get("/docs");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("/docs/swagger-ui-bundle.js").doesNotContain("https://");
    for (String other : new String[] {"/docs/", "/docs/index.html"}) {
      assertThat(http.get(other).body()).as(other).isEqualTo(page.body());
    }
    HttpJson.Response init = http.get("/docs/init.js");
    assertThat(init.status()).isEqualTo(200);
    assertThat(init.body()).contains("/openapi.yaml");
    HttpJson.Response bundle = http.get("/docs/swagger-ui-bundle.js");
    assertThat(bundle.status()).isEqualTo(200);
    assertThat(bundle.body().length()).isGreaterThan(100_000);
    assertThat(http.get("/docs/swagger-ui.css").status()).isEqualTo(200);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          runtime a number      | /api/v1/campaigns  | {"runtime": 7}                                              | runtime
          trials a word         | /api/v1/campaigns  | {"runtime": "embedded", "budget": {"maxTrials": "ten"}}    | budget.maxTrials
          seed a fraction       | /api/v1/campaigns  | {"runtime": "embedded", "strategy": {"seed": 0.5}}         | strategy.seed
          parameter not object  | /api/v1/campaigns  | {"runtime": "embedded", "parameters": [7]}                  | parameters[0]
          no runtime            | /api/v1/campaigns  | {"name": "x"}                                               | runtime
          schedule no cron      | /api/v1/schedules  | {"name": "n", "template": {"runtime": "embedded"}}          | cron
          template runtime      | /api/v1/schedules  | {"name": "n", "cron": "0 3 * * *", "template": {"runtime": false}} | template.runtime
          push a list           | /api/v1/runtimes/embedded/config | {"configuration": [1]}                       | configuration
          push an object value  | /api/v1/runtimes/embedded/config | {"configuration": {"batch_size": {}}}        | configuration.batch_size
          """)
  void requestsThatBreakTheContractAre400NamingTheField(
      String what, String path, String body, String field) throws Exception {
    HttpJson.Response r = http.post(path, body);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("field").asText()).as(r.body()).isEqualTo(field);
    assertThat(r.json().get("error").asText()).as(r.body()).startsWith(field);
  }

  @Test
  void messagesSayWhatIsWrongInPlainWords() throws Exception {
    HttpJson.Response word =
        http.post(
            "/api/v1/campaigns",
            "{\"runtime\": \"embedded\", \"budget\": {\"maxTrials\": \"ten\"}}");
    assertThat(word.json().get("error").asText())
        .isEqualTo("budget.maxTrials must be integer, got string");
    HttpJson.Response missing = http.post("/api/v1/campaigns", "{\"name\": \"x\"}");
    assertThat(missing.json().get("error").asText()).isEqualTo("runtime is required");
  }

  @Test
  void aJsonBodySentAsAFormIsStillReadAsJson() throws Exception {
    // curl -d sends application/x-www-form-urlencoded; the README's examples rely on it.
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.port() + "/api/v1/studies"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            """
                            {"name": "form", "parameters": [{"name": "x", "type": "float", "min": 0, "max": 1}],
                             "objectives": [{"name": "loss", "direction": "minimize"}]}
                            """))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @Test
  void theValidatorsRepositoryBuildsEachSchemasValidatorOnce() {
    io.vertx.openapi.contract.OpenAPIContract contract = service.api().contract().contract();
    io.vertx.json.schema.SchemaRepository cached =
        CachedSchemaValidators.of(contract).getSchemaRepository();
    io.vertx.json.schema.JsonSchema limit =
        contract.operation("listCampaigns").getParameters().stream()
            .filter(p -> p.getName().equals("limit"))
            .findFirst()
            .orElseThrow()
            .getSchema();
    assertThat(cached.validator(limit)).isSameAs(cached.validator(limit));
    // The library's own repository builds a new one each time: what the cache is for.
    assertThat(contract.getSchemaRepository().validator(limit))
        .isNotSameAs(contract.getSchemaRepository().validator(limit));
    assertThat(cached.validator(limit).validate(5).getValid()).isTrue();
    assertThat(cached.validator(limit).validate(0).getValid()).isFalse();
  }
}
