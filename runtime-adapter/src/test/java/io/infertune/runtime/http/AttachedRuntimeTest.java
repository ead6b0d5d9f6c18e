package io.infertune.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import io.infertune.tuner.runtime.InferenceRequest;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attach mode: a vLLM-speaking server Infertune did not start, reconfigured by the user's webhook
 * (which here restarts it with the flags it is sent) or command, and measured from its {@code
 * /metrics}.
 */
class AttachedRuntimeTest {
  private final LaunchProfile vllm = Profiles.builtIn("vllm");
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<Map<String, Object>> hookCalls = new CopyOnWriteArrayList<>();
  private Map<String, List<String>> vars;
  private URI url;
  private volatile ManagedProcess server;
  private HttpServer hook;

  @BeforeEach
  void startServer() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    vars =
        Map.of(
            "vllm", JavaCommand.of(StandInVllm.class),
            "model", List.of("m"),
            "host", List.of("127.0.0.1"),
            "port", List.of(Integer.toString(port)));
    url = URI.create("http://127.0.0.1:" + port + "/");
    startWith(vllm.renderKnobs(vllm.defaults()).args());
  }

  @AfterEach
  void stop() {
    if (hook != null) {
      hook.stop(0);
    }
    server.close();
  }

  /** What the operator's own tooling does: run vLLM with these flags, and wait until it is up. */
  private void startWith(List<String> flags) throws Exception {
    if (server != null) {
      server.stop(Duration.ofSeconds(5));
    }
    List<String> argv = new ArrayList<>(Templates.expand(vllm.command(), vars, "test"));
    argv.addAll(flags);
    server = ManagedProcess.start("vllm", argv, Map.of(), Optional.empty(), 100);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        if (client
                .send(
                    HttpRequest.newBuilder(url.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      assertThat(System.nanoTime()).as("up within 30 s: " + server.logTail()).isLessThan(deadline);
      assertThat(server.awaitExit(Duration.ofMillis(50))).as("running").isEmpty();
    }
  }

  /** A webhook that restarts the server with the flags it is POSTed, refusing two GPUs. */
  private URI webhook() throws IOException {
    hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext(
        "/reconfigure",
        ex -> {
          Map<String, Object> body;
          try (InputStream in = ex.getRequestBody()) {
            body = JsonTree.object(JsonTree.parse(in, "webhook body"), "body");
          }
          hookCalls.add(body);
          Map<String, Object> config = JsonTree.object(body.get("configuration"), "configuration");
          int status = 200;
          if (!config.get("tensor_parallel_size").equals(1L)) {
            status = 422;
          } else {
            try {
              startWith(JsonTree.strings(body.get("flags"), "flags"));
            } catch (Exception e) {
              status = 500;
            }
          }
          byte[] answer = (status == 422 ? "one GPU here" : "ok").getBytes();
          ex.sendResponseHeaders(status, answer.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
          }
        });
    hook.start();
    return URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/reconfigure");
  }

  private static void serves(HttpRuntimeAdapter a) throws Exception {
    a.requests()
        .submit(new InferenceRequest("Hello", 4))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void aWebhookPushIsReadBackAndServed() throws Exception {
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url)
            .id("shared-vllm")
            .variable("model", "m")
            .reconfigureWebhook(webhook())
            .readyTimeout(Duration.ofSeconds(30))
            .build()) {
      assertThat(a.current()).isEqualTo(vllm.defaults());
      a.apply(Configuration.of("max_num_seqs", 64, "enable_prefix_caching", "off"));

      assertThat(hookCalls).hasSize(1);
      assertThat(hookCalls.get(0))
          .containsEntry("runtime", "shared-vllm")
          .extractingByKey("configuration")
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("max_num_seqs", 64L)
          .containsEntry("enable_prefix_caching", "off");
      assertThat(String.join(" ", server.command()))
          .contains("--max-num-seqs 64")
          .contains("--no-enable-prefix-caching");
      assertThat(a.current().get("max_num_seqs")).isEqualTo(64L);
      serves(a);
      assertThat(a.metrics().sample().counter(Metrics.SOURCE_REQUESTS)).hasValue(1);
    }
  }

  @Test
  void aWebhookThatRefusesFailsTheApplyAndThePreviousConfigurationIsPushedBack() throws Exception {
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url)
            .variable("model", "m")
            .reconfigureWebhook(webhook())
            .readyTimeout(Duration.ofSeconds(30))
            .build()) {
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class,
              () -> a.apply(Configuration.of("tensor_parallel_size", 2)));
      assertThat(e.reason()).isEqualTo(Reason.REJECTED);
      assertThat(e.getMessage()).contains("answered HTTP 422: one GPU here");
      assertThat(hookCalls).hasSize(2);
      assertThat(hookCalls.get(1).get("configuration")).isEqualTo(vllm.defaults().values());
      assertThat(a.current()).isEqualTo(vllm.defaults());
      serves(a);
    }
  }

  @Test
  void aCommandGetsTheFlagsAndTheConfigurationAsJson(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("reconfigure.log");
    String script =
        "echo \"$*\" >> '"
            + log
            + "'; echo '{config_json}' >> '"
            + log
            + "'; case \"$*\" in *'--max-num-seqs 1024'*)"
            + " echo \"error: unexpected argument '--max-num-seqs 1024' found\" >&2; exit 2;; esac";
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url)
            .variable("model", "m")
            .reconfigureCommand(List.of("sh", "-c", script, "reconfigure", "{flags}"))
            .readyTimeout(Duration.ofSeconds(30))
            .build()) {
      a.apply(Configuration.of("max_num_seqs", 64));
      List<String> lines = Files.readAllLines(log);
      assertThat(lines.get(0)).startsWith("--max-num-seqs 64 --max-num-batched-tokens 8192");
      assertThat(lines.get(1))
          .contains("\"max_num_seqs\":64")
          .contains("\"kv_cache_dtype\":\"auto\"");

      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class, () -> a.apply(Configuration.of("max_num_seqs", 1024)));
      assertThat(e.reason()).isEqualTo(Reason.REJECTED);
      assertThat(e.getMessage()).contains("error: unexpected argument '--max-num-seqs 1024' found");
      lines = Files.readAllLines(log);
      assertThat(lines).hasSize(6);
      assertThat(lines.get(4)).as("pushed back").startsWith("--max-num-seqs 64 ");
      assertThat(a.current().get("max_num_seqs")).isEqualTo(64L);
    }
  }

  @Test
  void withoutAWayToReconfigureTheAdapterOnlyObserves() throws Exception {
    try (HttpRuntimeAdapter a =
        HttpRuntimeAdapter.attach(vllm, url).variable("model", "m").build()) {
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class, () -> a.apply(Configuration.of("max_num_seqs", 64)));
      assertThat(e.reason()).isEqualTo(Reason.REJECTED);
      assertThat(e.getMessage()).contains("without a reconfiguration command or webhook");
      a.apply(vllm.defaults());
      serves(a);
      assertThat(a.metrics().sample().histogram(Metrics.SOURCE_LATENCY_SECONDS)).isPresent();
      assertThat(a.process()).isEmpty();
    }
    assertThat(server.isAlive()).as("not ours to stop").isTrue();
  }
}
