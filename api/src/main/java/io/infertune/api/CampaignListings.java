package io.infertune.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.store.CampaignQuery;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The two listings a dashboard or a script polls while campaigns run, answered from {@link
 * ListingCache} when nothing they show has changed:
 *
 * <ul>
 *   <li>{@code GET /api/v1/campaigns}: campaign <em>summaries</em> (no spec: {@code GET
 *       /api/v1/campaigns/{id}} has it), newest first, one page of at most {@code limit} (1–{@value
 *       CampaignQuery#MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) created before the campaign
 *       {@code before}, with {@code nextBefore} when there are older ones; {@code status} and
 *       {@code runtime} filter.
 *   <li>{@code GET /api/v1/campaigns/{id}/trials}: as {@link TrialPages} says.
 * </ul>
 *
 * A kept body is sent from the event loop; only a body that must be built goes to a worker thread
 * (it reads the store). Both answer 304 to an {@code If-None-Match} with the body's ETag.
 */
final class CampaignListings {
  static final int DEFAULT_LIMIT = 100;

  /** The longest runtime id a filter may name (ids are at most 64 characters). */
  private static final int MAX_RUNTIME_CHARS = 64;

  private static final String KEY = "listing.key";

  private final TrialStore store;
  private final Predicate<String> active;
  private final ListingCache cache;

  /**
   * @param active whether a campaign (by id) is running in this process now
   * @param cache the bodies kept; its version must cover what {@code active} says
   */
  CampaignListings(TrialStore store, Predicate<String> active, ListingCache cache) {
    this.store = Objects.requireNonNull(store, "store");
    this.active = Objects.requireNonNull(active, "active");
    this.cache = Objects.requireNonNull(cache, "cache");
  }

  void mount(Router router) {
    router
        .get("/api/v1/campaigns")
        .handler(ctx -> sendKept(ctx, campaignsKey(ctx)))
        .blockingHandler(ctx -> send(ctx, cache.build(ctx.get(KEY), () -> campaigns(ctx))), false);
    router
        .get("/api/v1/campaigns/:id/trials")
        .handler(ctx -> sendKept(ctx, trialsKey(ctx)))
        .blockingHandler(ctx -> send(ctx, cache.build(ctx.get(KEY), () -> trials(ctx))), false);
  }

  /** Answers from the kept body, or passes on to the worker that builds it. */
  private void sendKept(RoutingContext ctx, String key) {
    Optional<ListingCache.Body> kept = cache.get(key);
    if (kept.isPresent()) {
      send(ctx, kept.get());
    } else {
      ctx.put(KEY, key);
      ctx.next();
    }
  }

  private static void send(RoutingContext ctx, ListingCache.Body body) {
    ctx.response()
        .putHeader("etag", body.etag())
        // Clients may keep it but must ask again, sending the ETag, before using it.
        .putHeader("cache-control", "no-cache");
    if (matches(ctx.request().getHeader("if-none-match"), body.etag())) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response()
        .setStatusCode(200)
        .putHeader("content-type", "application/json; charset=utf-8")
        .end(body.bytes());
  }

  /** Whether an {@code If-None-Match} value names {@code etag} (weakly, as RFC 9110 says). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    return Arrays.stream(ifNoneMatch.split(","))
        .map(String::trim)
        .map(t -> t.startsWith("W/") ? t.substring(2) : t)
        .anyMatch(t -> t.equals("*") || t.equals(etag));
  }

  // ------------------------------------------------------------------------------ the campaigns

  /** The query's key; validates every parameter first (400 naming it). */
  private static String campaignsKey(RoutingContext ctx) {
    CampaignQuery q = query(ctx);
    return "campaigns?limit="
        + q.limit()
        + "&before="
        + q.before().orElse("")
        + "&status="
        + q.status().map(s -> s.name()).orElse("")
        + "&runtime="
        + q.runtimeId().orElse("");
  }

  static CampaignQuery query(RoutingContext ctx) {
    int limit = TrialPages.intParam(ctx, "limit", 1, CampaignQuery.MAX_LIMIT).orElse(DEFAULT_LIMIT);
    Optional<String> before = text(ctx, "before", 64);
    Optional<CampaignStatus> status = text(ctx, "status", 16).map(CampaignListings::status);
    Optional<String> runtime = text(ctx, "runtime", MAX_RUNTIME_CHARS);
    return new CampaignQuery(limit, before, status, runtime);
  }

  private static Optional<String> text(RoutingContext ctx, String name, int maxChars) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    String v = values.get(0);
    if (v.isEmpty() || v.length() > maxChars) {
      throw ApiException.badRequest(
          name, name + " must be 1 to " + maxChars + " characters, got " + v.length());
    }
    return Optional.of(v);
  }

  private static CampaignStatus status(String wire) {
    for (CampaignStatus s : CampaignStatus.values()) {
      if (s.name().toLowerCase(Locale.ROOT).equals(wire)) {
        return s;
      }
    }
    throw ApiException.badRequest(
        "status",
        "status must be one of "
            + Arrays.stream(CampaignStatus.values())
                .map(s -> s.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "))
            + ", got '"
            + wire
            + "'");
  }

  private String campaigns(RoutingContext ctx) {
    CampaignQuery q = query(ctx);
    // One more than asked: whether an older page exists, without a second query.
    List<Campaign> page;
    try {
      page =
          store.campaignsPage(
              new CampaignQuery(q.limit() + 1, q.before(), q.status(), q.runtimeId()));
    } catch (NoSuchElementException e) {
      throw ApiException.badRequest(
          "before", "before must be the id of a campaign to list from; " + e.getMessage());
    }
    List<Campaign> shown = page.subList(0, Math.min(q.limit(), page.size()));
    List<String> ids = shown.stream().map(Campaign::id).toList();
    // Three store calls for the whole page, not two per campaign.
    Map<String, Map<TrialStatus, Long>> counts = store.trialCounts(ids);
    Map<String, Trial> best =
        store.bestTrials(
            shown.stream().collect(Collectors.toMap(Campaign::id, c -> c.spec().objective())));
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode items = body.putArray("campaigns");
    for (Campaign c : shown) {
      items.add(
          summary(
              c,
              counts.getOrDefault(c.id(), Map.of()),
              Optional.ofNullable(best.get(c.id())),
              active.test(c.id())));
    }
    if (page.size() > q.limit()) {
      body.put("nextBefore", shown.get(shown.size() - 1).id());
    }
    return body.toString();
  }

  /**
   * What a listing shows of a campaign: what it is, where it stands and its best trial so far.
   *
   * @param active whether it is running in this process now
   */
  static ObjectNode summary(
      Campaign c, Map<TrialStatus, Long> counts, Optional<Trial> best, boolean active) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", c.id());
    o.put("name", c.spec().name());
    o.put("runtime", c.spec().runtimeId());
    o.put("status", c.status().name().toLowerCase(Locale.ROOT));
    o.put("strategy", c.spec().strategy().type());
    o.set("objective", WireFormat.writeObjective(c.spec().objective()));
    o.put("live", c.spec().live().isPresent());
    o.put("startedBy", c.startedBy());
    o.put("createdAt", c.createdAt().toString());
    c.finishedAt().ifPresent(f -> o.put("finishedAt", f.toString()));
    c.message().ifPresent(m -> o.put("message", m));
    o.set("progress", progress(c, counts, active));
    best.ifPresent(
        b -> {
          ObjectNode t = o.putObject("bestTrial");
          t.put("id", b.id());
          t.put("number", b.number());
          t.put("objectiveValue", b.objectiveValue().getAsDouble());
          t.set("configuration", WireFormat.writeConfiguration(b.configuration()));
        });
    return o;
  }

  /** {@code trialsFinished}, {@code maxTrials}, {@code active} and a count per status it has. */
  static ObjectNode progress(Campaign c, Map<TrialStatus, Long> counts, boolean active) {
    ObjectNode progress = JsonNodeFactory.instance.objectNode();
    long finished =
        counts.entrySet().stream()
            .filter(e -> e.getKey().isFinal())
            .mapToLong(Map.Entry::getValue)
            .sum();
    progress.put("trialsFinished", finished);
    progress.put("maxTrials", c.spec().budget().maxTrials());
    progress.put("active", active);
    for (TrialStatus s : TrialStatus.values()) {
      long n = counts.getOrDefault(s, 0L);
      if (n > 0) {
        progress.put(s.name().toLowerCase(Locale.ROOT), n);
      }
    }
    return progress;
  }

  // --------------------------------------------------------------------------------- the trials

  private static String trialsKey(RoutingContext ctx) {
    Optional<Integer> limit = TrialPages.intParam(ctx, "limit", 1, TrialPages.MAX_LIMIT);
    Optional<Integer> before = TrialPages.intParam(ctx, "before", 0, Integer.MAX_VALUE);
    return "trials/"
        + ctx.pathParam("id")
        + "?limit="
        + limit.map(String::valueOf).orElse("")
        + "&before="
        + before.map(String::valueOf).orElse("");
  }

  private String trials(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (store.campaign(id).isEmpty()) {
      throw ApiException.notFound("no campaign '" + id + "'");
    }
    return TrialPages.page(ctx, store, id).toString();
  }
}
