package io.infertune.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Trial;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The web dashboard and the routes it needs beyond the REST API:
 *
 * <pre>
 * GET /                                    the single-page dashboard (webroot/index.html)
 * GET /ui/*                                its scripts and styles (class path webroot/)
 * GET /webjars/*                           web libraries from webjars (ECharts), class path
 *                                          META-INF/resources/webjars/
 * GET /api/v1/campaigns/{id}/export?format=csv|json
 *                                          the campaign's trials as a download: JSON
 *                                          {"campaign", "trials"} (default) or CSV, one row per
 *                                          trial (columns in {@link #csv})
 * GET /api/v1/runtimes/{id}/metrics        one sample of the runtime's metric source:
 *                                          {"runtime", "seconds", "counters", "gauges",
 *                                          "histograms": {name: {"count", "sum"}}}
 * </pre>
 *
 * The page loads nothing from outside the service.
 */
final class DashboardRoutes {
  /** Class path folder of the page's own files. */
  static final String WEBROOT = "webroot";

  private final TrialStore store;
  private final RuntimeRegistry runtimes;
  private final BiFunction<Campaign, List<Trial>, ObjectNode> campaignJson;
  private final CsvMapper csv = new CsvMapper();

  /**
   * @param campaignJson a campaign's JSON as {@code GET /api/v1/campaigns/{id}} shows it
   */
  DashboardRoutes(
      TrialStore store,
      RuntimeRegistry runtimes,
      BiFunction<Campaign, List<Trial>, ObjectNode> campaignJson) {
    this.store = store;
    this.runtimes = runtimes;
    this.campaignJson = campaignJson;
  }

  void mount(Router router) {
    router
        .get("/")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "text/html; charset=utf-8")
                    // The page is small and changes with the service: always asked afresh.
                    .putHeader("cache-control", "no-cache")
                    .sendFile(WEBROOT + "/index.html"));
    router.get("/ui/*").handler(StaticHandler.create(WEBROOT).setMaxAgeSeconds(60));
    // Webjars are versioned in their paths: their files never change under one path.
    router
        .get("/webjars/*")
        .handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
    router.get("/api/v1/campaigns/:id/export").blockingHandler(this::export, false);
    router.get("/api/v1/runtimes/:id/metrics").blockingHandler(this::runtimeMetrics, false);
  }

  private void export(RoutingContext ctx) {
    String format =
        Optional.ofNullable(ctx.queryParams().get("format"))
            .orElse("json")
            .toLowerCase(Locale.ROOT);
    if (!format.equals("json") && !format.equals("csv")) {
      throw ApiException.badRequest("format", "format must be csv or json, not '" + format + "'");
    }
    String id = ctx.pathParam("id");
    Campaign c =
        store.campaign(id).orElseThrow(() -> ApiException.notFound("no campaign '" + id + "'"));
    List<Trial> trials = store.trials(id);
    String file = "campaign-" + safeFileName(id) + "-trials." + format;
    ctx.response().putHeader("content-disposition", "attachment; filename=\"" + file + "\"");
    if (format.equals("csv")) {
      ctx.response()
          .setStatusCode(200)
          .putHeader("content-type", "text/csv; charset=utf-8")
          .end(csv(c, trials));
    } else {
      ObjectNode o = WireFormat.mapper().createObjectNode();
      o.set("campaign", campaignJson.apply(c, trials));
      ArrayNode a = o.putArray("trials");
      trials.forEach(t -> a.add(WireFormat.writeTrial(t)));
      ApiVerticle.json(ctx, 200, o);
    }
  }

  private static String safeFileName(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * The trials as CSV with a header row: {@code number, id, status, baseline, objective} (the
   * objective metric's value), {@code objective_ci_low, objective_ci_high} (its 95 % interval where
   * the window computed one), {@code window_seconds, started_at, finished_at, reason}, then one
   * {@code knob.<name>} column per knob (the campaign's parameters first, then any other knob a
   * configuration names) and one column per measured metric (its mean over the window, metrics in
   * alphabetical order). Empty cells where a trial has no value.
   */
  String csv(Campaign c, List<Trial> trials) {
    Set<String> knobs = new LinkedHashSet<>(c.spec().space().names());
    Set<String> metrics = new TreeSet<>();
    for (Trial t : trials) {
      knobs.addAll(t.configuration().values().keySet());
      t.measurement()
          .ifPresent(
              m -> {
                metrics.addAll(m.metrics().keySet());
                // Percentiles of a distribution (latency_p95_ms of latency_ms) by their own names.
                Metrics.VOCABULARY.stream()
                    .filter(v -> m.value(v).isPresent())
                    .forEach(metrics::add);
              });
    }
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    List<String> fixed =
        List.of(
            "number",
            "id",
            "status",
            "baseline",
            "objective",
            "objective_ci_low",
            "objective_ci_high",
            "window_seconds",
            "started_at",
            "finished_at",
            "reason");
    fixed.forEach(schema::addColumn);
    knobs.forEach(k -> schema.addColumn("knob." + k));
    metrics.forEach(schema::addColumn);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Trial t : trials) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("number", t.number());
      row.put("id", t.id());
      row.put("status", t.status().name().toLowerCase(Locale.ROOT));
      row.put("baseline", t.baseline());
      t.objectiveValue().ifPresent(v -> row.put("objective", v));
      t.measurement()
          .flatMap(Measurement::report)
          .flatMap(r -> r.interval())
          .ifPresent(
              ci -> {
                row.put("objective_ci_low", ci.low());
                row.put("objective_ci_high", ci.high());
              });
      t.measurement().ifPresent(m -> row.put("window_seconds", m.window().toNanos() / 1e9));
      row.put("started_at", t.startedAt().toString());
      t.finishedAt().ifPresent(f -> row.put("finished_at", f.toString()));
      t.reason().ifPresent(r -> row.put("reason", r));
      t.configuration().values().forEach((k, v) -> row.put("knob." + k, v));
      t.measurement()
          .ifPresent(m -> metrics.forEach(k -> m.value(k).ifPresent(v -> row.put(k, v))));
      rows.add(row);
    }
    try {
      return csv.writer(schema.build()).writeValueAsString(rows);
    } catch (IOException e) {
      // Writing to a string: only a bug in the rows could fail.
      throw new UncheckedIOException(e);
    }
  }

  private void runtimeMetrics(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    RuntimeAdapter r =
        runtimes.find(id).orElseThrow(() -> ApiException.notFound("no runtime '" + id + "'"));
    MetricSnapshot s;
    try {
      s = r.metrics().sample();
    } catch (MetricSourceException e) {
      throw new ApiException(
          503, "the runtime's metrics cannot be read now: " + e.getMessage(), Optional.empty());
    }
    ObjectNode o = WireFormat.mapper().createObjectNode();
    o.put("runtime", id);
    // Seconds on the service's monotonic clock: only differences between two samples mean anything.
    o.put("seconds", s.nanos() / 1e9);
    ObjectNode counters = o.putObject("counters");
    new TreeSet<>(s.counters().keySet()).forEach(k -> putNumber(counters, k, s.counters().get(k)));
    ObjectNode gauges = o.putObject("gauges");
    new TreeSet<>(s.gauges().keySet()).forEach(k -> putNumber(gauges, k, s.gauges().get(k)));
    ObjectNode histograms = o.putObject("histograms");
    new TreeSet<>(s.histograms().keySet())
        .forEach(
            k -> {
              var h = s.histograms().get(k);
              ObjectNode n = histograms.putObject(k);
              n.put("count", h.count());
              putNumber(n, "sum", h.sum());
            });
    ApiVerticle.json(ctx, 200, o);
  }

  /** JSON has no NaN or infinity: such a value is left out. */
  private static void putNumber(ObjectNode o, String name, double v) {
    if (Double.isFinite(v)) {
      o.put(name, v);
    }
  }
}
