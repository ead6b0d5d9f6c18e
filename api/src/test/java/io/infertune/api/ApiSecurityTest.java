package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.store.JdbcAuditLog;
import io.infertune.store.JdbcTokenStore;
import io.infertune.tuner.access.ApiToken;
import io.infertune.tuner.access.AuditEntry;
import io.infertune.tuner.access.AuditRecord;
import io.infertune.tuner.access.Role;
import io.infertune.tuner.testkit.ManualTicker;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard over real HTTP on loopback, in front of stand-in routes: who gets in (401 vs 403), how
 * often (429 on a manual clock), and what the audit log records.
 */
class ApiSecurityTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String VIEWER = ApiTokens.newSecret(RANDOM);
  private static final String OPERATOR = ApiTokens.newSecret(RANDOM);
  private static final List<ApiToken> TOKENS =
      List.of(token("dash", Role.VIEWER, VIEWER), token("ci-bot", Role.OPERATOR, OPERATOR));

  private static Vertx vertx;
  private JdbcConnectionPool pool;
  private JdbcAuditLog audit;
  private final ManualTicker ticker = new ManualTicker();
  private HttpServer server;

  private static ApiToken token(String name, Role role, String secret) {
    return new ApiToken(name, role, ApiTokens.sha256Hex(secret), Instant.EPOCH);
  }

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void openAudit() {
    pool = JdbcConnectionPool.create("jdbc:h2:mem:audit-" + UUID.randomUUID(), "sa", "");
    audit = new JdbcAuditLog(pool);
  }

  @AfterEach
  void closeAll() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    audit.close();
    pool.dispose();
  }

  /** Serves stand-in routes behind {@code security}; returns a client for them. */
  private BearerHttp serve(ApiSecurity security) throws Exception {
    Router router = Router.router(vertx);
    security.mount(vertx, router);
    router.get("/health").handler(ctx -> ctx.end("up"));
    router.get("/metrics").handler(ctx -> ctx.end("# metrics"));
    router.get("/").handler(ctx -> ctx.end("<html>dashboard</html>"));
    router.get("/api/v1/things").handler(ctx -> ApiVerticle.json(ctx, 200, json("{}")));
    router.post("/api/v1/things").handler(ctx -> ApiVerticle.json(ctx, 201, json("{}")));
    router
        .post("/api/v1/bad")
        .handler(ctx -> ApiVerticle.json(ctx, 400, json("{\"error\": \"no\"}")));
    router
        .route()
        .failureHandler(
            ctx -> {
              int status = ctx.failure() instanceof ApiException e ? e.status() : 500;
              ApiVerticle.json(
                  ctx,
                  status,
                  json(
                      "{\"error\": \"failed\", \"field\": \""
                          + (ctx.failure() instanceof ApiException e ? e.field().orElse("") : "")
                          + "\"}"));
            });
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return new BearerHttp(server.actualPort());
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String s) {
    return io.infertune.store.json.WireFormat.parse(s);
  }

  /** Security as beyond loopback (tokens always enforced), with {@link #TOKENS}. */
  private ApiSecurity enforced(SecurityConfig config) {
    JdbcTokenStore tokens = new JdbcTokenStore(pool);
    TOKENS.forEach(tokens::create);
    return new ApiSecurity(tokens, false, config, audit, ticker);
  }

  /** The audit log once it holds {@code n} entries (they are written after the answer). */
  private List<AuditRecord> awaitAudit(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      List<AuditRecord> page = audit.page(100, OptionalLong.empty());
      if (page.size() >= n || System.nanoTime() > deadline) {
        assertThat(page).hasSize(n);
        return page.reversed();
      }
      // The entries are written on a worker thread after the answer: poll with a deadline.
      Thread.sleep(20);
    }
  }

  @Test
  void withoutTokensOnLoopbackTheApiIsOpenAndMutatingCallsAreAuditedAsAnonymous() throws Exception {
    BearerHttp http =
        serve(
            new ApiSecurity(
                new JdbcTokenStore(pool), true, SecurityConfig.UNLIMITED, audit, ticker));
    assertThat(http.get("/api/v1/things", null).status()).isEqualTo(200);
    assertThat(http.post("/api/v1/things", null, "{}").status()).isEqualTo(201);
    List<AuditRecord> log = awaitAudit(1);
    AuditEntry e = log.get(0).entry();
    assertThat(e.actor()).isEqualTo(AuditEntry.ANONYMOUS);
    assertThat(e.method()).isEqualTo("POST");
    assertThat(e.path()).isEqualTo("/api/v1/things");
    assertThat(e.status()).isEqualTo(201);
    assertThat(e.remoteAddress()).isEqualTo("127.0.0.1");
    assertThat(e.at()).isEqualTo(ticker.now());
  }

  @Test
  void noTokenIs401WithABearerChallenge() throws Exception {
    BearerHttp http = serve(enforced(SecurityConfig.UNLIMITED));
    BearerHttp.Response r = http.get("/api/v1/things", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("www-authenticate")).contains("Bearer realm=\"infertune\"");
    assertThat(r.json().get("error").asText()).contains("Authorization: Bearer");
    assertThat(r.json().has("field")).isTrue();
  }

  @Test
  void aWrongOrMalformedTokenIs401InvalidToken() throws Exception {
    BearerHttp http = serve(enforced(SecurityConfig.UNLIMITED));
    for (String authorization :
        new String[] {
          "Bearer " + ApiTokens.newSecret(RANDOM),
          "Bearer " + VIEWER + "x",
          "Bearer " + VIEWER.substring(1),
          "Basic " + VIEWER,
          VIEWER,
          "Bearer " + "x".repeat(1000),
          "Bearer "
        }) {
      BearerHttp.Response r = http.send("GET", "/api/v1/things", authorization, null);
      assertThat(r.status()).as(authorization).isEqualTo(401);
      assertThat(r.header("www-authenticate"))
          .hasValueSatisfying(h -> assertThat(h).contains("error=\"invalid_token\""));
    }
    // The scheme is case-insensitive (RFC 7235).
    assertThat(http.send("GET", "/api/v1/things", "bearer " + VIEWER, null).status())
        .isEqualTo(200);
  }

  @Test
  void pathTricksDoNotGetPastTheGuard() throws Exception {
    BearerHttp http = serve(enforced(SecurityConfig.UNLIMITED));
    for (String path :
        new String[] {
          "/api/v1/things/",
          "/api/v1/../v1/things",
          "/x/../api/v1/things",
          "//api/v1/things",
          "/%61pi/v1/things",
          "/api/v1/thing%73",
          "/api/v1/things?x=/health",
          "/api/v1/things;/health"
        }) {
      int status = http.get(path, null).status();
      assertThat(status).as(path).isIn(400, 401, 404);
    }
  }

  @Test
  void aViewerReadsAndIsRefusedChangesWith403() throws Exception {
    BearerHttp http = serve(enforced(SecurityConfig.UNLIMITED));
    assertThat(http.get("/api/v1/things", VIEWER).status()).isEqualTo(200);
    BearerHttp.Response r = http.post("/api/v1/things", VIEWER, "{}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.header("www-authenticate"))
        .hasValueSatisfying(h -> assertThat(h).contains("error=\"insufficient_scope\""));
    assertThat(r.json().get("error").asText()).contains("'dash'", "viewer", "needs operator");
    assertThat(http.get(ApiSecurity.AUDIT_PATH, VIEWER).status()).isEqualTo(403);
    assertThat(http.get(BackupRoutes.PATH, VIEWER).status())
        .as("a backup holds everything")
        .isEqualTo(403);
    for (String method : new String[] {"PUT", "DELETE", "PATCH"}) {
      assertThat(http.send(method, "/api/v1/things", "Bearer " + VIEWER, null).status())
          .as(method)
          .isEqualTo(403);
    }
  }

  @Test
  void anOperatorDoesEverything() throws Exception {
    BearerHttp http = serve(enforced(SecurityConfig.UNLIMITED));
    assertThat(http.get("/api/v1/things", OPERATOR).status()).isEqualTo(200);
    assertThat(http.post("/api/v1/things", OPERATOR, "{}").status()).isEqualTo(201);
    assertThat(http.get(ApiSecurity.AUDIT_PATH, OPERATOR).status()).isEqualTo(200);
  }

  @Test
  void healthTheDashboardAndByDefaultMetricsStayOpen() throws Exception {
    BearerHttp http = serve(enforced(SecurityConfig.UNLIMITED));
    assertThat(http.get("/health", null).status()).isEqualTo(200);
    assertThat(http.get("/", null).status()).isEqualTo(200);
    assertThat(http.get("/metrics", null).status()).isEqualTo(200);
  }

  @Test
  void metricsAuthPutsMetricsBehindAViewerToken() throws Exception {
    BearerHttp http = serve(enforced(new SecurityConfig(true, 0, 1)));
    assertThat(http.get("/metrics", null).status()).isEqualTo(401);
    assertThat(http.get("/metrics", VIEWER).status()).isEqualTo(200);
    assertThat(http.get("/health", null).status()).isEqualTo(200);
  }

  @Test
  void everyMutatingCallIsAuditedWithWhoAndHowItWasAnswered() throws Exception {
    BearerHttp http = serve(enforced(SecurityConfig.UNLIMITED));
    http.post("/api/v1/things", OPERATOR, "{}");
    ticker.advance(Duration.ofSeconds(1));
    http.post("/api/v1/things", VIEWER, "{}");
    ticker.advance(Duration.ofSeconds(1));
    http.post("/api/v1/things", null, "{}");
    ticker.advance(Duration.ofSeconds(1));
    http.post("/api/v1/bad", OPERATOR, "{}");
    http.send("DELETE", "/api/v1/nowhere", "Bearer " + OPERATOR, null);
    // Reads are not audited.
    http.get("/api/v1/things", OPERATOR);
    http.get("/api/v1/things", null);

    List<AuditRecord> log = awaitAudit(5);
    assertThat(log)
        .extracting(
            r ->
                r.entry().actor()
                    + " "
                    + r.entry().method()
                    + " "
                    + r.entry().path()
                    + " "
                    + r.entry().status())
        .containsExactlyInAnyOrder(
            "ci-bot POST /api/v1/things 201",
            "dash POST /api/v1/things 403",
            "anonymous POST /api/v1/things 401",
            "ci-bot POST /api/v1/bad 400",
            "ci-bot DELETE /api/v1/nowhere 404");
  }

  @Test
  void theAuditLogIsPagedNewestFirst() throws Exception {
    for (int i = 0; i < 5; i++) {
      audit.append(
          new AuditEntry(Instant.EPOCH.plusSeconds(i), "ci-bot", "POST", "/p" + i, 200, "::1"));
    }
    BearerHttp http = serve(enforced(SecurityConfig.UNLIMITED));
    var first = http.get(ApiSecurity.AUDIT_PATH + "?limit=2", OPERATOR).json();
    assertThat(first.get("entries").findValuesAsText("path")).containsExactly("/p4", "/p3");
    long next = first.get("nextBefore").asLong();
    var second = http.get(ApiSecurity.AUDIT_PATH + "?limit=2&before=" + next, OPERATOR).json();
    assertThat(second.get("entries").findValuesAsText("path")).containsExactly("/p2", "/p1");
    var all = http.get(ApiSecurity.AUDIT_PATH, OPERATOR).json();
    assertThat(all.get("entries")).hasSize(5);
    assertThat(all.has("nextBefore")).isFalse();
    var e = all.get("entries").get(0);
    assertThat(e.get("actor").asText()).isEqualTo("ci-bot");
    assertThat(e.get("status").asInt()).isEqualTo(200);
    assertThat(e.get("remoteAddress").asText()).isEqualTo("::1");
    assertThat(e.get("at").asText()).isEqualTo("1970-01-01T00:00:04Z");
  }

  @Test
  void badPagingParametersAre400NamingThem() throws Exception {
    BearerHttp http = serve(enforced(SecurityConfig.UNLIMITED));
    for (String[] c :
        new String[][] {
          {"limit=0", "limit"},
          {"limit=1001", "limit"},
          {"limit=ten", "limit"},
          {"limit=1e3", "limit"},
          {"limit=99999999999999999999", "limit"},
          {"limit=1&limit=2", "limit"},
          {"before=0", "before"},
          {"before=-5", "before"},
          {"page=2", "page"}
        }) {
      BearerHttp.Response r = http.get(ApiSecurity.AUDIT_PATH + "?" + c[0], OPERATOR);
      assertThat(r.status()).as(c[0]).isEqualTo(400);
      assertThat(r.json().get("field").asText()).as(c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void eachCallerIsRateLimitedWith429AndRetryAfter() throws Exception {
    BearerHttp http = serve(enforced(new SecurityConfig(false, 0.5, 3)));
    for (int i = 0; i < 3; i++) {
      assertThat(http.get("/api/v1/things", VIEWER).status()).isEqualTo(200);
    }
    BearerHttp.Response limited = http.get("/api/v1/things", VIEWER);
    assertThat(limited.status()).isEqualTo(429);
    // One permit every two seconds.
    assertThat(limited.header("retry-after")).contains("2");
    assertThat(limited.json().get("error").asText()).contains("too many requests");
    // Another token, and callers without one (by address), have buckets of their own.
    assertThat(http.get("/api/v1/things", OPERATOR).status()).isEqualTo(200);
    assertThat(http.get("/api/v1/things", null).status()).isEqualTo(401);
    // Health checks are never limited.
    assertThat(http.get("/health", VIEWER).status()).isEqualTo(200);

    ticker.advance(Duration.ofMillis(1999));
    assertThat(http.get("/api/v1/things", VIEWER).status()).isEqualTo(429);
    ticker.advance(Duration.ofMillis(1));
    assertThat(http.get("/api/v1/things", VIEWER).status()).isEqualTo(200);
  }

  @Test
  void callsRefusedForTheRateAreNotAudited() throws Exception {
    BearerHttp http = serve(enforced(new SecurityConfig(false, 1, 1)));
    assertThat(http.post("/api/v1/things", OPERATOR, "{}").status()).isEqualTo(201);
    assertThat(http.post("/api/v1/things", OPERATOR, "{}").status()).isEqualTo(429);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(http.post("/api/v1/things", OPERATOR, "{}").status()).isEqualTo(201);
    assertThat(awaitAudit(2)).extracting(r -> r.entry().status()).containsExactly(201, 201);
  }

  @Test
  void listeningBeyondLoopbackNeedsATokenAndThenEnforcesIt(
      @org.junit.jupiter.api.io.TempDir Path dir) {
    try (JdbcTokenStore tokens = new JdbcTokenStore(pool)) {
      ServiceConfig exposed = new ServiceConfig("0.0.0.0", 0, dir);
      assertThatThrownBy(() -> ApiSecurity.forService(exposed, tokens, audit, ticker))
          .isInstanceOf(RefusedToStartException.class)
          .hasMessageContaining("0.0.0.0")
          .hasMessageContaining("token create");
      // On loopback without tokens: open.
      ApiSecurity.forService(new ServiceConfig("127.0.0.1", 0, dir), tokens, audit, ticker);
      tokens.create(TOKENS.get(0));
      ApiSecurity.forService(exposed, tokens, audit, ticker);
    }
  }

  @Test
  void loopbackIsTheLoopbackInterfaceOnly() {
    assertThat(ApiSecurity.isLoopback("127.0.0.1")).isTrue();
    assertThat(ApiSecurity.isLoopback("127.3.2.1")).isTrue();
    assertThat(ApiSecurity.isLoopback("::1")).isTrue();
    assertThat(ApiSecurity.isLoopback("localhost")).isTrue();
    assertThat(ApiSecurity.isLoopback("0.0.0.0")).isFalse();
    assertThat(ApiSecurity.isLoopback("::")).isFalse();
    assertThat(ApiSecurity.isLoopback("10.1.2.3")).isFalse();
    assertThat(ApiSecurity.isLoopback("no-such-host.invalid")).isFalse();
  }
}
