package io.infertune.api;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API's contract, {@code openapi.yaml} on the class path: served at {@code /openapi.yaml},
 * shown by Swagger UI (from its webjar) at {@code /docs}, and used by Vert.x's {@link
 * RequestValidator} to check every request to a documented operation before its handler runs. A
 * request that breaks the contract fails with a 400 {@link ApiException} naming the field ({@code
 * budget.maxTrials}, {@code template.runtime}); the handlers' own checks (ranges, knob names, cron
 * syntax) come after and keep their messages.
 *
 * <p>A body that is empty or not JSON at all is left to the handler, which says so in its own
 * words; every request body is read as JSON whatever its content type says, as the handlers do (so
 * {@code curl -d} works).
 *
 * <p>Cost: each schema's validator is built once ({@link CachedSchemaValidators}), and a request
 * without a body (every {@code GET}) has its parameters checked on the event loop; only a body is
 * validated on a worker thread, as the library does.
 *
 * @implNote thread-safe once {@link #ready()} has completed.
 */
final class ApiContract {
  /** Where the document is on the class path. */
  static final String RESOURCE = "openapi.yaml";

  /** Swagger UI's files inside its webjar (the version comes from the root pom). */
  private static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/";

  /** Response media types Vert.x's contract parser accepts (5.0). */
  private static final Set<String> VALIDATED_MEDIA_TYPES =
      Set.of("application/json", "text/plain", "application/octet-stream");

  /** How the validator names a parameter: "The value of query parameter limit is invalid". */
  private static final Pattern PARAMETER =
      Pattern.compile("(query|path|header|cookie) parameter (\\S+?)(?:\\.|\\s|$)");

  /** json-schema's message for a value of the wrong type. */
  private static final Pattern WRONG_TYPE =
      Pattern.compile("Instance type (\\S+) is invalid\\. Expected (.+)$");

  private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");

  private final String yaml;
  private final Future<RequestValidator> validator;

  /** The same validation, parameter by parameter, for requests without a body (see below). */
  private final Future<RequestValidatorImpl> parameters;

  private volatile Optional<OpenAPIContract> contract = Optional.empty();

  private ApiContract(Vertx vertx) {
    this.yaml = resource(RESOURCE);
    JsonObject json;
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = new YAMLMapper().readValue(yaml, Map.class);
      json = forValidation(new JsonObject(tree));
    } catch (IOException e) {
      throw new UncheckedIOException("the bundled " + RESOURCE + " is not valid YAML", e);
    }
    Future<OpenAPIContract> parsed =
        OpenAPIContract.from(vertx, json)
            .map(
                c -> {
                  contract = Optional.of(c);
                  return CachedSchemaValidators.of(c);
                });
    this.validator = parsed.map(c -> RequestValidator.create(vertx, c));
    this.parameters = parsed.map(c -> new RequestValidatorImpl(vertx, c));
  }

  /**
   * Mounts request validation on every route (put it after the body handler and before the API's
   * routes), {@code GET /openapi.yaml} and the {@code /docs} page.
   */
  static ApiContract mount(Vertx vertx, Router router) {
    ApiContract c = new ApiContract(vertx);
    router.route().handler(c.validation());
    router
        .get("/openapi.yaml")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "application/yaml; charset=utf-8")
                    .end(c.yaml));
    String page = resource("io/infertune/api/docs/index.html");
    String init = resource("io/infertune/api/docs/init.js");
    // The webjar's own index.html would open the petstore example from the internet: ours
    // answers at every name it could be asked by.
    for (String path : List.of("/docs", "/docs/", "/docs/index.html")) {
      router
          .get(path)
          .handler(
              ctx ->
                  ctx.response().putHeader("content-type", "text/html; charset=utf-8").end(page));
    }
    router
        .get("/docs/init.js")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "text/javascript; charset=utf-8")
                    .end(init));
    router
        .get("/docs/*")
        .handler(StaticHandler.create(SWAGGER_UI + swaggerUiVersion()).setMaxAgeSeconds(86_400));
    return c;
  }

  /**
   * The document as the validator takes it: Vert.x's contract parser refuses response media types
   * it cannot validate ({@code text/event-stream}, {@code text/csv}, {@code application/yaml}), and
   * only requests are validated here, so responses lose their other media types in this copy; the
   * document served keeps them.
   */
  private static JsonObject forValidation(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject paths = copy.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        Object operation = item.getValue(method);
        if (!(operation instanceof JsonObject op) || !op.containsKey("responses")) {
          continue;
        }
        JsonObject responses = op.getJsonObject("responses");
        for (String status : responses.fieldNames()) {
          JsonObject response = responses.getJsonObject(status);
          JsonObject content = response.getJsonObject("content");
          if (content == null) {
            continue;
          }
          content.fieldNames().removeIf(type -> !VALIDATED_MEDIA_TYPES.contains(type));
          if (content.isEmpty()) {
            response.remove("content");
          }
        }
      }
    }
    return copy;
  }

  /** Completes once the document is parsed and the validator built; fails if it is invalid. */
  Future<Void> ready() {
    return validator.mapEmpty();
  }

  /** The parsed contract, for tests that compare it with the router. */
  OpenAPIContract contract() {
    return contract.orElseThrow(() -> new IllegalStateException("the contract is not loaded yet"));
  }

  private Handler<RoutingContext> validation() {
    return ctx -> {
      if (!validator.succeeded()) {
        ctx.next();
        return;
      }
      Operation op = contract().findOperation(ctx.request().path(), ctx.request().method());
      Buffer body = ctx.body() == null ? null : ctx.body().buffer();
      if (op != null && op.getRequestBody() != null && body != null && body.length() > 0) {
        // The body's own faults first (not UTF-8, too deep, not JSON), in the handlers' words:
        // the schema's verdict on a body that could not be read faithfully would mislead.
        try {
          RequestBodies.parse(body.getBytes());
        } catch (ApiException e) {
          ctx.fail(e);
          return;
        }
      }
      if (op == null || (op.getRequestBody() != null && !isJson(body))) {
        ctx.next();
        return;
      }
      Buffer bodyOrEmpty = body == null ? Buffer.buffer() : body;
      Future<ValidatableRequest> request =
          RequestUtils.extract(ctx.request(), op, () -> Future.succeededFuture(bodyOrEmpty))
              .map(AsJson::new);
      if (op.getRequestBody() == null) {
        // Parameters only (every GET): with validators built once, checking them costs less
        // than the library's hop to a worker thread and back, which it makes for every request.
        request
            .compose(r -> validateParameters(r, op))
            .onSuccess(v -> ctx.next())
            .onFailure(e -> ctx.fail(toApiException(e)));
        return;
      }
      request
          .compose(r -> validator.result().validate(r, op.getOperationId()))
          .onSuccess(v -> ctx.next())
          .onFailure(e -> ctx.fail(toApiException(e)));
    };
  }

  /**
   * What the library's {@link RequestValidator#validate(ValidatableRequest, String)} does for an
   * operation without a request body, on the calling thread: each parameter through the library's
   * own {@link RequestValidatorImpl#validateParameter} (its transformers, schemas and errors).
   */
  private Future<Void> validateParameters(ValidatableRequest request, Operation op) {
    try {
      for (Parameter p : op.getParameters()) {
        Map<String, RequestParameter> values =
            switch (p.getIn()) {
              case COOKIE -> request.getCookies();
              case HEADER -> request.getHeaders();
              case PATH -> request.getPathParameters();
              case QUERY -> request.getQuery();
            };
        parameters.result().validateParameter(p, values.get(p.getName()));
      }
      return Future.succeededFuture();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static boolean isJson(Buffer body) {
    if (body == null || body.length() == 0) {
      return false;
    }
    try {
      Json.decodeValue(body);
      return true;
    } catch (DecodeException e) {
      return false;
    }
  }

  /** A validation failure as our 400, naming the field at fault where the schema says which. */
  static ApiException toApiException(Throwable e) {
    Matcher parameter = PARAMETER.matcher(Objects.requireNonNullElse(e.getMessage(), ""));
    if (parameter.find()) {
      // A query or path parameter: the schema's instance location is the value itself, so the
      // parameter is named from the validator's message.
      String name = parameter.group(2);
      String reason =
          e instanceof SchemaValidationException s && s.getOutputUnit() != null
              ? Objects.requireNonNullElse(mostSpecific(s.getOutputUnit()).getError(), "")
              : e.getMessage();
      return new ApiException(
          400,
          parameter.group(1)
              + " parameter "
              + name
              + " is invalid: "
              + reason
              + " (see /openapi.yaml)",
          Optional.of(name));
    }
    if (e instanceof SchemaValidationException s && s.getOutputUnit() != null) {
      OutputUnit leaf = mostSpecific(s.getOutputUnit());
      Optional<String> field = field(leaf);
      return new ApiException(400, message(leaf, field, s.getMessage()), field);
    }
    if (e instanceof ValidatorException v) {
      return new ApiException(400, v.getMessage(), Optional.empty());
    }
    return new ApiException(
        400, "the request does not match the API contract: " + e.getMessage(), Optional.empty());
  }

  /**
   * What is wrong, in the words of the handlers' own messages where the keyword is a common one
   * ({@code budget.maxTrials must be integer, got string}, {@code runtime is required}), else the
   * schema library's.
   */
  private static String message(OutputUnit leaf, Optional<String> field, String fallback) {
    String subject = field.orElse("the body");
    String error = Objects.requireNonNullElse(leaf.getError(), fallback);
    String keyword = Objects.requireNonNullElse(leaf.getKeywordLocation(), "");
    if (keyword.endsWith("/required")) {
      return subject + " is required";
    }
    Matcher type = WRONG_TYPE.matcher(error);
    if (type.find()) {
      return subject + " must be " + type.group(2) + ", got " + type.group(1);
    }
    return subject + ": " + error + " (see /openapi.yaml)";
  }

  /**
   * The most specific error: the one about the deepest field. Vert.x lists an error for each
   * enclosing property too ("Property budget does not match schema"), before or beside the one that
   * says what is wrong.
   */
  private static OutputUnit mostSpecific(OutputUnit unit) {
    List<OutputUnit> leaves = new ArrayList<>();
    collectLeaves(unit, leaves);
    OutputUnit best = unit;
    int depth = -1;
    for (OutputUnit u : leaves) {
      // Deeper fields first; at one depth, the error that says what is wrong before the one
      // that only says the property does not match.
      boolean wrapper = u.getError() != null && u.getError().startsWith("Property ");
      int d = 2 * field(u).map(f -> f.split("[.\\[]").length).orElse(0) + (wrapper ? 0 : 1);
      if (d > depth) {
        best = u;
        depth = d;
      }
    }
    return best;
  }

  private static void collectLeaves(OutputUnit unit, List<OutputUnit> into) {
    if (unit.getErrors() == null || unit.getErrors().isEmpty()) {
      into.add(unit);
      return;
    }
    unit.getErrors().forEach(e -> collectLeaves(e, into));
  }

  /**
   * The field an error is about, from its instance location ({@code /template/budget/maxTrials} or
   * {@code #/parameters/0/name} → {@code template.budget.maxTrials}, {@code parameters[0].name}); a
   * missing required property names the property itself.
   */
  static Optional<String> field(OutputUnit unit) {
    List<String> parts = new ArrayList<>();
    String location = Objects.requireNonNullElse(unit.getInstanceLocation(), "");
    for (String segment : location.replaceFirst("^#", "").split("/")) {
      if (!segment.isEmpty()) {
        parts.add(segment.replace("~1", "/").replace("~0", "~"));
      }
    }
    String keyword = Objects.requireNonNullElse(unit.getKeywordLocation(), "");
    if (keyword.endsWith("/required") && unit.getError() != null) {
      Matcher m = QUOTED.matcher(unit.getError());
      if (m.find()) {
        parts.add(m.group(1));
      }
    }
    StringBuilder f = new StringBuilder();
    for (String p : parts) {
      if (p.chars().allMatch(Character::isDigit)) {
        f.append('[').append(p).append(']');
      } else {
        f.append(f.isEmpty() ? "" : ".").append(p);
      }
    }
    return f.isEmpty() ? Optional.empty() : Optional.of(f.toString());
  }

  /** The request as extracted, read as JSON whatever its content type says. */
  private record AsJson(ValidatableRequest request) implements ValidatableRequest {
    @Override
    public String getContentType() {
      return "application/json";
    }

    @Override
    public Map<String, RequestParameter> getCookies() {
      return request.getCookies();
    }

    @Override
    public Map<String, RequestParameter> getPathParameters() {
      return request.getPathParameters();
    }

    @Override
    public Map<String, RequestParameter> getQuery() {
      return request.getQuery();
    }

    @Override
    public Map<String, RequestParameter> getHeaders() {
      return request.getHeaders();
    }

    @Override
    public RequestParameter getBody() {
      return request.getBody();
    }
  }

  private static String resource(String name) {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }

  /** The webjar's version, from its Maven metadata, so that the pom alone decides it. */
  private static String swaggerUiVersion() {
    String props = resource("META-INF/maven/org.webjars/swagger-ui/pom.properties");
    return props
        .lines()
        .filter(l -> l.startsWith("version="))
        .map(l -> l.substring("version=".length()).strip())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("swagger-ui's pom.properties has no version"));
  }
}
