package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.infertune.store.json.FieldException;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Deployment;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Manual changes to a runtime's configuration, each recorded as a {@link Deployment}:
 *
 * <pre>
 * POST /api/v1/runtimes/{id}/config    {"configuration": {knob: value, ...}, "reason"?}
 *                                      → 200 the deployment (cause "operator", or
 *                                      "operator:<token name>" with a token)
 * POST /api/v1/runtimes/{id}/rollback  {"reason"?} (or no body)
 *                                      → 200 the deployment (cause "rollback:operator") that puts
 *                                        back the "before" of the runtime's latest deployment
 * GET  /api/v1/runtimes/{id}/deployments  → {"deployments": [...]}, newest first
 * </pre>
 *
 * A pushed configuration names only the knobs to change; the others keep their current values, and
 * the deployment records both configurations whole. Every knob is checked against the runtime's
 * knob space (400 naming {@code configuration.<knob>}). Unknown runtime: 404; a campaign active on
 * the runtime, or no deployment to roll back: 409; a configuration the runtime refuses to take
 * ({@link ApplyFailedException}): 422 with the reason, the runtime back on its previous
 * configuration and nothing recorded. A rollback of a rollback undoes it: the latest deployment is
 * always what is undone.
 *
 * <p>Every handler touches the store or the runtime, so all run on worker threads.
 */
final class RuntimeRoutes {
  private static final Logger log = LoggerFactory.getLogger(RuntimeRoutes.class);

  /** Longest reason accepted, in characters: it is quoted in the deployment's evidence. */
  static final int MAX_REASON_CHARS = 500;

  private final RuntimeRegistry runtimes;
  private final TrialStore store;
  private final CampaignService campaigns;
  private final DeploymentMetrics metrics;
  private final Ticker ticker;
  private final Supplier<String> ids;
  private final Function<RoutingContext, JsonNode> bodyReader;
  private final ObjectMapper mapper = WireFormat.mapper();

  /**
   * @param bodyReader reads a request's JSON body, failing with a 400 when there is none or it is
   *     not JSON
   */
  RuntimeRoutes(
      RuntimeRegistry runtimes,
      TrialStore store,
      CampaignService campaigns,
      DeploymentMetrics metrics,
      Ticker ticker,
      Supplier<String> ids,
      Function<RoutingContext, JsonNode> bodyReader) {
    this.runtimes = runtimes;
    this.store = store;
    this.campaigns = campaigns;
    this.metrics = metrics;
    this.ticker = ticker;
    this.ids = ids;
    this.bodyReader = bodyReader;
  }

  /** Routes on the system clock with random deployment ids, counted on {@code registry}. */
  static RuntimeRoutes of(
      RuntimeRegistry runtimes,
      TrialStore store,
      CampaignService campaigns,
      MeterRegistry registry,
      Function<RoutingContext, JsonNode> bodyReader) {
    return new RuntimeRoutes(
        runtimes,
        store,
        campaigns,
        DeploymentMetrics.on(registry),
        Ticker.system(),
        () -> UUID.randomUUID().toString(),
        bodyReader);
  }

  void mount(Router router) {
    router.post("/api/v1/runtimes/:id/config").blockingHandler(this::push, false);
    router.post("/api/v1/runtimes/:id/rollback").blockingHandler(this::rollback, false);
    router.get("/api/v1/runtimes/:id/deployments").blockingHandler(this::deployments, false);
  }

  private void push(RoutingContext ctx) {
    RuntimeAdapter runtime = runtime(ctx);
    JsonNode body = bodyReader.apply(ctx);
    if (!body.isObject()) {
      throw ApiException.badRequest(null, "the body must be a JSON object");
    }
    RequestBodies.requireKnownMembers(body, "", Set.of("configuration", "reason"));
    JsonNode json = body.get("configuration");
    if (json == null || json.isNull() || !json.isObject() || json.isEmpty()) {
      throw ApiException.badRequest(
          "configuration",
          "configuration is required: an object of knob to value, one knob at least; knobs: "
              + runtime.knobs().names());
    }
    Configuration change;
    try {
      change = WireFormat.readConfiguration(json, "configuration");
    } catch (FieldException e) {
      throw ApiException.badRequest(e.field(), e.getMessage());
    }
    checkKnobs(runtime, change);
    Optional<String> reason = reason(body);
    Deployment d =
        campaigns.whileNoCampaign(
            runtime.id(),
            () -> {
              Configuration before = runtime.current();
              Configuration after;
              try {
                after = runtime.knobs().validate(before.overlay(change));
              } catch (IllegalArgumentException e) {
                // Each knob is in range, but not the whole (a knob that another one switches off).
                throw ApiException.badRequest("configuration", e.getMessage());
              }
              apply(runtime, before, after);
              return record(
                  runtime,
                  before,
                  ApiSecurity.actor(ctx),
                  "manual push" + reason.map(r -> ": " + r).orElse(""));
            });
    ApiVerticle.json(ctx, 200, WireFormat.writeDeployment(d));
  }

  private void rollback(RoutingContext ctx) {
    RuntimeAdapter runtime = runtime(ctx);
    Optional<String> reason = Optional.empty();
    if (ctx.body() != null && ctx.body().length() > 0) {
      JsonNode body = bodyReader.apply(ctx);
      if (!body.isObject()) {
        throw ApiException.badRequest(null, "the body must be a JSON object");
      }
      RequestBodies.requireKnownMembers(body, "", Set.of("reason"));
      reason = reason(body);
    }
    Optional<String> why = reason;
    Deployment d =
        campaigns.whileNoCampaign(
            runtime.id(),
            () -> {
              Deployment latest =
                  store.deployments(runtime.id()).stream()
                      .findFirst()
                      .orElseThrow(
                          () ->
                              ApiException.conflict(
                                  "runtime '" + runtime.id() + "' has no deployment to roll back"));
              Configuration before = runtime.current();
              apply(runtime, before, latest.before());
              return record(
                  runtime,
                  before,
                  "rollback:" + ApiSecurity.actor(ctx),
                  "undoes deployment "
                      + latest.id()
                      + " ("
                      + latest.cause()
                      + ")"
                      + why.map(r -> ": " + r).orElse(""));
            });
    ApiVerticle.json(ctx, 200, WireFormat.writeDeployment(d));
  }

  private void deployments(RoutingContext ctx) {
    RuntimeAdapter runtime = runtime(ctx);
    ArrayNode a = mapper.createArrayNode();
    store.deployments(runtime.id()).forEach(d -> a.add(WireFormat.writeDeployment(d)));
    ApiVerticle.json(ctx, 200, mapper.createObjectNode().set("deployments", a));
  }

  private RuntimeAdapter runtime(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return runtimes.find(id).orElseThrow(() -> ApiException.notFound("no runtime '" + id + "'"));
  }

  /** Every knob of {@code change} exists on the runtime and takes the value given. */
  private static void checkKnobs(RuntimeAdapter runtime, Configuration change) {
    for (Map.Entry<String, Object> e : change.values().entrySet()) {
      String field = "configuration." + e.getKey();
      Parameter knob =
          runtime
              .knobs()
              .find(e.getKey())
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          field,
                          "runtime '"
                              + runtime.id()
                              + "' has no knob '"
                              + e.getKey()
                              + "'; knobs: "
                              + runtime.knobs().names()));
      if (!knob.contains(e.getValue())) {
        throw ApiException.badRequest(
            field,
            "value "
                + e.getValue()
                + " of '"
                + e.getKey()
                + "' is outside the knob's range: "
                + WireFormat.writeParameter(knob));
      }
    }
  }

  private static Optional<String> reason(JsonNode body) {
    JsonNode r = body.get("reason");
    if (r == null || r.isNull()) {
      return Optional.empty();
    }
    if (!r.isTextual() || r.textValue().isBlank() || r.textValue().length() > MAX_REASON_CHARS) {
      throw ApiException.badRequest(
          "reason", "reason must be a non-blank string of at most " + MAX_REASON_CHARS + " chars");
    }
    return Optional.of(r.textValue().strip());
  }

  /** Applies {@code target}; when the runtime refuses, puts {@code before} back and answers 422. */
  private static void apply(RuntimeAdapter runtime, Configuration before, Configuration target) {
    try {
      runtime.apply(target);
    } catch (ApplyFailedException e) {
      String restored = "";
      if (!runtime.current().equals(before)) {
        try {
          runtime.apply(before);
        } catch (ApplyFailedException again) {
          log.error("runtime {}: restoring {} failed too", runtime.id(), before, again);
          restored = "; restoring the previous configuration failed too: " + again.getMessage();
        }
      }
      throw new ApiException(
          422,
          "runtime '"
              + runtime.id()
              + "' did not take the configuration ("
              + e.reason().name().toLowerCase(Locale.ROOT)
              + "): "
              + e.getMessage()
              + restored,
          Optional.empty());
    }
  }

  /** Records what the runtime runs now as a deployment, counted in the metrics. */
  private Deployment record(
      RuntimeAdapter runtime, Configuration before, String cause, String evidence) {
    // In the store's resolution (1 µs), so that the answer is what the store keeps, and strictly
    // after the latest one: "newest first" must never tie, or a rollback could undo the wrong one.
    Instant at = ticker.now().truncatedTo(ChronoUnit.MICROS);
    List<Deployment> history = store.deployments(runtime.id());
    if (!history.isEmpty() && !at.isAfter(history.get(0).at())) {
      at = history.get(0).at().plus(1, ChronoUnit.MICROS);
    }
    Deployment d =
        new Deployment(
            ids.get(),
            runtime.id(),
            Optional.empty(),
            before,
            runtime.current(),
            cause,
            evidence,
            at);
    store.recordDeployment(d);
    metrics.record(d);
    log.info("runtime {}: {} {} -> {} ({})", runtime.id(), cause, before, d.after(), evidence);
    return d;
  }
}
