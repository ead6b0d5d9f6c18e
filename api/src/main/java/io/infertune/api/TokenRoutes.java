package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.access.ApiToken;
import io.infertune.tuner.access.Role;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.space.Names;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Set;

/**
 * The API tokens of the running service (operator token; {@link ApiSecurity} sees to the role):
 *
 * <pre>
 * GET    /api/v1/tokens          {"tokens": [{"name", "role", "createdAt"}]}, oldest first; never a
 *                                secret or a hash
 * POST   /api/v1/tokens          {"name", "role": "viewer"|"operator"} -> 201 {"name", "role",
 *                                "createdAt", "secret"}: the secret is shown this once
 * DELETE /api/v1/tokens/{name}   204; refused from the next request on
 * </pre>
 *
 * Changes take effect for the very next request ({@link ApiSecurity#create}, {@link
 * ApiSecurity#revoke}, which also say when a change is refused for leaving no operator token). Both
 * are audited like every mutating call: the audit log keeps the method, the path (the revoked
 * token's name) and the status, never a body, so never a secret.
 */
final class TokenRoutes {
  static final String PATH = "/api/v1/tokens";

  private static final Set<String> MEMBERS = Set.of("name", "role");

  private final ApiSecurity security;
  private final SecureRandom random;
  private final Ticker ticker;
  private final ObjectMapper mapper = WireFormat.mapper();

  TokenRoutes(ApiSecurity security, SecureRandom random, Ticker ticker) {
    this.security = Objects.requireNonNull(security, "security");
    this.random = Objects.requireNonNull(random, "random");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  void mount(Router router) {
    router.get(PATH).handler(this::list);
    router.post(PATH).blockingHandler(this::create, false);
    router.delete(PATH + "/:name").blockingHandler(this::revoke, false);
  }

  private void list(RoutingContext ctx) {
    ObjectNode o = mapper.createObjectNode();
    ArrayNode tokens = o.putArray("tokens");
    security.tokens().forEach(t -> tokens.add(json(t)));
    ApiVerticle.json(ctx, 200, o);
  }

  private void create(RoutingContext ctx) {
    JsonNode body = RequestBodies.json(ctx);
    if (!body.isObject()) {
      throw ApiException.badRequest(null, "the body must be a JSON object");
    }
    RequestBodies.requireKnownMembers(body, "", MEMBERS);
    String name = text(body, "name", "a name of letters, digits, '.', '_' and '-'");
    try {
      Names.require("token", name);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("name", e.getMessage());
    }
    Role role;
    try {
      role = Role.parse(text(body, "role", "viewer or operator"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("role", e.getMessage());
    }
    String secret = ApiTokens.newSecret(random);
    ApiToken token =
        new ApiToken(
            name, role, ApiTokens.sha256Hex(secret), ticker.now().truncatedTo(ChronoUnit.MICROS));
    security.create(token);
    ctx.response().putHeader("location", PATH + "/" + name);
    ApiVerticle.json(ctx, 201, json(token).put("secret", secret));
  }

  private void revoke(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!security.revoke(name)) {
      throw ApiException.notFound("no token named '" + shorten(name) + "'");
    }
    ctx.response().setStatusCode(204).end();
  }

  private static String text(JsonNode body, String member, String expected) {
    JsonNode v = body.get(member);
    if (v == null || v.isNull()) {
      throw ApiException.badRequest(member, member + " is required: " + expected);
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(member, member + " must be a string: " + expected);
    }
    return v.asText();
  }

  private ObjectNode json(ApiToken t) {
    return mapper
        .createObjectNode()
        .put("name", t.name())
        .put("role", t.role().wireName())
        .put("createdAt", t.createdAt().toString());
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
