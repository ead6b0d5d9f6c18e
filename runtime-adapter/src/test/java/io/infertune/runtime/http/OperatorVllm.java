package io.infertune.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A vLLM-speaking server ({@link StandInVllm}) run by "the operator", not by Infertune: started
 * here with the vllm profile's default flags, and restarted with new flags by the operator's
 * webhook, which refuses more than one GPU (HTTP 422) as a one-GPU machine's tooling would.
 */
final class OperatorVllm implements AutoCloseable {
  final LaunchProfile vllm = Profiles.builtIn("vllm");
  final List<Map<String, Object>> hookCalls = new CopyOnWriteArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, List<String>> vars;
  private final URI url;
  private volatile ManagedProcess server;
  private HttpServer hook;

  OperatorVllm() throws Exception {
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

  URI url() {
    return url;
  }

  ManagedProcess server() {
    return server;
  }

  /** What the operator's own tooling does: run vLLM with these flags, and wait until it is up. */
  void startWith(List<String> flags) throws Exception {
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

  /** The operator's webhook: restarts the server with the flags it is POSTed. */
  synchronized URI webhook() throws IOException {
    if (hook == null) {
      hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      hook.createContext("/reconfigure", ex -> reconfigure(ex));
      hook.start();
    }
    return URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/reconfigure");
  }

  private void reconfigure(com.sun.net.httpserver.HttpExchange ex) throws IOException {
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
      } catch (Exception | AssertionError e) {
        status = 500;
      }
    }
    byte[] answer =
        (status == 422 ? "one GPU here" : status == 500 ? "restart failed" : "ok").getBytes();
    ex.sendResponseHeaders(status, answer.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(answer);
    }
  }

  @Override
  public void close() {
    if (hook != null) {
      hook.stop(0);
    }
    server.close();
  }
}
