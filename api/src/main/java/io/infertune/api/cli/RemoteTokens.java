package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.tuner.access.Role;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code infertune token create|list|revoke --url URL}: the API tokens of a running service, over
 * {@code /api/v1/tokens}, so that a change takes effect at once. Each method prints what the
 * data-directory mode prints and returns the command's exit code ({@link ExitCodes}: 1 when the
 * service refuses, 3 when it cannot be reached).
 */
public final class RemoteTokens {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ROW = "%-32s %-9s %s%n";

  private final ServiceClient client;
  private final PrintWriter out;
  private final PrintWriter err;

  private RemoteTokens(ServiceClient client, PrintWriter out, PrintWriter err) {
    this.client = client;
    this.out = out;
    this.err = err;
  }

  /**
   * The service at {@code url}, called with {@code token} ({@code Authorization: Bearer}).
   *
   * @throws IllegalArgumentException when {@code url} is no http(s) URL
   */
  public static RemoteTokens at(
      String url, Optional<String> token, PrintWriter out, PrintWriter err) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return new RemoteTokens(new ServiceClient(MAPPER, uri, token), out, err);
      }
    } catch (URISyntaxException e) {
      // reported below, as a URL of another scheme is
    }
    throw new IllegalArgumentException(
        "Invalid value for option '--url': expected http://HOST:PORT or https://..., got '"
            + url
            + "'");
  }

  /** The header of a token listing. */
  public static void printHeader(PrintWriter out) {
    out.printf(ROW, "NAME", "ROLE", "CREATED");
  }

  /** One line of a token listing (never a secret or a hash). */
  public static void printRow(PrintWriter out, String name, String role, Instant createdAt) {
    out.printf(ROW, name, role, createdAt.truncatedTo(ChronoUnit.SECONDS));
  }

  /** Creates the token; its secret alone goes to standard output. */
  public int create(String name, Role role) throws InterruptedException {
    ObjectNode body = MAPPER.createObjectNode().put("name", name).put("role", role.wireName());
    JsonNode created;
    try {
      created = client.post("/api/v1/tokens", body);
    } catch (ServiceException e) {
      return failed(e);
    }
    String secret = created.path("secret").asText("");
    if (secret.isEmpty()) {
      err.println("infertune: the service answered without a secret: " + created);
      return ExitCodes.UNAVAILABLE;
    }
    err.println(
        "Created token '"
            + name
            + "' ("
            + role.wireName()
            + ") on "
            + client.base()
            + ". Its secret, shown this once (only its hash is kept):");
    err.flush();
    out.println(secret);
    out.flush();
    err.println(
        "Call the API with the header  Authorization: Bearer <secret>  (valid from now on).");
    err.flush();
    return ExitCodes.OK;
  }

  /** Lists the tokens: names, roles, creation times. */
  public int list() throws InterruptedException {
    JsonNode listed;
    try {
      listed = client.get("/api/v1/tokens");
    } catch (ServiceException e) {
      return failed(e);
    }
    printHeader(out);
    for (JsonNode t : listed.path("tokens")) {
      Instant created;
      try {
        created = Instant.parse(t.path("createdAt").asText());
      } catch (DateTimeParseException e) {
        created = Instant.EPOCH;
      }
      printRow(out, t.path("name").asText(), t.path("role").asText(), created);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Revokes the token: the service refuses it from its next request on. */
  public int revoke(String name) throws InterruptedException {
    try {
      client.delete("/api/v1/tokens/" + ClientCommand.segment(name));
    } catch (ServiceException e) {
      return failed(e);
    }
    err.println("Revoked token '" + name + "' on " + client.base() + " (refused from now on).");
    err.flush();
    return ExitCodes.OK;
  }

  private int failed(ServiceException e) {
    err.println("infertune: " + e.describe());
    err.flush();
    return e.exitCode();
  }
}
