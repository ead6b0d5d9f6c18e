package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.study.StudyService;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: {@code /health}, {@code /metrics} and the REST API under {@code /api/v1} (studies
 * in {@link StudyRoutes}, schedules in {@link ScheduleRoutes}). Handlers that touch the store run
 * on worker threads ({@code blockingHandler}); errors are JSON {@code {"error", "field"}} with a
 * 4xx status for the caller's mistakes.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  /** Largest request body accepted, in bytes. */
  static final long MAX_BODY_BYTES = 256 * 1024;

  /**
   * How long a kept listing may be served without this process seeing a change. The service's H2
   * file is its own while it runs (locked), so every write goes through the store that counts them:
   * this bound is a safety net, not how fresh a listing is.
   */
  static final Duration LISTING_MAX_AGE = Duration.ofSeconds(10);

  /** Bytes of listings kept, all together (16 MiB of heap at most). */
  static final long LISTING_CACHE_BYTES = 16L << 20;

  private final ServiceConfig config;
  private final TrialStore store;
  private final RuntimeRegistry runtimes;
  private final CampaignService campaigns;
  private final CampaignRequests requests;
  private final StudyService studies;
  private final Scheduler scheduler;
  private final PrometheusMeterRegistry registry;
  private final DriftWatcher drift;
  private final ApiSecurity security;
  private final CampaignEvents events;
  private final CampaignListings listings;
  private final ObjectMapper mapper = WireFormat.mapper();
  private HttpServer server;
  private Router router;
  private ApiContract contract;

  public ApiVerticle(
      ServiceConfig config,
      TrialStore store,
      RuntimeRegistry runtimes,
      CampaignService campaigns,
      StudyService studies,
      Scheduler scheduler,
      PrometheusMeterRegistry registry,
      DriftWatcher drift,
      ApiSecurity security,
      CampaignEvents events) {
    this.config = config;
    this.store = store;
    this.runtimes = runtimes;
    this.campaigns = campaigns;
    this.requests = new CampaignRequests(runtimes, campaigns.strategies(), campaigns.workloads());
    this.studies = studies;
    this.scheduler = scheduler;
    this.registry = registry;
    this.drift = drift;
    this.security = security;
    this.events = events;
    // A listing is kept until this process writes to the store or a campaign starts or ends here.
    ListingCache cache =
        new ListingCache(
            () -> {
              java.util.OptionalLong changes = store.changeCount();
              return changes.isPresent()
                  ? Optional.of(List.of(changes.getAsLong(), campaigns.activeCampaignIds()))
                  : Optional.empty();
            },
            Ticker.system(),
            LISTING_MAX_AGE,
            LISTING_CACHE_BYTES);
    FunctionCounter.builder("infertune.listing.cache.requests", cache, c -> c.hitsAndMisses()[0])
        .description("Listings (campaigns, trial pages) answered from a kept body, or built")
        .tag("result", "hit")
        .register(registry);
    FunctionCounter.builder("infertune.listing.cache.requests", cache, c -> c.hitsAndMisses()[1])
        .description("Listings (campaigns, trial pages) answered from a kept body, or built")
        .tag("result", "miss")
        .register(registry);
    this.listings = new CampaignListings(store, campaigns::isActive, cache);
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    // First: who may call, how often, and the audit record, before a body is read.
    router.route().handler(InvalidHttpRequests::requireDecodablePath);
    security.mount(vertx, router);
    router.route().handler(RequestBodies::readFormsAsJson);
    router.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    contract = ApiContract.mount(vertx, router);
    router.get("/health").handler(this::health);
    router.get("/metrics").blockingHandler(this::metrics, false);
    router.get("/api/v1/runtimes").handler(this::listRuntimes);
    router.get("/api/v1/runtimes/:id").handler(this::getRuntime);
    router.post("/api/v1/campaigns").blockingHandler(this::createCampaign, false);
    listings.mount(router);
    router.get("/api/v1/campaigns/:id").blockingHandler(this::getCampaign, false);
    router.post("/api/v1/campaigns/:id/stop").blockingHandler(this::stopCampaign, false);
    router.post("/api/v1/campaigns/:id/resume").blockingHandler(this::resumeCampaign, false);
    new StudyRoutes(studies, this::readBody).mount(router);
    RuntimeRoutes.of(runtimes, store, campaigns, registry, this::readBody).mount(router);
    new ScheduleRoutes(scheduler, this::readBody).mount(router);
    new DriftRoutes(drift, runtimes).mount(router);
    // The dashboard's event streams, exports and page.
    new CampaignEventRoutes(events, store, this::campaignJson).mount(router);
    new DashboardRoutes(store, runtimes, this::campaignJson).mount(router);
    new BackupRoutes(store, config.dataDir()).mount(router);
    new TokenRoutes(security, new java.security.SecureRandom(), Ticker.system()).mount(router);
    router
        .route()
        .last()
        .handler(
            ctx ->
                ctx.fail(
                    new ApiException(
                        404,
                        "no route for " + ctx.request().method() + " " + ctx.request().path(),
                        Optional.empty())));
    router.route().failureHandler(this::onFailure);
    server = vertx.createHttpServer().invalidRequestHandler(new InvalidHttpRequests());
    return contract
        .ready()
        .compose(v -> server.requestHandler(router).listen(config.port(), config.host()));
  }

  /** The router, for tests that compare its routes with the contract. */
  Router router() {
    return router;
  }

  ApiContract contract() {
    return contract;
  }

  /** The port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void health(RoutingContext ctx) {
    json(ctx, 200, mapper.createObjectNode().put("status", "up"));
  }

  private void metrics(RoutingContext ctx) {
    ctx.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape());
  }

  private void listRuntimes(RoutingContext ctx) {
    ArrayNode a = mapper.createArrayNode();
    runtimes.all().forEach(r -> a.add(runtimeJson(r)));
    json(ctx, 200, mapper.createObjectNode().set("runtimes", a));
  }

  private void getRuntime(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    RuntimeAdapter r =
        runtimes.find(id).orElseThrow(() -> ApiException.notFound("no runtime '" + id + "'"));
    json(ctx, 200, runtimeJson(r));
  }

  private ObjectNode runtimeJson(RuntimeAdapter r) {
    ObjectNode o = mapper.createObjectNode();
    o.put("id", r.id());
    o.put("kind", r.kind());
    o.put("liveReconfigurable", r.liveReconfigurable());
    ArrayNode knobs = o.putArray("knobs");
    for (Parameter p : r.knobs().parameters()) {
      knobs.add(WireFormat.writeParameter(p));
    }
    o.set("defaults", WireFormat.writeConfiguration(r.defaults()));
    o.set("current", WireFormat.writeConfiguration(r.current()));
    return o;
  }

  private void createCampaign(RoutingContext ctx) {
    JsonNode body = readBody(ctx);
    CampaignSpec spec = requests.parse(body);
    Campaign c = campaigns.start(spec, ApiSecurity.actor(ctx));
    ctx.response().putHeader("location", "/api/v1/campaigns/" + c.id());
    json(ctx, 201, campaignJson(c));
  }

  private void getCampaign(RoutingContext ctx) {
    Campaign c = campaign(ctx);
    json(ctx, 200, campaignJson(c));
  }

  private void stopCampaign(RoutingContext ctx) {
    Campaign c = campaigns.stop(ctx.pathParam("id"));
    json(ctx, 202, campaignJson(c));
  }

  private void resumeCampaign(RoutingContext ctx) {
    Campaign c = campaigns.resume(ctx.pathParam("id"));
    json(ctx, 202, campaignJson(c));
  }

  private Campaign campaign(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    return store.campaign(id).orElseThrow(() -> ApiException.notFound("no campaign '" + id + "'"));
  }

  /**
   * The campaign's record with its progress and best trial so far, from the store's counts and
   * best-trial query: a listing of many campaigns does not read their trials.
   */
  private ObjectNode campaignJson(Campaign c) {
    return campaignJson(
        c, store.trialCounts(c.id()), store.bestTrial(c.id(), c.spec().objective()));
  }

  /**
   * The same from trials already at hand (the dashboard's snapshots and event streams read them
   * anyway).
   */
  private ObjectNode campaignJson(Campaign c, List<Trial> trials) {
    Map<TrialStatus, Long> counts = new java.util.EnumMap<>(TrialStatus.class);
    trials.forEach(t -> counts.merge(t.status(), 1L, Long::sum));
    return campaignJson(
        c, counts, io.infertune.tuner.run.CampaignRunner.best(trials, c.spec().objective()));
  }

  private ObjectNode campaignJson(Campaign c, Map<TrialStatus, Long> counts, Optional<Trial> best) {
    ObjectNode o = WireFormat.writeCampaign(c);
    o.set("progress", CampaignListings.progress(c, counts, campaigns.isActive(c.id())));
    best.ifPresent(b -> o.set("bestTrial", WireFormat.writeTrial(b)));
    return o;
  }

  private JsonNode readBody(RoutingContext ctx) {
    return RequestBodies.json(ctx);
  }

  private void onFailure(RoutingContext ctx) {
    Throwable f = ctx.failure();
    if (f instanceof ApiException e) {
      writeError(ctx, e.status(), e.getMessage(), e.field());
    } else if (f instanceof io.netty.handler.codec.DecoderException) {
      // A body labelled as a form (multipart, urlencoded) is decoded by Netty before any handler
      // runs; one that is not the form it claims to be is the client's mistake, not ours.
      writeError(
          ctx,
          400,
          "the body is not what its content type ("
              + ctx.request().getHeader("content-type")
              + ") says: "
              + f.getClass().getSimpleName(),
          Optional.empty());
    } else if (f == null && ctx.statusCode() == 413) {
      writeError(
          ctx, 413, "the body is larger than " + MAX_BODY_BYTES + " bytes", Optional.empty());
    } else if (f == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      writeError(ctx, ctx.statusCode(), "bad request", Optional.empty());
    } else {
      log.error("unhandled error on {} {}", ctx.request().method(), ctx.request().path(), f);
      writeError(ctx, 500, "internal error", Optional.empty());
    }
  }

  private void writeError(RoutingContext ctx, int status, String message, Optional<String> field) {
    if (ctx.response().ended()) {
      return;
    }
    ObjectNode o = mapper.createObjectNode().put("error", message);
    field.ifPresentOrElse(v -> o.put("field", v), () -> o.putNull("field"));
    json(ctx, status, o);
  }

  static void json(RoutingContext ctx, int status, JsonNode body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(body.toString());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
