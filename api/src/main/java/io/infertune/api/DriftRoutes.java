package io.infertune.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.drift.DriftEvent;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code GET /api/v1/runtimes/{id}/drift}: what the {@link DriftWatcher} watches on a runtime and
 * the drift it saw, newest first:
 *
 * <pre>{@code
 * {"intervalSeconds": 30, "series": ["error_rate", "input_tokens_per_request", ...],
 *  "events": [{"series", "direction": "up|down", "at", "meanBefore", "recentMean", "statistic",
 *              "campaignId"?}]}
 * }</pre>
 */
final class DriftRoutes {
  private final DriftWatcher watcher;
  private final RuntimeRegistry runtimes;
  private final ObjectMapper mapper = WireFormat.mapper();

  DriftRoutes(DriftWatcher watcher, RuntimeRegistry runtimes) {
    this.watcher = Objects.requireNonNull(watcher, "watcher");
    this.runtimes = Objects.requireNonNull(runtimes, "runtimes");
  }

  void mount(Router router) {
    router.get("/api/v1/runtimes/:id/drift").handler(this::drift);
  }

  private void drift(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (runtimes.find(id).isEmpty()) {
      throw ApiException.notFound("no runtime '" + id + "'");
    }
    ObjectNode o = mapper.createObjectNode();
    o.put("intervalSeconds", watcher.settings().interval().toMillis() / 1000.0);
    ArrayNode series = o.putArray("series");
    for (String s :
        new String[] {
          DriftWatcher.ERROR_SERIES,
          DriftWatcher.INPUT_SERIES,
          DriftWatcher.LATENCY_SERIES,
          DriftWatcher.RATE_SERIES
        }) {
      series.add(s);
    }
    ArrayNode events = o.putArray("events");
    for (DriftWatcher.Recorded r : watcher.events(id)) {
      DriftEvent e = r.event();
      ObjectNode n = events.addObject();
      n.put("series", e.series());
      n.put("direction", e.direction().name().toLowerCase(Locale.ROOT));
      n.put("at", e.at().toString());
      n.put("meanBefore", e.meanBefore());
      n.put("recentMean", e.recentMean());
      n.put("statistic", e.statistic());
      r.campaignId().ifPresent(c -> n.put("campaignId", c));
    }
    ApiVerticle.json(ctx, 200, o);
  }
}
