package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.runtime.prometheus.PrometheusMetricSource;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.space.Configuration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime server's HTTP surface, in process: OpenAI's embeddings request and response shapes
 * and errors, the model list with the configuration in force, health, and a {@code /metrics} page
 * that the {@code infertune-embedded} mapping reads.
 */
class RuntimeServerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static RuntimeServer server;
  private static URI base;

  @BeforeAll
  static void start() throws Exception {
    server = RuntimeServer.listen("127.0.0.1", 0, "minilm");
    base = URI.create("http://127.0.0.1:" + server.port() + "/");
    server.load(ChildRuntime.DATA_DIR, Configuration.of("batch_size", 8, "cache_entries", 100));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return MAPPER.readTree(r.body());
  }

  @Test
  void embedsAStringInOpenAisShape() throws Exception {
    HttpResponse<String> r =
        post("v1/embeddings", "{\"input\": \"hello world\", \"model\": \"minilm\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("object").asText()).isEqualTo("list");
    assertThat(body.path("model").asText()).isEqualTo("minilm");
    JsonNode item = body.path("data").path(0);
    assertThat(item.path("object").asText()).isEqualTo("embedding");
    assertThat(item.path("index").asInt()).isZero();
    assertThat(item.path("embedding").size()).isEqualTo(384);
    double norm = 0;
    for (JsonNode x : item.path("embedding")) {
      norm += x.asDouble() * x.asDouble();
    }
    assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-3));
    // [CLS] hello world [SEP]
    assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
    assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(4);
  }

  @Test
  void embedsAnArrayInOrderAndBase64IsTheSameFloats() throws Exception {
    JsonNode floats = json(post("v1/embeddings", "{\"input\": [\"a cat\", \"a dog\", \"a cat\"]}"));
    assertThat(floats.path("data")).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(floats.path("data").path(i).path("index").asInt()).isEqualTo(i);
    }
    assertThat(floats.path("data").path(0).path("embedding"))
        .isEqualTo(floats.path("data").path(2).path("embedding"))
        .isNotEqualTo(floats.path("data").path(1).path("embedding"));
    JsonNode encoded =
        json(post("v1/embeddings", "{\"input\": \"a dog\", \"encoding_format\": \"base64\"}"));
    ByteBuffer b =
        ByteBuffer.wrap(
                Base64.getDecoder().decode(encoded.path("data").path(0).path("embedding").asText()))
            .order(ByteOrder.LITTLE_ENDIAN);
    JsonNode dog = floats.path("data").path(1).path("embedding");
    assertThat(b.remaining()).isEqualTo(384 * 4);
    for (int i = 0; i < 384; i++) {
      assertThat(b.getFloat()).isEqualTo(dog.path(i).floatValue());
    }
  }

  @Test
  void badRequestsGetOpenAisErrorShape() throws Exception {
    assertError(
        post("v1/embeddings", "{\"model\": \"minilm\"}"), 400, "input", "'input' is required");
    assertError(post("v1/embeddings", "{\"input\": [[1, 2, 3]]}"), 400, "input", "token arrays");
    assertError(post("v1/embeddings", "{\"input\": []}"), 400, "input", "empty");
    assertError(post("v1/embeddings", "{\"input\": 7}"), 400, "input", "a string or an array");
    assertError(
        post("v1/embeddings", "{\"input\": \"x\", \"encoding_format\": \"hex\"}"),
        400,
        "encoding_format",
        "'float' or 'base64'");
    assertError(
        post("v1/embeddings", "{\"input\": \"x\", \"dimensions\": 64}"),
        400,
        "dimensions",
        "fixed number");
    assertError(post("v1/embeddings", "{not json"), 400, null, "not valid JSON");
    HttpResponse<String> unknown =
        post("v1/embeddings", "{\"input\": \"x\", \"model\": \"gpt-4\"}");
    assertError(unknown, 404, "model", "The model `gpt-4` does not exist.");
    assertThat(json(unknown).path("error").path("code").asText()).isEqualTo("model_not_found");
    assertThat(get("v1/embeddings").statusCode()).isEqualTo(404);
    assertThat(json(get("v1/embeddings")).path("error").path("type").asText())
        .isEqualTo("invalid_request_error");
  }

  private static void assertError(HttpResponse<String> r, int status, String param, String message)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode e = json(r).path("error");
    assertThat(e.path("message").asText()).contains(message);
    assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
    if (param == null) {
      assertThat(e.path("param").isNull()).isTrue();
    } else {
      assertThat(e.path("param").asText()).isEqualTo(param);
    }
  }

  @Test
  void theModelListSaysTheConfigurationInForceAndHealthIsUp() throws Exception {
    JsonNode model = json(get("v1/models")).path("data").path(0);
    assertThat(model.path("id").asText()).isEqualTo("minilm");
    assertThat(model.path("object").asText()).isEqualTo("model");
    assertThat(model.path("configuration").path("batch_size").asInt()).isEqualTo(8);
    assertThat(model.path("configuration").path("cache_entries").asInt()).isEqualTo(100);
    assertThat(model.path("configuration").path("quantization").asText()).isEqualTo("fp32");
    HttpResponse<String> health = get("health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health).path("status").asText()).isEqualTo("ok");
  }

  @Test
  void theMetricsPageReadsThroughTheEmbeddedMappingAndCountsWhatWasServed() throws Exception {
    try (PrometheusMetricSource page =
        PrometheusMetricSource.of(
            "infertune-embedded",
            base.resolve("metrics"),
            Duration.ofSeconds(10),
            Ticker.system())) {
      MetricSnapshot before = page.sample();
      JsonNode r =
          json(
              post(
                  "v1/embeddings",
                  "{\"input\": [\"metrics one\", \"metrics two\", \"metrics three\"]}"));
      JsonNode again = json(post("v1/embeddings", "{\"input\": \"metrics one\"}"));
      MetricSnapshot after = page.sample();
      assertThat(increase(before, after, Metrics.SOURCE_REQUESTS)).isEqualTo(4);
      assertThat(increase(before, after, Metrics.SOURCE_CACHE_MISSES)).isEqualTo(3);
      assertThat(increase(before, after, Metrics.SOURCE_CACHE_HITS))
          .as("the repeat, answered from the cache")
          .isEqualTo(1);
      assertThat(increase(before, after, Metrics.SOURCE_TOKENS))
          .as("the usage the responses reported")
          .isEqualTo(
              r.path("usage").path("prompt_tokens").asDouble()
                  + again.path("usage").path("prompt_tokens").asDouble());
      assertThat(after.histogram(Metrics.SOURCE_LATENCY_SECONDS)).isPresent();
      assertThat(after.histogram(EmbeddedRuntime.BATCH_SIZE_HISTOGRAM)).isPresent();
      assertThat(after.gauge(EmbeddedRuntime.QUEUE_DEPTH_GAUGE)).isPresent();
      assertThat(after.counter(Metrics.SOURCE_CPU_SECONDS).orElseThrow()).isPositive();
    }
    assertThat(get("metrics").body())
        .contains(
            "infertune_runtime_config_info{batch_size=\"8\",batch_timeout_ms=\"0\",cache_entries=\"100\"");
  }

  private static double increase(MetricSnapshot before, MetricSnapshot after, String counter) {
    return after.counter(counter).orElseThrow() - before.counter(counter).orElseThrow();
  }

  @Test
  void untilTheModelIsLoadedHealthAndTheApiSay503() throws Exception {
    try (RuntimeServer loading = RuntimeServer.listen("127.0.0.1", 0, "minilm")) {
      URI u = URI.create("http://127.0.0.1:" + loading.port() + "/");
      HttpResponse<String> health =
          HTTP.send(
              HttpRequest.newBuilder(u.resolve("health")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(json(health).path("status").asText()).isEqualTo("loading");
      HttpResponse<String> embed =
          HTTP.send(
              HttpRequest.newBuilder(u.resolve("v1/embeddings"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"input\": \"x\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(embed.statusCode()).isEqualTo(503);
      assertThat(json(embed).path("error").path("type").asText()).isEqualTo("server_error");
      assertThat(
              HTTP.send(
                      HttpRequest.newBuilder(u.resolve("metrics")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .as("the process's own metrics are there from the start")
          .isEqualTo(200);
    }
  }
}
