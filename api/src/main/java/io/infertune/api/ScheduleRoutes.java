package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.schedule.Schedule;
import io.infertune.tuner.schedule.ScheduleSpec;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.function.Function;

/**
 * Scheduled campaigns over REST:
 *
 * <pre>
 * POST   /api/v1/schedules        {"name", "cron", "zone"?, "template", "enabled"?, "warmStart"?, "retuneOnDrift"?}
 *                                 → 201 {"id", "nextRunAt", ...}
 * GET    /api/v1/schedules        all, newest first
 * GET    /api/v1/schedules/{id}   one, with its next and last run
 * PUT    /api/v1/schedules/{id}   replaces it (same body as POST); its last run is kept
 * DELETE /api/v1/schedules/{id}   → 204; the campaigns it started stay
 * </pre>
 *
 * Unknown schedule: 404; malformed input: 400 naming the field ({@code cron}, {@code zone}, {@code
 * template.budget.maxTrials}, ...). Every handler touches the store, so all run on worker threads.
 */
final class ScheduleRoutes {
  private final Scheduler scheduler;
  private final ObjectMapper mapper = WireFormat.mapper();
  private final Function<RoutingContext, JsonNode> bodyReader;

  /**
   * @param bodyReader reads a request's JSON body, failing with a 400 when there is none or it is
   *     not JSON
   */
  ScheduleRoutes(Scheduler scheduler, Function<RoutingContext, JsonNode> bodyReader) {
    this.scheduler = scheduler;
    this.bodyReader = bodyReader;
  }

  void mount(Router router) {
    router.post("/api/v1/schedules").blockingHandler(this::create, false);
    router.get("/api/v1/schedules").blockingHandler(this::list, false);
    router.get("/api/v1/schedules/:id").blockingHandler(this::get, false);
    router.put("/api/v1/schedules/:id").blockingHandler(this::replace, false);
    router.delete("/api/v1/schedules/:id").blockingHandler(this::delete, false);
  }

  private void create(RoutingContext ctx) {
    ScheduleSpec spec = scheduler.parse(bodyReader.apply(ctx));
    Schedule s = scheduler.create(spec);
    ctx.response().putHeader("location", "/api/v1/schedules/" + s.id());
    ApiVerticle.json(ctx, 201, scheduleJson(s));
  }

  private void list(RoutingContext ctx) {
    ArrayNode a = mapper.createArrayNode();
    scheduler.list().forEach(s -> a.add(scheduleJson(s)));
    ApiVerticle.json(ctx, 200, mapper.createObjectNode().set("schedules", a));
  }

  private void get(RoutingContext ctx) {
    ApiVerticle.json(ctx, 200, scheduleJson(scheduler.get(ctx.pathParam("id"))));
  }

  private void replace(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    // An unknown id is a 404 even when the body is bad too.
    scheduler.get(id);
    ScheduleSpec spec = scheduler.parse(bodyReader.apply(ctx));
    ApiVerticle.json(ctx, 200, scheduleJson(scheduler.replace(id, spec)));
  }

  private void delete(RoutingContext ctx) {
    scheduler.delete(ctx.pathParam("id"));
    ctx.response().setStatusCode(204).end();
  }

  /** A schedule as the operator wrote it, with its state; absent instants are left out. */
  private ObjectNode scheduleJson(Schedule s) {
    ObjectNode o = mapper.createObjectNode();
    o.put("id", s.id());
    o.put("name", s.spec().name());
    o.put("cron", s.spec().cron());
    o.put("zone", s.spec().zone().getId());
    o.set("template", WireFormat.parse(s.spec().template()));
    o.put("enabled", s.spec().enabled());
    o.put("warmStart", s.spec().warmStart());
    o.put("retuneOnDrift", s.spec().retuneOnDrift());
    o.put("createdAt", s.createdAt().toString());
    s.nextRunAt().map(Instant::toString).ifPresent(t -> o.put("nextRunAt", t));
    s.lastRunAt().map(Instant::toString).ifPresent(t -> o.put("lastRunAt", t));
    s.lastCampaignId().ifPresent(c -> o.put("lastCampaignId", c));
    s.lastError().ifPresent(e -> o.put("lastError", e));
    return o;
  }
}
