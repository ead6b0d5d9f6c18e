package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.infertune.runtime.http.LaunchProfile;
import io.infertune.runtime.http.ManagedProcess;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve --runtime-file}: the service started with a runtimes file that lists a runtime of
 * each kind that runs here: {@code infertune runtime} launched by Infertune ({@code http}), another
 * {@code infertune runtime} that the operator runs and Infertune attaches to ({@code attach},
 * reconfigured through the operator's webhook, which restarts it with the flags it is POSTed), and
 * a simulator program ({@code command}). The triton kind is opened from a file in runtime-adapter's
 * {@code TritonFromRuntimeFileTest}, against its stand-in server.
 *
 * <p>The attached runtime is then tuned purely over HTTP: a manual push and a campaign through the
 * REST API, each configuration a webhook call and a restart of the operator's process, load through
 * {@code /v1/embeddings}, metrics from its {@code /metrics}.
 */
class RuntimeFileServiceTest {
  @TempDir static Path dir;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final LaunchProfile PROFILE = ChildRuntime.profile();
  private static final List<Map<String, Object>> HOOK_CALLS = new CopyOnWriteArrayList<>();
  private static Map<String, List<String>> operatorVars;
  private static URI operatorUrl;
  private static volatile ManagedProcess operatorRuntime;
  private static HttpServer webhook;
  private static Infertune service;
  private static HttpJson http;

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    operatorVars = new LinkedHashMap<>();
    operatorVars.put("infertune", HttpRuntimes.infertune(List.of("-Xmx512m")));
    operatorVars.put("data_dir", List.of(ChildRuntime.DATA_DIR.toString()));
    operatorVars.put("host", List.of("127.0.0.1"));
    operatorVars.put("port", List.of(Integer.toString(port)));
    operatorUrl = URI.create("http://127.0.0.1:" + port);
    runOperatorsRuntime(PROFILE.defaults());

    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext("/reconfigure", RuntimeFileServiceTest::reconfigure);
    webhook.start();

    Path sim = dir.resolve("sim.sh");
    // A one-shot simulator: its throughput peaks at a batch of 8.
    Files.writeString(
        sim, "b=$2; echo \"{\\\"throughput_rps\\\": $((1000 - (b - 8) * (b - 8)))}\"\n");
    Path file = dir.resolve("runtimes.yaml");
    Files.writeString(
        file,
        """
        runtimes:
          - kind: http
            id: launched-runtime
            profile: infertune-runtime
            variables: {data_dir: "%s"}
            initial: {quantization: int8}
            readyTimeoutSeconds: 120
          - kind: attach
            id: operators-runtime
            profile: infertune-runtime
            url: %s
            healthUrl: %s/health
            reconfigure:
              webhook: http://127.0.0.1:%d/reconfigure
            readyTimeoutSeconds: 120
          - kind: command
            id: simulator
            command: [sh, "%s"]
            knobs:
              - {name: batch, type: int, min: 1, max: 16, default: 1, flag: --batch}
        """
            .formatted(
                ChildRuntime.DATA_DIR,
                operatorUrl,
                operatorUrl,
                webhook.getAddress().getPort(),
                sim));

    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs("--runtime-file", file.toString(), "--data-dir", dir.resolve("data").toString());
    List<RuntimeAdapter> runtimes = serve.openRuntimes();
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, serve.dataDir), runtimes);
    http = new HttpJson(service.port());
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
    if (webhook != null) {
      webhook.stop(0);
    }
    if (operatorRuntime != null) {
      operatorRuntime.stop(Duration.ofSeconds(20));
    }
  }

  /** What the operator's tooling does: (re)start its runtime with a configuration's flags. */
  private static synchronized void runOperatorsRuntime(Configuration c) throws Exception {
    if (operatorRuntime != null) {
      operatorRuntime.stop(Duration.ofSeconds(20));
    }
    LaunchProfile.Launch launch = PROFILE.render(c, operatorVars);
    operatorRuntime =
        ManagedProcess.start("operators-runtime", launch.command(), Map.of(), Optional.empty(), 50);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (CLIENT
                .send(
                    HttpRequest.newBuilder(operatorUrl.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (operatorRuntime.awaitExit(Duration.ofMillis(100)).isPresent()) {
        throw new IllegalStateException("it exited: " + operatorRuntime.logTail());
      }
    }
    throw new IllegalStateException("not up in 120 s: " + operatorRuntime.logTail());
  }

  /** The operator's webhook: restarts its runtime with the configuration it is POSTed. */
  private static void reconfigure(HttpExchange ex) throws IOException {
    int status = 200;
    try (InputStream in = ex.getRequestBody()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> body = MAPPER.readValue(in, Map.class);
      HOOK_CALLS.add(body);
      @SuppressWarnings("unchecked")
      Map<String, Object> config = (Map<String, Object>) body.get("configuration");
      Map<String, Object> values = new LinkedHashMap<>();
      config.forEach((k, v) -> values.put(k, v instanceof Integer i ? (long) i : v));
      runOperatorsRuntime(new Configuration(values));
    } catch (Exception e) {
      status = 500;
    }
    byte[] answer =
        (status == 200 ? "restarted" : "restart failed").getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, answer.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(answer);
    }
  }

  private static JsonNode operatorsModel() throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(operatorUrl.resolve("/v1/models")).build(),
            HttpResponse.BodyHandlers.ofString());
    return MAPPER.readTree(r.body()).path("data").path(0).path("configuration");
  }

  @Test
  void everyRuntimeOfTheFileIsListedWithItsKnobs() throws Exception {
    HttpJson.Response res = http.get("/api/v1/runtimes");
    assertThat(res.status()).as(res.body()).isEqualTo(200);
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    res.json().path("runtimes").forEach(r -> byId.put(r.path("id").asText(), r));
    assertThat(byId.keySet())
        .contains("embedded", "launched-runtime", "operators-runtime", "simulator");
    assertThat(byId.get("launched-runtime").path("kind").asText()).isEqualTo("infertune-runtime");
    assertThat(byId.get("launched-runtime").path("current").path("quantization").asText())
        .isEqualTo("int8");
    assertThat(byId.get("operators-runtime").path("kind").asText()).isEqualTo("infertune-runtime");
    assertThat(byId.get("simulator").path("kind").asText()).isEqualTo("command");
    List<String> knobs = new ArrayList<>();
    byId.get("simulator").path("knobs").forEach(k -> knobs.add(k.path("name").asText()));
    assertThat(knobs).containsExactly("batch");

    HttpJson.Response sim =
        http.post("/api/v1/runtimes/simulator/config", "{\"configuration\": {\"batch\": 8}}");
    assertThat(sim.status()).as(sim.body()).isEqualTo(200);
  }

  @Test
  void theAttachedRuntimeIsReconfiguredThroughTheWebhookAndTunedOverHttp() throws Exception {
    long pid = operatorRuntime.pid();
    HttpJson.Response push =
        http.post(
            "/api/v1/runtimes/operators-runtime/config",
            "{\"configuration\": {\"quantization\": \"int8\", \"cache_entries\": 1000},"
                + " \"reason\": \"through the operator's webhook\"}");
    assertThat(push.status()).as(push.body()).isEqualTo(200);
    assertThat(HOOK_CALLS).isNotEmpty();
    assertThat(operatorRuntime.pid()).as("restarted by the webhook").isNotEqualTo(pid);
    assertThat(String.join(" ", operatorRuntime.command()))
        .contains("--quantization int8")
        .contains("--cache-entries 1000");
    assertThat(operatorsModel().path("quantization").asText()).isEqualTo("int8");

    // A short campaign on it, through the REST API: every trial a webhook call and a restart.
    HttpJson.Response created =
        http.post(
            "/api/v1/campaigns",
            """
            {"runtime": "operators-runtime", "name": "attached",
             "parameters": [{"name": "cache_entries", "type": "ordinal", "values": [0, 20000]}],
             "objective": {"metric": "throughput_rps", "direction": "maximize"},
             "strategy": {"type": "grid", "seed": 1},
             "budget": {"maxTrials": 2},
             "measurement": {"warmupSeconds": 1, "windowSeconds": 2, "pruning": false},
             "workload": {"mode": "closed_loop", "concurrency": 4, "distinctInputs": 200},
             "promotion": {"roundsPerArm": 2, "watchSeconds": 0}}
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().path("id").asText();
    JsonNode campaign = created.json();
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (System.nanoTime() < deadline) {
      campaign = http.get("/api/v1/campaigns/" + id).json();
      if (!campaign.path("status").asText().equals("running")) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(campaign.path("status").asText()).as(campaign.toString()).isEqualTo("completed");
    JsonNode trials = http.get("/api/v1/campaigns/" + id + "/trials").json().path("trials");
    assertThat(trials).hasSize(2);
    for (JsonNode t : trials) {
      assertThat(t.path("status").asText()).as(t.toString()).isEqualTo("completed");
      assertThat(
              t.path("measurement").path("metrics").path("throughput_rps").path("mean").asDouble())
          .as("measured from the attached runtime's /metrics: " + t)
          .isPositive();
    }
    // Whatever the campaign decided, the operator's runtime runs what Infertune says it runs.
    JsonNode runtime = http.get("/api/v1/runtimes/operators-runtime").json();
    assertThat(operatorsModel().path("cache_entries").asLong())
        .isEqualTo(runtime.path("current").path("cache_entries").asLong());
  }
}
