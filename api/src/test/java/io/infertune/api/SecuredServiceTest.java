package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real service listening beyond loopback (0.0.0.0) with tokens made by {@code infertune token
 * create}: who gets in (401, 403, 200), the rate limit (429), and the audit rows of what was tried.
 */
class SecuredServiceTest {
  @TempDir static Path dataDir;
  private static Infertune service;
  private static BearerHttp http;
  private static String operator;
  private static String viewer;
  private static String flooder;
  private static String auditor;

  /** Requests per token before the rate applies; the rate itself is one per 5 s. */
  private static final int BURST = 30;

  /** The secret of a token made as an operator makes one, by {@code infertune token create}. */
  static String createToken(Path dir, String role, String name) {
    StringWriter out = new StringWriter();
    int code =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(new StringWriter(), true))
            .execute(
                "token", "create", "--role", role, "--name", name, "--data-dir", dir.toString());
    assertThat(code).isEqualTo(0);
    return out.toString().strip();
  }

  @BeforeAll
  static void start() throws Exception {
    operator = createToken(dataDir, "operator", "ci-bot");
    viewer = createToken(dataDir, "viewer", "dash");
    flooder = createToken(dataDir, "viewer", "flood");
    auditor = createToken(dataDir, "operator", "auditor");
    service =
        Infertune.start(
            new ServiceConfig("0.0.0.0", 0, dataDir, new SecurityConfig(true, 0.2, BURST)));
    http = new BearerHttp(service.port());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void callsNeedATokenOfTheRightRoleAndEveryChangeTriedIsAudited() throws Exception {
    String study =
        """
        {"name": "s", "parameters": [{"name": "x", "type": "float", "min": 0, "max": 1}],
         "objectives": [{"name": "y", "direction": "minimize"}]}
        """;
    // Anonymous: 401, also for reads; health stays open; metrics need a viewer (--metrics-auth).
    BearerHttp.Response anonymous = http.post("/api/v1/studies", null, study);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("www-authenticate")).isPresent();
    assertThat(http.get("/api/v1/campaigns", null).status()).isEqualTo(401);
    assertThat(http.get("/health", null).status()).isEqualTo(200);
    assertThat(http.get("/metrics", null).status()).isEqualTo(401);
    assertThat(http.get("/metrics", viewer).body()).contains("infertune_campaigns_active");

    // A viewer reads, and may not change anything.
    assertThat(http.get("/api/v1/campaigns", viewer).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/runtimes/embedded", viewer).status()).isEqualTo(200);
    assertThat(http.post("/api/v1/studies", viewer, study).status()).isEqualTo(403);
    assertThat(http.post("/api/v1/runtimes/embedded/rollback", viewer, null).status())
        .isEqualTo(403);
    assertThat(http.get("/api/v1/audit", viewer).status()).isEqualTo(403);

    // An operator changes things; a mistake is still a 400 naming the field.
    assertThat(http.post("/api/v1/studies", operator, study).status()).isEqualTo(201);
    BearerHttp.Response bad =
        http.post(
            "/api/v1/campaigns",
            operator,
            "{\"runtime\": \"embedded\", \"budget\": {\"maxTrails\": 3}}");
    assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    assertThat(bad.json().get("field").asText()).isEqualTo("budget.maxTrails");

    List<String> audit =
        awaitAudit(
            List.of(
                "anonymous POST /api/v1/studies 401",
                "dash POST /api/v1/studies 403",
                "dash POST /api/v1/runtimes/embedded/rollback 403",
                "ci-bot POST /api/v1/studies 201",
                "ci-bot POST /api/v1/campaigns 400"));
    // Reads are not audited.
    assertThat(audit).noneMatch(line -> line.contains(" GET "));

    // A change records the token that made it.
    int batch =
        http.get("/api/v1/runtimes/embedded", viewer).json().at("/current/batch_size").asInt();
    BearerHttp.Response push =
        http.post(
            "/api/v1/runtimes/embedded/config",
            operator,
            "{\"configuration\": {\"batch_size\": " + batch + "}, \"reason\": \"same\"}");
    assertThat(push.status()).as(push.body()).isEqualTo(200);
    assertThat(push.json().get("cause").asText()).isEqualTo("operator:ci-bot");
  }

  @Test
  void aFloodingTokenGets429WithRetryAfterWhileOthersGoOn() throws Exception {
    List<Integer> statuses = new ArrayList<>();
    BearerHttp.Response limited = null;
    for (int i = 0; i < BURST + 10; i++) {
      BearerHttp.Response r = http.get("/api/v1/runtimes", flooder);
      statuses.add(r.status());
      if (r.status() == 429) {
        limited = r;
      }
    }
    assertThat(statuses).containsOnly(200, 429);
    // Forty requests in far less than 45 s: at most 30 + a few granted.
    assertThat(statuses.stream().filter(s -> s == 429).count()).isGreaterThanOrEqualTo(5);
    assertThat(limited).isNotNull();
    assertThat(Long.parseLong(limited.header("retry-after").orElseThrow())).isBetween(1L, 5L);
    assertThat(limited.json().get("error").asText()).contains("too many requests");
    assertThat(http.get("/api/v1/runtimes", viewer).status()).isEqualTo(200);
  }

  @Test
  void serveRefusesToListenBeyondLoopbackWithoutTokens(@TempDir Path empty) throws Exception {
    StringWriter err = new StringWriter();
    int code =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () ->
                new CommandLine(new Main())
                    .setErr(new PrintWriter(err, true))
                    .execute(
                        "serve",
                        "--host",
                        "0.0.0.0",
                        "--port",
                        "0",
                        "--data-dir",
                        empty.toString()));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("refusing to listen on 0.0.0.0 without API tokens")
        .contains("token create");
    // Nothing was extracted or started: it stopped at the database.
    assertThat(Files.exists(empty.resolve("models"))).isFalse();
  }

  /** The audit log, as "actor METHOD path status" lines, once it has every line expected. */
  private static List<String> awaitAudit(List<String> expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      BearerHttp.Response r = http.get("/api/v1/audit?limit=1000", auditor);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      List<String> lines = new ArrayList<>();
      for (JsonNode e : r.json().get("entries")) {
        lines.add(
            e.get("actor").asText()
                + " "
                + e.get("method").asText()
                + " "
                + e.get("path").asText()
                + " "
                + e.get("status").asInt());
        assertThat(e.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
      }
      if (lines.containsAll(expected) || System.nanoTime() > deadline) {
        assertThat(lines).containsAll(expected);
        return lines;
      }
      // Entries are written just after the answer: poll the real service with a deadline.
      Thread.sleep(200);
    }
  }
}
