package io.infertune.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.access.ApiToken;
import io.infertune.tuner.access.AuditEntry;
import io.infertune.tuner.access.AuditLog;
import io.infertune.tuner.access.AuditRecord;
import io.infertune.tuner.access.Role;
import io.infertune.tuner.access.TokenStore;
import io.infertune.tuner.measure.Ticker;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call the API, how often, and the record of what they changed. Mounted first on the
 * router, so that it sees every request before its body is read.
 *
 * <ul>
 *   <li><b>Authentication</b> ({@code Authorization: Bearer <secret>}) is enforced on {@code
 *       /api/...} (and on {@code /metrics} with {@link SecurityConfig#metricsAuth}) when at least
 *       one API token exists, or always when the service listens beyond loopback. With no token on
 *       loopback the API is open, as on a developer's machine. {@code /health}, the dashboard and
 *       the API's documentation are always open: they hold no secrets.
 *   <li><b>Roles</b>: {@code GET} needs a viewer; every other method, reading the audit log, a
 *       backup ({@code /api/v1/export}) and the list of tokens, an operator. 401 (with {@code
 *       WWW-Authenticate: Bearer}) when no valid token is presented, 403 when the token's role is
 *       too low.
 *   <li><b>Rate limit</b>: per token, or per client address for calls without a valid one: 429 with
 *       {@code Retry-After} (whole seconds).
 *   <li><b>Audit</b>: every mutating call ({@code POST}, {@code PUT}, {@code DELETE}, ...) to
 *       {@code /api/...} is recorded when its answer has been sent, refusals (401, 403, 4xx)
 *       included, except those refused for the rate limit (a flood must not flood the log). {@code
 *       GET /api/v1/audit?limit=&before=} reads it, newest first.
 * </ul>
 *
 * <p><b>Live tokens.</b> The tokens are read from the store at start-up and then changed through
 * {@link #create} and {@link #revoke} ({@code /api/v1/tokens}, {@link TokenRoutes}): each change is
 * written to the store first, then the whole token set is read back and swapped in at once, so the
 * very next request sees it. Whether calls need a token is worked out from that set on every
 * request: always beyond loopback, on loopback as soon as one token exists.
 *
 * <p><b>The last operator.</b> While tokens are enforced, the API refuses (409) a change that would
 * leave no operator token: revoking the last one, or making a viewer's the first token. Nobody
 * could then manage the service until a restart. This holds on loopback too, where revoking the
 * only token would instead silently reopen the API to everyone on the machine, the leaker of a
 * local token included: the way to go back to an open loopback API is deliberate, with the service
 * stopped ({@code infertune token revoke --data-dir}).
 *
 * <p><b>Streams.</b> A revoked token is refused from the next request on; reads that are still
 * going with it (a campaign's event stream above all) are cut off at once: their connection is
 * reset, and the client's reconnection is refused (401).
 *
 * @implNote thread-safe: the token set is an immutable snapshot in an {@link AtomicReference}; the
 *     writes are serialised by a lock (the service is the store's only writer while it runs), so
 *     that two revocations cannot both pass the last-operator check. A presented secret is hashed
 *     and compared with every token's hash in constant time ({@link MessageDigest#isEqual}),
 *     without an early exit, so that the time taken says nothing about which hash came close.
 */
final class ApiSecurity {
  private static final Logger log = LoggerFactory.getLogger(ApiSecurity.class);

  static final String AUDIT_PATH = "/api/v1/audit";
  static final String WHOAMI_PATH = "/api/v1/whoami";
  static final int DEFAULT_AUDIT_PAGE = 100;

  /** Longest Authorization value looked at; a longer one is invalid without being hashed. */
  private static final int MAX_AUTHORIZATION_CHARS = 512;

  private static final Set<HttpMethod> READS =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
  private static final String CHALLENGE = "Bearer realm=\"infertune\"";

  /** Where the guard leaves the caller's valid token in the routing context, for whoami. */
  private static final String CALLER_KEY = "infertune.caller";

  private record Known(ApiToken token, byte[] hash) {}

  /** The tokens at one moment, and whether calls need one then. */
  private record Snapshot(List<Known> tokens, boolean enforced) {
    boolean hasOperator() {
      return tokens.stream().anyMatch(k -> k.token().role() == Role.OPERATOR);
    }
  }

  /** A read in progress with a token, cut off when that token is revoked. */
  private record Reading(Context context, HttpServerResponse response) {}

  private final TokenStore store;
  private final boolean loopback;
  private final AtomicReference<Snapshot> current;
  private final Object writes = new Object();
  private final Map<String, Set<Reading>> readingsByToken = new ConcurrentHashMap<>();
  private final SecurityConfig config;
  private final Optional<RateLimiter> limiter;
  private final AuditLog audit;
  private final Ticker ticker;
  private final ObjectMapper mapper = WireFormat.mapper();

  /**
   * @param store where the tokens live; read now, and written by {@link #create} and {@link
   *     #revoke}
   * @param loopback whether the service listens on loopback only: then calls need a token only
   *     while one exists (else the API is open, and everyone anonymous); beyond it, always
   */
  ApiSecurity(
      TokenStore store, boolean loopback, SecurityConfig config, AuditLog audit, Ticker ticker) {
    this.store = Objects.requireNonNull(store, "store");
    this.loopback = loopback;
    this.current = new AtomicReference<>(snapshot(store.list()));
    this.config = Objects.requireNonNull(config, "config");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.limiter =
        config.rateLimited()
            ? Optional.of(
                new RateLimiter(config.requestsPerSecond(), config.burst(), ticker::nanos))
            : Optional.empty();
  }

  /**
   * The security of a service configured so, with the tokens in {@code store} now.
   *
   * @throws RefusedToStartException when the service would listen beyond loopback with no token
   */
  static ApiSecurity forService(
      ServiceConfig config, TokenStore store, AuditLog audit, Ticker ticker) {
    List<ApiToken> tokens = store.list();
    boolean loopback = isLoopback(config.host());
    if (!loopback && tokens.isEmpty()) {
      throw new RefusedToStartException(
          "refusing to listen on "
              + config.host()
              + " without API tokens: anyone who reaches that address could start campaigns and"
              + " push configurations. Create a token first (./infertune token create --role"
              + " operator --data-dir "
              + config.dataDir()
              + "), or listen on 127.0.0.1 only.");
    }
    return new ApiSecurity(store, loopback, config.security(), audit, ticker);
  }

  private Snapshot snapshot(List<ApiToken> tokens) {
    return new Snapshot(
        tokens.stream().map(t -> new Known(t, t.hashBytes())).toList(),
        !loopback || !tokens.isEmpty());
  }

  /** The tokens now, oldest first. */
  List<ApiToken> tokens() {
    return current.get().tokens().stream().map(Known::token).toList();
  }

  /**
   * Adds a token, valid from the next request on.
   *
   * @throws ApiException 409 when its name (or hash) is taken, or when it would be the first token
   *     and a viewer's (calls would then need a token, and none could manage the service)
   */
  void create(ApiToken token) {
    synchronized (writes) {
      Snapshot now = current.get();
      if (token.role() != Role.OPERATOR && !now.hasOperator()) {
        throw ApiException.conflict(
            "there is no operator token yet: with a first token every call needs one, and a"
                + " viewer's could not manage the service. Create an operator token first.");
      }
      try {
        store.create(token);
      } catch (IllegalStateException e) {
        throw ApiException.conflict("a token named '" + token.name() + "' exists already");
      } finally {
        // Whatever the store did, the set in force is what it holds now.
        current.set(snapshot(store.list()));
      }
    }
  }

  /**
   * Removes a token: refused from the next request on, and the reads still going with it (event
   * streams) cut off now.
   *
   * @return false when there is no such token
   * @throws ApiException 409 when tokens are enforced and it is the last operator token
   */
  boolean revoke(String name) {
    synchronized (writes) {
      Snapshot now = current.get();
      Optional<ApiToken> token =
          now.tokens().stream().map(Known::token).filter(t -> t.name().equals(name)).findFirst();
      if (token.isEmpty()) {
        return false;
      }
      boolean lastOperator =
          token.get().role() == Role.OPERATOR
              && now.tokens().stream()
                  .noneMatch(
                      k -> k.token().role() == Role.OPERATOR && !k.token().name().equals(name));
      if (now.enforced() && lastOperator) {
        throw ApiException.conflict(
            "token '"
                + name
                + "' is the last operator token: without it nobody could manage the service"
                + (loopback ? ", or, with no token left, the API would be open to anyone" : "")
                + ". Create another operator token first (POST /api/v1/tokens), then revoke this"
                + " one; to remove every token, stop the service and run infertune token revoke"
                + " --data-dir.");
      }
      boolean revoked;
      try {
        revoked = store.revoke(name);
      } finally {
        current.set(snapshot(store.list()));
      }
      cutOff(name);
      return revoked;
    }
  }

  /** Resets the connections of the reads in progress with {@code name}'s token. */
  private void cutOff(String name) {
    Set<Reading> readings = readingsByToken.remove(name);
    if (readings == null) {
      return;
    }
    for (Reading r : readings) {
      r.context().runOnContext(v -> r.response().reset());
    }
    log.info("token '{}' revoked: {} read(s) in progress cut off", name, readings.size());
  }

  /** Keeps a read made with {@code token} until it ends, to cut it off on revocation. */
  private void track(RoutingContext ctx, String token) {
    Reading reading = new Reading(ctx.vertx().getOrCreateContext(), ctx.response());
    readingsByToken.computeIfAbsent(token, n -> ConcurrentHashMap.newKeySet()).add(reading);
    ctx.addEndHandler(
        done ->
            readingsByToken.computeIfPresent(
                token,
                (n, set) -> {
                  set.remove(reading);
                  return set.isEmpty() ? null : set;
                }));
  }

  /** Whether {@code host} is (or resolves to) a loopback address; an unknown name is not. */
  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Mounts the guard on every route (call before any other route) and the audit log's route. */
  void mount(Vertx vertx, Router router) {
    router.route().handler(ctx -> guard(vertx, ctx));
    router.get(AUDIT_PATH).blockingHandler(this::auditPage, false);
    router.get(WHOAMI_PATH).handler(this::whoAmI);
  }

  private void guard(Vertx vertx, RoutingContext ctx) {
    String path = ctx.normalizedPath();
    boolean api = path.startsWith("/api/");
    if (!api && !(config.metricsAuth() && path.equals("/metrics"))) {
      ctx.next();
      return;
    }
    HttpMethod method = ctx.request().method();
    boolean mutating = !READS.contains(method);
    String authorization = ctx.request().getHeader("authorization");
    // One snapshot for the whole decision: a change made meanwhile applies to the next request.
    Snapshot tokens = current.get();
    Optional<ApiToken> token =
        authorization == null ? Optional.empty() : match(tokens, authorization);
    String address = remoteAddress(ctx);
    token.ifPresent(t -> ctx.put(CALLER_KEY, t));

    if (api && limiter.isPresent()) {
      String caller = token.map(t -> "token " + t.name()).orElse("address " + address);
      long waitNanos = limiter.get().tryAcquire(caller);
      if (waitNanos > 0) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos - 1) + 1);
        ctx.response().putHeader("retry-after", Long.toString(seconds));
        refuse(
            ctx,
            429,
            "too many requests: at most "
                + config.requestsPerSecond()
                + " per second (bursts of "
                + config.burst()
                + ") per token or client address; retry after "
                + seconds
                + " s");
        return;
      }
    }
    if (api && mutating) {
      String actor = token.map(ApiToken::name).orElse(AuditEntry.ANONYMOUS);
      ctx.addEndHandler(done -> record(vertx, ctx, actor, method, path, address));
    }
    if (!tokens.enforced()) {
      ctx.next();
      return;
    }
    if (token.isEmpty()) {
      ctx.response()
          .putHeader(
              "www-authenticate",
              authorization == null ? CHALLENGE : CHALLENGE + ", error=\"invalid_token\"");
      refuse(
          ctx,
          401,
          authorization == null
              ? "this call needs an API token: send Authorization: Bearer <token> (create one with"
                  + " ./infertune token create)"
              : "the API token is not valid (revoked, mistyped, or not a Bearer token)");
      return;
    }
    Role required =
        mutating
                || path.equals(AUDIT_PATH)
                || path.equals(BackupRoutes.PATH)
                || path.equals(TokenRoutes.PATH)
            ? Role.OPERATOR
            : Role.VIEWER;
    ApiToken t = token.get();
    if (!t.role().permits(required)) {
      ctx.response().putHeader("www-authenticate", CHALLENGE + ", error=\"insufficient_scope\"");
      refuse(
          ctx,
          403,
          "token '"
              + t.name()
              + "' has role "
              + t.role().wireName()
              + "; "
              + method.name()
              + " "
              + path
              + " needs "
              + required.wireName());
      return;
    }
    if (!mutating) {
      track(ctx, t.name());
    }
    ctx.next();
  }

  /** The token whose secret is presented in {@code Authorization: Bearer <secret>}, if any. */
  private static Optional<ApiToken> match(Snapshot tokens, String authorization) {
    if (authorization.length() > MAX_AUTHORIZATION_CHARS
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = ApiTokens.sha256(authorization.substring(7).strip());
    Optional<ApiToken> found = Optional.empty();
    for (Known k : tokens.tokens()) {
      // No early exit: every hash is compared, whether or not one matched already.
      if (MessageDigest.isEqual(presented, k.hash())) {
        found = Optional.of(k.token());
      }
    }
    return found;
  }

  private static String remoteAddress(RoutingContext ctx) {
    SocketAddress a = ctx.request().remoteAddress();
    String host = a == null ? null : a.hostAddress();
    if (host == null || host.isEmpty()) {
      return "unknown";
    }
    return host.length() <= AuditEntry.MAX_SHORT_CHARS
        ? host
        : host.substring(0, AuditEntry.MAX_SHORT_CHARS);
  }

  /** Appends the call to the audit log off the event loop; a failure is logged, never answered. */
  private void record(
      Vertx vertx,
      RoutingContext ctx,
      String actor,
      HttpMethod method,
      String path,
      String address) {
    AuditEntry entry;
    try {
      entry =
          new AuditEntry(
              ticker.now(),
              actor,
              method.name(),
              AuditEntry.truncatePath(path),
              ctx.response().getStatusCode(),
              address);
    } catch (IllegalArgumentException e) {
      log.warn("cannot audit {} {}: {}", method, path, e.getMessage());
      return;
    }
    vertx
        .executeBlocking(() -> audit.append(entry), false)
        .onFailure(e -> log.error("cannot write the audit entry {}", entry, e));
  }

  /**
   * Who made a change, as campaigns ({@code startedBy}) and deployments ({@code cause}) record it:
   * {@code operator} on an open API, {@code operator:<token name>} with a token.
   */
  static String actor(RoutingContext ctx) {
    ApiToken caller = ctx.get(CALLER_KEY);
    return caller == null ? "operator" : "operator:" + caller.name();
  }

  /**
   * Who the caller is and what it may do, so that a client (the dashboard) can offer only what its
   * token permits. On an open API everyone is allowed everything: an operator. With enforcement a
   * call without a valid token never gets here (401 from the guard).
   */
  private void whoAmI(RoutingContext ctx) {
    Optional<ApiToken> caller = Optional.ofNullable(ctx.get(CALLER_KEY));
    ObjectNode o = mapper.createObjectNode();
    o.put("name", caller.map(ApiToken::name).orElse(AuditEntry.ANONYMOUS));
    // Without a token the guard let the call through, so tokens were not enforced when it looked
    // (a first token created since applies from the next call on).
    Role role = caller.map(ApiToken::role).orElse(Role.OPERATOR);
    o.put("role", role.wireName());
    o.put("enforced", current.get().enforced());
    ApiVerticle.json(ctx, 200, o);
  }

  private void refuse(RoutingContext ctx, int status, String message) {
    ApiVerticle.json(ctx, status, mapper.createObjectNode().put("error", message).putNull("field"));
  }

  private void auditPage(RoutingContext ctx) {
    for (String name : ctx.queryParams().names()) {
      if (!name.equals("limit") && !name.equals("before")) {
        throw ApiException.badRequest(
            name, "unknown query parameter '" + name + "'; known: limit, before");
      }
    }
    int limit = (int) longParam(ctx, "limit", 1, AuditLog.MAX_PAGE).orElse(DEFAULT_AUDIT_PAGE);
    OptionalLong before = longParam(ctx, "before", 1, Long.MAX_VALUE);
    List<AuditRecord> page = audit.page(limit, before);
    ObjectNode o = mapper.createObjectNode();
    ArrayNode entries = o.putArray("entries");
    for (AuditRecord r : page) {
      AuditEntry e = r.entry();
      entries
          .addObject()
          .put("id", r.id())
          .put("at", e.at().toString())
          .put("actor", e.actor())
          .put("method", e.method())
          .put("path", e.path())
          .put("status", e.status())
          .put("remoteAddress", e.remoteAddress());
    }
    // Where the next (older) page starts, when this one is full.
    if (page.size() == limit) {
      o.put("nextBefore", page.get(page.size() - 1).id());
    }
    ApiVerticle.json(ctx, 200, o);
  }

  private static OptionalLong longParam(RoutingContext ctx, String name, long min, long max) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return OptionalLong.empty();
    }
    String range = "an integer in [" + min + ", " + max + "]";
    if (values.size() > 1) {
      throw ApiException.badRequest(name, name + " must be given once, as " + range);
    }
    String v = values.get(0);
    long n;
    try {
      n = Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          name, name + " must be " + range + ", got '" + shorten(v) + "'");
    }
    if (n < min || n > max) {
      throw ApiException.badRequest(name, name + " must be " + range + ", got " + n);
    }
    return OptionalLong.of(n);
  }

  private static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
