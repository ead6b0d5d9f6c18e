package io.infertune.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Trial;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Campaigns as server-sent event streams ({@code text/event-stream}), so that the dashboard is live
 * without polling:
 *
 * <pre>
 * GET /api/v1/campaigns/{id}/events   one campaign: "snapshot" {"campaign", "trials"} first, then
 *                                     "campaign-started", "trial-started" {"trial"},
 *                                     "trial-finished" {"trial"}, "deployment" {"deployment"},
 *                                     and "campaign-finished" {"campaign"}, after which the stream
 *                                     ends (at once, after the snapshot, for an ended campaign)
 * GET /api/v1/events                  every campaign's events (no snapshot: "hello" {} first)
 * </pre>
 *
 * Every event's data is a JSON object with {@code campaignId}. A client that reconnects with a
 * {@code Last-Event-ID} header (or {@code ?lastEventId=}, for clients that cannot set headers) gets
 * the events it missed when they are still kept, or a new snapshot otherwise; events may then
 * repeat what the snapshot shows, so clients apply them by trial id. Unknown campaign: 404 JSON.
 */
final class CampaignEventRoutes {
  private final CampaignEvents events;
  private final TrialStore store;
  private final BiFunction<Campaign, List<Trial>, ObjectNode> campaignJson;

  /**
   * @param campaignJson a campaign's JSON as {@code GET /api/v1/campaigns/{id}} shows it (progress,
   *     best trial), from its trials
   */
  CampaignEventRoutes(
      CampaignEvents events,
      TrialStore store,
      BiFunction<Campaign, List<Trial>, ObjectNode> campaignJson) {
    this.events = events;
    this.store = store;
    this.campaignJson = campaignJson;
  }

  void mount(Router router) {
    router.get("/api/v1/campaigns/:id/events").handler(this::campaignStream);
    router.get("/api/v1/events").handler(this::allStream);
  }

  /** What a new stream starts with, read from the store on a worker thread. */
  private record Opening(
      Optional<String> snapshot,
      String position,
      Optional<List<CampaignEvents.Event>> replay,
      Optional<CampaignEvents.Event> finished) {}

  private void campaignStream(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Optional<String> lastEventId = lastEventId(ctx);
    SseStream stream =
        new SseStream(ctx.vertx().getOrCreateContext(), ctx.response(), events, true);
    ctx.vertx()
        .executeBlocking(() -> opening(id, lastEventId, stream), false)
        .onSuccess(
            o -> {
              if (ctx.response().closed() || stream.closed()) {
                stream.close(false);
                return;
              }
              stream.open();
              o.snapshot().ifPresent(s -> stream.write("snapshot", Optional.of(o.position()), s));
              o.replay()
                  .ifPresent(
                      events ->
                          events.forEach(
                              e -> stream.write(e.type(), Optional.of(e.id()), e.data())));
              if (o.finished().isPresent()) {
                CampaignEvents.Event e = o.finished().get();
                stream.write(e.type(), Optional.of(e.id()), e.data());
                stream.close(true);
              } else {
                stream.start();
              }
            })
        .onFailure(
            f -> {
              stream.close(false);
              ctx.fail(f);
            });
  }

  /** Runs on a worker: subscribes (unless the campaign has ended), then takes the snapshot. */
  private Opening opening(String id, Optional<String> lastEventId, SseStream stream) {
    Campaign stored =
        store.campaign(id).orElseThrow(() -> ApiException.notFound("no campaign '" + id + "'"));
    if (stored.status().isFinal()) {
      // Its final status is stored after the listeners ran: no event will come any more.
      String data = snapshot(stored);
      ObjectNode end = WireFormat.mapper().createObjectNode().put("campaignId", id);
      end.set("campaign", WireFormat.writeCampaign(stored));
      CampaignEvents.Event finished =
          new CampaignEvents.Event("", 0, id, CampaignEvents.CAMPAIGN_FINISHED, end.toString());
      return new Opening(Optional.of(data), "", Optional.empty(), Optional.of(finished));
    }
    // Subscribe first, then read: an event between the two is both in the snapshot and queued,
    // and clients apply events by id, so a repeat is harmless where a gap would not be.
    CampaignEvents.Subscription s = events.subscribe(id, lastEventId, stream);
    try {
      if (s.replay().isPresent()) {
        return new Opening(Optional.empty(), s.position(), s.replay(), s.finished());
      }
      Campaign now = store.campaign(id).orElse(stored);
      return new Opening(Optional.of(snapshot(now)), s.position(), Optional.empty(), s.finished());
    } catch (RuntimeException e) {
      events.unsubscribe(stream);
      throw e;
    }
  }

  private String snapshot(Campaign c) {
    List<Trial> trials = store.trials(c.id());
    ObjectNode o = WireFormat.mapper().createObjectNode();
    o.put("campaignId", c.id());
    o.set("campaign", campaignJson.apply(c, trials));
    ArrayNode a = o.putArray("trials");
    trials.forEach(t -> a.add(WireFormat.writeTrial(t)));
    return o.toString();
  }

  private void allStream(RoutingContext ctx) {
    SseStream stream =
        new SseStream(ctx.vertx().getOrCreateContext(), ctx.response(), events, false);
    CampaignEvents.Subscription s = events.subscribeAll(lastEventId(ctx), stream);
    stream.open();
    s.replay()
        .ifPresentOrElse(
            replay -> replay.forEach(e -> stream.write(e.type(), Optional.of(e.id()), e.data())),
            () -> stream.write("hello", Optional.of(s.position()), "{}"));
    stream.start();
  }

  private static Optional<String> lastEventId(RoutingContext ctx) {
    String header = ctx.request().getHeader("last-event-id");
    if (header != null && !header.isBlank()) {
      return Optional.of(header);
    }
    return Optional.ofNullable(ctx.queryParams().get("lastEventId")).filter(v -> !v.isBlank());
  }
}
