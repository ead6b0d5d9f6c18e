package io.infertune.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.infertune.api.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the real service cannot be made to do on demand: answer 500, or check a token. A JDK HTTP
 * server on loopback answers as told and records the requests' {@code Authorization} headers.
 */
class ClientHttpEdgesTest {
  private HttpServer server;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String body = "{\"campaigns\": []}";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("content-type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int cli(String... args) {
    return new picocli.CommandLine(new Main())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void theTokenIsSentAsABearerAuthorization() {
    assertThat(cli("campaign", "list", "--url", url(), "--token", "s3cret")).isZero();
    assertThat(authorizations).containsExactly("Bearer s3cret");
  }

  @Test
  void withoutATokenNoAuthorizationIsSent() {
    assertThat(cli("campaign", "list", "--url", url() + "/")).isZero();
    assertThat(authorizations).containsExactly("null");
  }

  @Test
  void aServerErrorExitsWith3AndSaysWhat() {
    status = 500;
    body = "{\"error\": \"internal error\", \"field\": null}";
    assertThat(cli("runtime", "list", "--url", url())).isEqualTo(3);
    assertThat(err.toString()).contains("infertune: HTTP 500: internal error");
  }

  @Test
  void aRefusalWithoutJsonStillExitsWith1() {
    status = 401;
    body = "go away";
    assertThat(cli("schedule", "list", "--url", url())).isEqualTo(1);
    assertThat(err.toString()).contains("infertune: HTTP 401: go away");
  }
}
