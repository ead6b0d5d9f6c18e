package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infertune.store.Stores;
import io.infertune.store.TrialStores;
import io.infertune.tuner.access.ApiToken;
import io.infertune.tuner.access.Role;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v1/tokens} on the real service (H2 file, HTTP on loopback): tokens made and revoked
 * while it runs count from the very next request, only an operator manages them, the last operator
 * token stays, and the audit log records the changes without their secrets.
 */
class TokenRoutesTest {
  @TempDir Path dataDir;
  private Infertune service;
  private BearerHttp http;

  /** The bootstrap tokens, made in the stopped service's database as an operator would. */
  private String root;

  private String viewer;

  private void start(boolean withTokens) throws Exception {
    if (withTokens) {
      try (Stores stores = TrialStores.openAllH2(dataDir)) {
        root = bootstrap(stores, "root", Role.OPERATOR);
        viewer = bootstrap(stores, "dash", Role.VIEWER);
      }
    }
    service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir));
    http = new BearerHttp(service.port());
  }

  private static String bootstrap(Stores stores, String name, Role role) {
    String secret = ApiTokens.newSecret(new java.security.SecureRandom());
    stores.tokens().create(new ApiToken(name, role, ApiTokens.sha256Hex(secret), Instant.EPOCH));
    return secret;
  }

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
  }

  private BearerHttp.Response create(String secret, String name, String role) throws Exception {
    return http.post(
        "/api/v1/tokens", secret, "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}");
  }

  private BearerHttp.Response revoke(String secret, String name) throws Exception {
    return http.send("DELETE", "/api/v1/tokens/" + name, "Bearer " + secret, null);
  }

  private List<String> names(String secret) throws Exception {
    BearerHttp.Response r = http.get("/api/v1/tokens", secret);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    r.json().get("tokens").forEach(t -> out.add(t.get("name").asText()));
    return out;
  }

  @Test
  void aTokenCreatedOverRestWorksAtOnceAndItsSecretIsShownOnlyThen() throws Exception {
    start(true);
    BearerHttp.Response created = create(root, "ci-bot", "operator");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("location")).hasValue("/api/v1/tokens/ci-bot");
    JsonNode body = created.json();
    assertThat(body.get("name").asText()).isEqualTo("ci-bot");
    assertThat(body.get("role").asText()).isEqualTo("operator");
    Instant at = Instant.parse(body.get("createdAt").asText());
    assertThat(at).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    String secret = body.get("secret").asText();
    assertThat(secret).matches("itk_[A-Za-z0-9_-]{43}");

    // The very next request with it is served, a change included.
    assertThat(http.get("/api/v1/runtimes", secret).status()).isEqualTo(200);
    assertThat(create(secret, "made-by-ci", "viewer").status()).isEqualTo(201);

    BearerHttp.Response listed = http.get("/api/v1/tokens", secret);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(names(secret)).containsExactly("dash", "root", "ci-bot", "made-by-ci");
    assertThat(listed.body())
        .doesNotContain(secret)
        .doesNotContain(ApiTokens.sha256Hex(secret))
        .doesNotContain("secret")
        .doesNotContain("sha256");
    for (JsonNode t : listed.json().get("tokens")) {
      assertThat(t.properties())
          .extracting(e -> e.getKey())
          .containsOnly("name", "role", "createdAt");
    }
  }

  @Test
  void aTokenRevokedOverRestIsRefusedOnTheVeryNextRequest() throws Exception {
    start(true);
    String temp = create(root, "temp", "operator").json().get("secret").asText();
    assertThat(http.get("/api/v1/campaigns", temp).status()).isEqualTo(200);

    BearerHttp.Response revoked = revoke(root, "temp");
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(204);
    BearerHttp.Response next = http.get("/api/v1/campaigns", temp);
    assertThat(next.status()).as(next.body()).isEqualTo(401);
    assertThat(next.header("www-authenticate")).hasValueSatisfying(h -> h.contains("invalid"));
    assertThat(names(root)).containsExactly("dash", "root");
    // Gone from the store too: a restart does not bring it back.
    service.close();
    service = null;
    try (Stores stores = TrialStores.openAllH2(dataDir)) {
      assertThat(stores.tokens().list()).extracting(ApiToken::name).containsExactly("dash", "root");
    }
  }

  @Test
  void aViewerMayNotListCreateOrRevoke() throws Exception {
    start(true);
    assertThat(http.get("/api/v1/tokens", viewer).status()).isEqualTo(403);
    assertThat(create(viewer, "sneaky", "operator").status()).isEqualTo(403);
    assertThat(revoke(viewer, "root").status()).isEqualTo(403);
    assertThat(http.get("/api/v1/tokens", null).status()).isEqualTo(401);
    assertThat(create(null, "sneaky", "operator").status()).isEqualTo(401);
    assertThat(names(root)).containsExactly("dash", "root");
  }

  @Test
  void badInputIsA400NamingTheFieldATakenNameA409AnUnknownOneA404() throws Exception {
    start(true);
    String[][] cases = {
      {"{\"role\": \"viewer\"}", "name"},
      {"{\"name\": \"x\"}", "role"},
      {"{\"name\": \"a b\", \"role\": \"viewer\"}", "name"},
      {"{\"name\": \"" + "n".repeat(65) + "\", \"role\": \"viewer\"}", "name"},
      {"{\"name\": 7, \"role\": \"viewer\"}", "name"},
      {"{\"name\": \"x\", \"role\": \"admin\"}", "role"},
      {"{\"name\": \"x\", \"role\": \"viewer\", \"secret\": \"itk_mine\"}", "secret"},
    };
    for (String[] c : cases) {
      BearerHttp.Response r = http.post("/api/v1/tokens", root, c[0]);
      assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(400);
      assertThat(r.json().get("field").asText()).as(r.body()).isEqualTo(c[1]);
    }
    assertThat(http.post("/api/v1/tokens", root, "[]").status()).isEqualTo(400);

    BearerHttp.Response taken = create(root, "dash", "operator");
    assertThat(taken.status()).as(taken.body()).isEqualTo(409);
    assertThat(taken.json().get("error").asText()).contains("'dash' exists already");

    BearerHttp.Response unknown = revoke(root, "nobody");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error").asText()).contains("no token named 'nobody'");
    assertThat(names(root)).containsExactly("dash", "root");
  }

  @Test
  void theLastOperatorTokenCannotBeRevokedButAnotherOneMayTakeOver() throws Exception {
    start(true);
    BearerHttp.Response last = revoke(root, "root");
    assertThat(last.status()).as(last.body()).isEqualTo(409);
    assertThat(last.json().get("error").asText())
        .contains("last operator token")
        .contains("Create another operator token first");
    assertThat(http.get("/api/v1/tokens", root).status()).isEqualTo(200);

    // A leaked root: make a new operator, revoke root with it, then the new one is the last.
    String fresh = create(root, "root-2", "operator").json().get("secret").asText();
    assertThat(revoke(fresh, "root").status()).isEqualTo(204);
    assertThat(http.get("/api/v1/tokens", root).status()).isEqualTo(401);
    assertThat(revoke(fresh, "root-2").status()).isEqualTo(409);
    // Viewers may go; they are no one's last resort.
    assertThat(revoke(fresh, "dash").status()).isEqualTo(204);
    assertThat(names(fresh)).containsExactly("root-2");
  }

  @Test
  void onAnOpenLoopbackServiceTheFirstTokenIsAnOperatorsAndTurnsAuthenticationOn()
      throws Exception {
    start(false);
    assertThat(http.get("/api/v1/campaigns", null).status()).isEqualTo(200);
    BearerHttp.Response firstViewer = create(null, "dash", "viewer");
    assertThat(firstViewer.status()).as(firstViewer.body()).isEqualTo(409);
    assertThat(firstViewer.json().get("error").asText()).contains("operator token first");
    assertThat(http.get("/api/v1/tokens", null).json().get("tokens")).isEmpty();

    String op = create(null, "root", "operator").json().get("secret").asText();
    // From the next request on, calls need a token.
    assertThat(http.get("/api/v1/campaigns", null).status()).isEqualTo(401);
    assertThat(http.get("/api/v1/campaigns", op).status()).isEqualTo(200);
    // And revoking the only token would silently reopen the API: refused.
    BearerHttp.Response only = revoke(op, "root");
    assertThat(only.status()).isEqualTo(409);
    assertThat(only.json().get("error").asText()).contains("open to anyone");
  }

  @Test
  void creationAndRevocationAreAuditedWithoutTheSecret() throws Exception {
    start(true);
    String secret = create(root, "audited", "viewer").json().get("secret").asText();
    assertThat(revoke(root, "audited").status()).isEqualTo(204);
    assertThat(revoke(viewer, "root").status()).isEqualTo(403);
    List<String> expected =
        List.of(
            "root POST /api/v1/tokens 201",
            "root DELETE /api/v1/tokens/audited 204",
            "dash DELETE /api/v1/tokens/root 403");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      BearerHttp.Response r = http.get("/api/v1/audit?limit=1000", root);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).doesNotContain(secret).doesNotContain(ApiTokens.sha256Hex(secret));
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
      }
      if (lines.containsAll(expected) || System.nanoTime() > deadline) {
        assertThat(lines).containsAll(expected);
        break;
      }
      // Entries are written just after the answer.
      Thread.sleep(100);
    }
  }

  @Test
  void anEventStreamOpenedWithARevokedTokenIsCutOff() throws Exception {
    start(true);
    String watcher = create(root, "watcher", "viewer").json().get("secret").asText();
    HttpClient client = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/api/v1/events"))
            .header("authorization", "Bearer " + watcher)
            .header("accept", "text/event-stream")
            .build();
    HttpResponse<InputStream> stream =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    InputStream in = stream.body();
    // Read until the stream ends, by end of stream or a reset connection.
    CompletableFuture<String> ended =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder seen = new StringBuilder();
              try {
                int b;
                while ((b = in.read()) >= 0) {
                  seen.append((char) b);
                }
                return "ended: " + seen;
              } catch (IOException e) {
                return "reset: " + seen;
              }
            });
    Thread.sleep(300);
    assertThat(ended).as("the stream stays open while the token is valid").isNotDone();

    assertThat(revoke(root, "watcher").status()).isEqualTo(204);
    String how = ended.get(10, TimeUnit.SECONDS);
    assertThat(how).contains("hello");
    // Reconnecting with it is refused.
    assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(401);
    // Other tokens go on.
    assertThat(http.get("/api/v1/runtimes", viewer).status()).isEqualTo(200);
    client.close();
  }
}
