package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.store.Stores;
import io.infertune.store.TrialStores;
import io.infertune.tuner.access.ApiToken;
import io.infertune.tuner.access.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code infertune token}: a secret printed once, only its hash kept, names listed, revocation. */
class TokenCommandTest {
  @TempDir Path dataDir;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return new CommandLine(new Main())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  private List<ApiToken> stored() {
    try (Stores stores = TrialStores.openAllH2(dataDir)) {
      return stores.tokens().list();
    }
  }

  @Test
  void createPrintsTheSecretAloneOnceAndKeepsOnlyItsHash() {
    assertThat(
            run(
                "token",
                "create",
                "--role",
                "operator",
                "--name",
                "ci-bot",
                "--data-dir",
                dataDir.toString()))
        .isEqualTo(0);
    String secret = out.toString().strip();
    assertThat(secret).matches("itk_[A-Za-z0-9_-]{43}");
    assertThat(err.toString()).contains("ci-bot", "shown this once");

    List<ApiToken> tokens = stored();
    assertThat(tokens)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.name()).isEqualTo("ci-bot");
              assertThat(t.role()).isEqualTo(Role.OPERATOR);
              assertThat(t.sha256()).isEqualTo(ApiTokens.sha256Hex(secret)).doesNotContain(secret);
            });

    assertThat(run("token", "list", "--data-dir", dataDir.toString())).isEqualTo(0);
    assertThat(out.toString())
        .contains("ci-bot", "operator")
        .doesNotContain(secret)
        .doesNotContain(tokens.get(0).sha256());
  }

  @Test
  void twoTokensGetDifferentSecretsAndADefaultNameSaysTheRole() {
    assertThat(run("token", "create", "--role", "viewer", "--data-dir", dataDir.toString()))
        .isEqualTo(0);
    String first = out.toString().strip();
    assertThat(run("token", "create", "--role", "VIEWER", "--data-dir", dataDir.toString()))
        .isEqualTo(0);
    assertThat(out.toString().strip()).isNotEqualTo(first);
    assertThat(stored())
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.name()).matches("viewer-[0-9a-f]{8}"));
  }

  @Test
  void aTakenNameAnUnknownRoleAndABadNameAreRefused() {
    String dir = dataDir.toString();
    assertThat(run("token", "create", "--role", "operator", "--name", "x", "--data-dir", dir))
        .isEqualTo(0);
    assertThat(run("token", "create", "--role", "viewer", "--name", "x", "--data-dir", dir))
        .isEqualTo(1);
    assertThat(err.toString()).contains("exists already");
    assertThat(out.toString()).isEmpty();
    assertThat(run("token", "create", "--role", "admin", "--data-dir", dir)).isEqualTo(2);
    assertThat(err.toString()).contains("viewer or operator");
    assertThat(run("token", "create", "--role", "viewer", "--name", "a b", "--data-dir", dir))
        .isEqualTo(2);
    assertThat(run("token", "create", "--data-dir", dir)).isEqualTo(2);
    assertThat(stored()).extracting(ApiToken::name).containsExactly("x");
  }

  @Test
  void revokeRemovesTheTokenAndSaysWhenThereIsNone() {
    String dir = dataDir.toString();
    run("token", "create", "--role", "operator", "--name", "a", "--data-dir", dir);
    run("token", "create", "--role", "viewer", "--name", "b", "--data-dir", dir);
    assertThat(run("token", "revoke", "a", "--data-dir", dir)).isEqualTo(0);
    assertThat(run("token", "revoke", "a", "--data-dir", dir)).isEqualTo(1);
    assertThat(err.toString()).contains("no token named 'a'");
    assertThat(stored()).extracting(ApiToken::name).containsExactly("b");
  }

  /**
   * With {@code --url} the commands go through the running service (which holds the database): a
   * token made so works at once, one revoked so is refused at once.
   */
  @Test
  void withUrlTheCommandsChangeTheRunningServiceAtOnce() throws Exception {
    String dir = dataDir.toString();
    assertThat(run("token", "create", "--role", "operator", "--name", "root", "--data-dir", dir))
        .isEqualTo(0);
    String root = out.toString().strip();
    try (Infertune service = Infertune.start(new ServiceConfig("127.0.0.1", 0, dataDir))) {
      String url = "http://127.0.0.1:" + service.port();
      BearerHttp http = new BearerHttp(service.port());

      assertThat(
              run(
                  "token", "create", "--role", "viewer", "--name", "dash", "--url", url, "--token",
                  root))
          .as(err.toString())
          .isEqualTo(0);
      String dash = out.toString().strip();
      assertThat(dash).matches("itk_[A-Za-z0-9_-]{43}");
      assertThat(err.toString()).contains("dash", "shown this once");
      assertThat(http.get("/api/v1/campaigns", dash).status()).isEqualTo(200);

      assertThat(run("token", "list", "--url", url, "--token", root)).isEqualTo(0);
      assertThat(out.toString())
          .contains("NAME", "root", "operator", "dash", "viewer")
          .doesNotContain(dash)
          .doesNotContain(root);

      assertThat(run("token", "revoke", "dash", "--url", url, "--token", root)).isEqualTo(0);
      assertThat(err.toString()).contains("Revoked token 'dash'");
      assertThat(http.get("/api/v1/campaigns", dash).status()).isEqualTo(401);

      // Refusals: the service's status and message, exit code 1.
      assertThat(run("token", "revoke", "dash", "--url", url, "--token", root)).isEqualTo(1);
      assertThat(err.toString()).contains("HTTP 404", "no token named 'dash'");
      assertThat(run("token", "revoke", "root", "--url", url, "--token", root)).isEqualTo(1);
      assertThat(err.toString()).contains("HTTP 409", "last operator token");
      assertThat(run("token", "list", "--url", url)).isEqualTo(1);
      assertThat(err.toString()).contains("HTTP 401");
      assertThat(run("token", "create", "--role", "viewer", "--url", url, "--token", dash))
          .isEqualTo(1);
      assertThat(out.toString()).isEmpty();

      // Usage errors: both places at once, or no URL.
      assertThat(run("token", "list", "--url", url, "--data-dir", dir)).isEqualTo(2);
      assertThat(err.toString()).contains("exclude each other");
      assertThat(run("token", "list", "--url", "ftp://x")).isEqualTo(2);
    }
    // The service is gone: the data directory again, with what the service wrote.
    assertThat(stored()).extracting(ApiToken::name).containsExactly("root");
    assertThat(run("token", "list", "--url", "http://127.0.0.1:1", "--token", "x")).isEqualTo(3);
  }
}
