package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.FieldException;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.study.Study;
import io.infertune.tuner.study.StudyException;
import io.infertune.tuner.study.StudyService;
import io.infertune.tuner.study.StudySpec;
import io.infertune.tuner.study.TrialOutcome;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Ask/tell optimisation as a service over REST, for evaluations the caller runs itself:
 *
 * <pre>
 * POST /api/v1/studies                                   create → 201 {"id", ...}
 * GET  /api/v1/studies                                   all, newest first
 * GET  /api/v1/studies/{id}                              spec, progress, best
 * POST /api/v1/studies/{id}/suggestions {"count": n}     → {"trials": [{"id", "parameters"}]}
 * POST /api/v1/studies/{id}/trials/{tid}/complete        {"values", "metrics"?} | {"failed", "reason"}
 * GET  /api/v1/studies/{id}/trials                       every trial, in number order
 * GET  /api/v1/studies/{id}/best                         the best trial, or the Pareto front
 * </pre>
 *
 * Unknown study or trial: 404; completing a trial twice: 409; malformed input: 400 naming the
 * field. Every handler touches the store, so all run on worker threads.
 */
final class StudyRoutes {
  private final StudyService studies;
  private final ObjectMapper mapper = WireFormat.mapper();
  private final Function<RoutingContext, JsonNode> bodyReader;

  /**
   * @param bodyReader reads a request's JSON body, failing with a 400 when there is none or it is
   *     not JSON
   */
  StudyRoutes(StudyService studies, Function<RoutingContext, JsonNode> bodyReader) {
    this.studies = studies;
    this.bodyReader = bodyReader;
  }

  void mount(Router router) {
    router.post("/api/v1/studies").blockingHandler(this::create, false);
    router.get("/api/v1/studies").blockingHandler(this::list, false);
    router.get("/api/v1/studies/:id").blockingHandler(this::get, false);
    router.post("/api/v1/studies/:id/suggestions").blockingHandler(this::suggest, false);
    router
        .post("/api/v1/studies/:id/trials/:trialId/complete")
        .blockingHandler(this::complete, false);
    router.get("/api/v1/studies/:id/trials").blockingHandler(this::trials, false);
    router.get("/api/v1/studies/:id/best").blockingHandler(this::best, false);
  }

  private void create(RoutingContext ctx) {
    StudySpec spec;
    try {
      spec = WireFormat.readStrictly(bodyReader.apply(ctx), "", WireFormat::readStudySpec);
    } catch (FieldException e) {
      throw ApiException.badRequest(e.field(), e.getMessage());
    }
    Study study = call(() -> studies.create(spec));
    ctx.response().putHeader("location", "/api/v1/studies/" + study.id());
    ApiVerticle.json(ctx, 201, studyJson(study, List.of()));
  }

  private void list(RoutingContext ctx) {
    ArrayNode a = mapper.createArrayNode();
    for (Study s : studies.studies()) {
      a.add(studyJson(s, studies.trials(s.id())));
    }
    ApiVerticle.json(ctx, 200, mapper.createObjectNode().set("studies", a));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Study study = call(() -> studies.study(id));
    ObjectNode o = studyJson(study, studies.trials(id));
    Map<String, Object> state = studies.strategyState(id);
    if (!state.isEmpty()) {
      o.set("strategyState", mapper.valueToTree(state));
    }
    ApiVerticle.json(ctx, 200, o);
  }

  private void suggest(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    int count = count(ctx);
    Study study = call(() -> studies.study(id));
    List<Trial> trials = call(() -> studies.suggest(id, count));
    ArrayNode a = mapper.createArrayNode();
    trials.forEach(t -> a.add(trialJson(study, t)));
    ObjectNode o = mapper.createObjectNode();
    o.set("trials", a);
    if (trials.size() < count) {
      o.put("exhausted", true);
    }
    ApiVerticle.json(ctx, 200, o);
  }

  /** {@code count} from an optional body: 1 when there is no body or no member. */
  private int count(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return 1;
    }
    JsonNode body = bodyReader.apply(ctx);
    if (!body.isObject()) {
      throw ApiException.badRequest(null, "the body must be a JSON object");
    }
    RequestBodies.requireKnownMembers(body, "", Set.of("count"));
    JsonNode n = body.get("count");
    if (n == null || n.isNull()) {
      return 1;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw ApiException.badRequest("count", "count must be an integer, got " + n);
    }
    return n.intValue();
  }

  private void complete(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String trialId = ctx.pathParam("trialId");
    TrialOutcome outcome;
    try {
      outcome = WireFormat.readStrictly(bodyReader.apply(ctx), "", WireFormat::readTrialOutcome);
    } catch (FieldException e) {
      throw ApiException.badRequest(e.field(), e.getMessage());
    }
    Study study = call(() -> studies.study(id));
    Trial done = call(() -> studies.complete(id, trialId, outcome));
    ApiVerticle.json(ctx, 200, trialJson(study, done));
  }

  private void trials(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Study study = call(() -> studies.study(id));
    ArrayNode a = mapper.createArrayNode();
    studies.trials(id).forEach(t -> a.add(trialJson(study, t)));
    ApiVerticle.json(ctx, 200, mapper.createObjectNode().set("trials", a));
  }

  private void best(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Study study = call(() -> studies.study(id));
    ObjectNode o = mapper.createObjectNode();
    o.put("paretoFront", study.spec().multiObjective());
    ArrayNode a = o.putArray("trials");
    studies.best(id).forEach(t -> a.add(trialJson(study, t)));
    ApiVerticle.json(ctx, 200, o);
  }

  /** The study as created, with its progress and its best trial(s) so far. */
  private ObjectNode studyJson(Study study, List<Trial> trials) {
    ObjectNode o = WireFormat.writeStudy(study);
    ObjectNode progress = o.putObject("progress");
    progress.put("trials", trials.size());
    for (TrialStatus s : TrialStatus.values()) {
      long n = trials.stream().filter(t -> t.status() == s).count();
      if (n > 0) {
        progress.put(s.name().toLowerCase(Locale.ROOT), n);
      }
    }
    return o;
  }

  /**
   * A trial as a study's caller sees it: its parameters, the objectives' values and the other
   * metrics it reported, rather than a campaign's measurement summaries.
   */
  private ObjectNode trialJson(Study study, Trial t) {
    ObjectNode o = mapper.createObjectNode();
    o.put("id", t.id());
    o.put("number", t.number());
    o.put("status", t.status().name().toLowerCase(Locale.ROOT));
    o.set("parameters", WireFormat.writeConfiguration(t.configuration()));
    t.measurement()
        .ifPresent(
            m -> {
              var objectives =
                  study.spec().objectives().stream()
                      .map(Objective::metric)
                      .collect(Collectors.toSet());
              ObjectNode values = o.putObject("values");
              ObjectNode metrics = o.putObject("metrics");
              for (Map.Entry<String, MetricSummary> e : m.metrics().entrySet()) {
                (objectives.contains(e.getKey()) ? values : metrics)
                    .put(e.getKey(), e.getValue().mean());
              }
            });
    t.reason().ifPresent(r -> o.put("reason", r));
    o.put("startedAt", t.startedAt().toString());
    t.finishedAt().ifPresent(f -> o.put("finishedAt", f.toString()));
    return o;
  }

  /** Runs a service call, turning its refusals into HTTP answers. */
  private static <T> T call(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (StudyException e) {
      throw switch (e.kind()) {
        case INVALID -> new ApiException(400, e.getMessage(), Optional.of(e.field()));
        case NOT_FOUND -> ApiException.notFound(e.getMessage());
        case CONFLICT -> ApiException.conflict(e.getMessage());
      };
    }
  }
}
