package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.store.JdbcAuditLog;
import io.infertune.store.JdbcTokenStore;
import io.infertune.tuner.access.ApiToken;
import io.infertune.tuner.access.Role;
import io.infertune.tuner.testkit.ManualTicker;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/whoami} over real HTTP on loopback, behind the real guard: who the caller is
 * on an open API, with a viewer's and an operator's token, and 401 without a valid one.
 */
class WhoAmITest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String VIEWER = ApiTokens.newSecret(RANDOM);
  private static final String OPERATOR = ApiTokens.newSecret(RANDOM);
  private static final List<ApiToken> TOKENS =
      List.of(token("dash", Role.VIEWER, VIEWER), token("ci-bot", Role.OPERATOR, OPERATOR));

  private static Vertx vertx;
  private JdbcConnectionPool pool;
  private JdbcAuditLog audit;
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
    pool = JdbcConnectionPool.create("jdbc:h2:mem:whoami-" + UUID.randomUUID(), "sa", "");
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

  /** Serves only the guard and its routes, as the service mounts them. */
  private BearerHttp serve(List<ApiToken> tokens, boolean enforced) throws Exception {
    Router router = Router.router(vertx);
    JdbcTokenStore store = new JdbcTokenStore(pool);
    tokens.forEach(store::create);
    // Enforced as a service beyond loopback is; open as one on loopback without tokens.
    new ApiSecurity(store, !enforced, SecurityConfig.UNLIMITED, audit, new ManualTicker())
        .mount(vertx, router);
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

  private static JsonNode ok(BearerHttp.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void onAnOpenApiEveryoneIsAnAnonymousOperator() throws Exception {
    BearerHttp http = serve(List.of(), false);
    JsonNode me = ok(http.get(ApiSecurity.WHOAMI_PATH, null));
    assertThat(me.get("name").asText()).isEqualTo("anonymous");
    assertThat(me.get("role").asText()).isEqualTo("operator");
    assertThat(me.get("enforced").asBoolean()).isFalse();
  }

  @Test
  void withEnforcementATokenIsNamedWithItsRole() throws Exception {
    BearerHttp http = serve(TOKENS, true);
    JsonNode viewer = ok(http.get(ApiSecurity.WHOAMI_PATH, VIEWER));
    assertThat(viewer.get("name").asText()).isEqualTo("dash");
    assertThat(viewer.get("role").asText()).isEqualTo("viewer");
    assertThat(viewer.get("enforced").asBoolean()).isTrue();

    JsonNode operator = ok(http.get(ApiSecurity.WHOAMI_PATH, OPERATOR));
    assertThat(operator.get("name").asText()).isEqualTo("ci-bot");
    assertThat(operator.get("role").asText()).isEqualTo("operator");
    assertThat(operator.get("enforced").asBoolean()).isTrue();
  }

  @Test
  void withEnforcementNoTokenOrAnInvalidOneIs401() throws Exception {
    BearerHttp http = serve(TOKENS, true);
    BearerHttp.Response none = http.get(ApiSecurity.WHOAMI_PATH, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("www-authenticate")).hasValue("Bearer realm=\"infertune\"");

    BearerHttp.Response invalid = http.get(ApiSecurity.WHOAMI_PATH, VIEWER + "x");
    assertThat(invalid.status()).isEqualTo(401);
    assertThat(invalid.json().get("error").asText()).contains("not valid");
    assertThat(invalid.header("www-authenticate"))
        .hasValueSatisfying(h -> assertThat(h).contains("invalid_token"));
  }
}
