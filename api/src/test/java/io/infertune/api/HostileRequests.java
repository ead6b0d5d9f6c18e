package io.infertune.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Makes malformed and hostile requests for every route of the service: valid example bodies mutated
 * so that they break the OpenAPI document or the handlers' rules in one place, junk bodies, unknown
 * and tricky ids, wrong methods and bad query parameters. Routes, their request schemas and their
 * query parameters are read from the router and from {@code openapi.yaml}, so a new route is fuzzed
 * without changes here (with an example body, its bodies are mutated too).
 */
final class HostileRequests {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");

  /**
   * Content types a client may send: the API reads every body as JSON whatever it says, so each is
   * paired with a body that is wrong anyway.
   */
  private static final List<Optional<String>> CONTENT_TYPES =
      List.of(
          Optional.of("application/json"),
          Optional.of("application/json"),
          Optional.of("application/json; charset=utf-8"),
          Optional.empty(),
          Optional.of("text/plain"),
          Optional.of("application/xml"),
          Optional.of("application/x-www-form-urlencoded"),
          Optional.of("multipart/form-data; boundary=xyz"),
          Optional.of("application/json; charset=iso-8859-1"),
          Optional.of("image/png"),
          Optional.of(";;;"));

  /**
   * Ids that name nothing, including tricks on the path: encoded slashes and dots, NUL, invalid
   * UTF-8, malformed escapes, injection strings, near misses of real ids. None resolves to a real
   * resource or to another route.
   */
  private static final List<String> TRICKY_IDS =
      List.of(
          "..",
          "%2e%2e",
          "..%2f..%2fhealth",
          "%2F",
          "a%2Fb",
          "%00",
          "nul%00l",
          "%ff%fe",
          "%C3%28",
          "%zz",
          "%",
          "%C3%BC",
          "'%20OR%20'1'%3D'1",
          "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
          "embedded%20",
          "EMBEDDED",
          "null",
          "-1",
          "0",
          "*",
          "~",
          "a;b=c",
          "%252e%252e");

  /** One request: what is sent and what the refusal should name. */
  record Hostile(
      String kind,
      String method,
      String target,
      Optional<String> contentType,
      byte[] body,
      Optional<String> namedField) {
    @Override
    public String toString() {
      String shown = new String(body, StandardCharsets.UTF_8);
      if (shown.length() > 300) {
        shown = shown.substring(0, 300) + "... (" + body.length + " bytes)";
      }
      return kind + ": " + method + " " + abbreviate(target) + " " + contentType + " " + shown;
    }
  }

  /** A served route and its operation in the document, when documented. */
  record Route(String method, String template, Optional<JsonNode> operation) {
    boolean mutates() {
      return !method.equals("GET");
    }

    boolean hasPathParameters() {
      return template.contains("{");
    }

    Optional<JsonNode> bodySchema() {
      return operation
          .map(op -> op.at("/requestBody/content/application~1json/schema"))
          .filter(s -> !s.isMissingNode());
    }

    boolean bodyRequired() {
      return operation.map(op -> op.at("/requestBody/required").asBoolean(false)).orElse(false);
    }
  }

  private final JsonNode document;
  private final List<Route> routes;
  private final Map<String, String> knownIds;
  private final Map<String, String> examples;
  private final Set<String> servedPaths = new HashSet<>();

  /**
   * @param knownIds the id of a stored resource per collection segment ({@code runtimes}, {@code
   *     studies}, {@code schedules}, {@code campaigns}, {@code trials})
   * @param examples a valid body per route ({@code "POST /api/v1/campaigns"})
   */
  HostileRequests(
      JsonNode document,
      List<Route> routes,
      Map<String, String> knownIds,
      Map<String, String> examples) {
    this.document = document;
    this.routes = List.copyOf(routes);
    this.knownIds = Map.copyOf(knownIds);
    this.examples = Map.copyOf(examples);
    routes.forEach(r -> servedPaths.add(r.method() + " " + r.template()));
  }

  List<Route> routes() {
    return routes;
  }

  /** Any kind of hostile request, drawn with the generator's random source. */
  Hostile next(Random random) {
    List<Function<Random, Optional<Hostile>>> kinds =
        List.of(
            this::mutatedBody,
            this::mutatedBody,
            this::mutatedBody,
            this::junkBody,
            this::junkBody,
            this::unknownId,
            this::wrongMethod,
            this::badQuery);
    while (true) {
      Optional<Hostile> h = kinds.get(random.nextInt(kinds.size())).apply(random);
      if (h.isPresent()) {
        return h.get();
      }
    }
  }

  // ---------------------------------------------------------------------------------- kinds

  /** A valid example body broken in one place, on its route with known ids. */
  Optional<Hostile> mutatedBody(Random random) {
    List<Route> withExamples =
        routes.stream()
            .filter(r -> examples.containsKey(key(r)) && r.bodySchema().isPresent())
            .toList();
    Route route = pick(random, withExamples);
    JsonNode example = parse(examples.get(key(route)));
    List<Slot> slots = new ArrayList<>();
    slots.add(Slot.root(example, route.bodySchema().orElseThrow()));
    collectSlots(example, route.bodySchema().orElseThrow(), "", slots);
    List<Function<Random, Optional<Mutation>>> mutations =
        List.of(
            r -> wrongType(r, pick(r, slots)),
            r -> dropRequired(r, pick(r, slots)),
            r -> dropRequiredByHandler(r, route, example),
            r -> unknownMember(r, pick(r, slots)),
            r -> hugeNumber(r, pick(r, slots)),
            r -> notANumber(r, pick(r, slots)),
            r -> invertedRange(pick(r, slots)),
            r -> emptyValues(pick(r, slots)),
            r -> unknownName(r, pick(r, slots)));
    for (int attempt = 0; attempt < 20; attempt++) {
      Optional<Mutation> m = mutations.get(random.nextInt(mutations.size())).apply(random);
      if (m.isPresent()) {
        JsonNode copy = example.deepCopy();
        String body = m.get().apply(copy);
        return Optional.of(
            new Hostile(
                "mutated body (" + m.get().what() + ")",
                route.method(),
                path(route.template(), Optional.empty()),
                pick(random, CONTENT_TYPES),
                body.getBytes(StandardCharsets.UTF_8),
                m.get().field()));
      }
    }
    return Optional.empty();
  }

  /** A body that is not one well-formed JSON document of a sane size and depth. */
  Optional<Hostile> junkBody(Random random) {
    List<Route> reading =
        routes.stream()
            .filter(r -> r.bodySchema().isPresent())
            .filter(r -> !r.hasPathParameters() || r.mutates())
            .toList();
    Route route = pick(random, reading);
    String example = examples.getOrDefault(key(route), "{}");
    byte[] body;
    String what;
    switch (random.nextInt(9)) {
      case 0 -> {
        what = "not JSON";
        body =
            utf8(
                pick(
                    random,
                    List.of(
                        "{",
                        "hello",
                        "{'runtime': 'embedded'}",
                        "<config/>",
                        example + "}",
                        example + " trailing",
                        "{\"a\" 1}",
                        "{\"a\": 01}",
                        "{\"a\": .5}",
                        "{\"a\": \"\\x41\"}",
                        "runtime=embedded",
                        example.substring(0, example.length() / 2))));
      }
      case 1 -> {
        what = "JSON, but not an object";
        List<String> shapes = new ArrayList<>(List.of("[]", "[" + example + "]", "\"x\"", "42"));
        if (route.bodyRequired()) {
          // An optional body may be absent, and JSON null or an empty body say just that.
          shapes.addAll(List.of("null", "", "   ", "true"));
        }
        body = utf8(pick(random, shapes));
      }
      case 2 -> {
        what = "invalid UTF-8";
        byte[] valid = utf8(example);
        int at = valid.length <= 2 ? 1 : 1 + random.nextInt(valid.length - 2);
        byte[] bad =
            pick(
                random,
                List.of(
                    new byte[] {(byte) 0xff},
                    new byte[] {(byte) 0xc3, 0x28},
                    new byte[] {(byte) 0xc0, (byte) 0xaf},
                    new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                    new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}));
        body = new byte[valid.length + bad.length];
        System.arraycopy(valid, 0, body, 0, at);
        System.arraycopy(bad, 0, body, at, bad.length);
        System.arraycopy(valid, at, body, at + bad.length, valid.length - at);
      }
      case 3 -> {
        what = "deeply nested";
        int depth = 65 + random.nextInt(random.nextBoolean() ? 100 : 20_000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        body = utf8(random.nextBoolean() ? nested : "{\"name\": " + nested + "}");
      }
      case 4 -> {
        what = "over 256 KiB";
        int size = 256 * 1024 + 1 + random.nextInt(2 * 1024 * 1024);
        body =
            utf8(
                random.nextBoolean()
                    ? "{\"name\": \"" + "x".repeat(size) + "\"}"
                    : "[" + "1,".repeat(size / 2) + "1]");
      }
      case 5 -> {
        what = "NaN or infinity";
        String token = pick(random, List.of("NaN", "Infinity", "-Infinity", "+Infinity"));
        body = utf8(example.replaceFirst("\\}\\s*$", ", \"zz\": " + token + "}"));
      }
      case 6 -> {
        what = "a number JSON cannot hold";
        String digits = "9".repeat(1_001 + random.nextInt(10_000));
        body = utf8("{\"count\": " + digits + "}");
      }
      case 7 -> {
        what = "a very long member name";
        body = utf8("{\"" + "k".repeat(60_000 + random.nextInt(100_000)) + "\": 1}");
      }
      default -> {
        what = "control characters";
        body = utf8(example.replaceFirst("\\{", "{\"\u0001\u0000\": \"\u0000\","));
      }
    }
    return Optional.of(
        new Hostile(
            "junk body (" + what + ")",
            route.method(),
            path(route.template(), Optional.empty()),
            pick(random, CONTENT_TYPES),
            body,
            Optional.empty()));
  }

  /** An id that names nothing, or a trick on the path, in place of one of the route's ids. */
  Optional<Hostile> unknownId(Random random) {
    List<Route> withIds = routes.stream().filter(Route::hasPathParameters).toList();
    Route route = pick(random, withIds);
    String id =
        switch (random.nextInt(4)) {
          case 0 -> UUID.randomUUID().toString();
          case 1 -> alphanumeric(random, 1 + random.nextInt(40));
          case 2 -> "x".repeat(2_000 + random.nextInt(4_000));
          default -> pick(random, TRICKY_IDS);
        };
    String example = examples.getOrDefault(key(route), "");
    return Optional.of(
        new Hostile(
            "unknown id",
            route.method(),
            path(route.template(), Optional.of(new Replacement(random.nextInt(8), id))),
            Optional.of("application/json"),
            utf8(example),
            Optional.empty()));
  }

  /** A method the path does not serve, on known ids, with the path's example body if any. */
  Optional<Hostile> wrongMethod(Random random) {
    Route route = pick(random, routes);
    List<String> unserved = new ArrayList<>();
    for (String m : METHODS) {
      if (!servedPaths.contains(m + " " + route.template())) {
        unserved.add(m);
      }
    }
    unserved.addAll(List.of("FOO", "PROPFIND"));
    String method = pick(random, unserved);
    return Optional.of(
        new Hostile(
            "wrong method",
            method,
            path(route.template(), Optional.empty()),
            Optional.of("application/json"),
            utf8(examples.getOrDefault(key(route), "{}")),
            Optional.empty()));
  }

  /** A declared integer query parameter given something that is not one in range. */
  Optional<Hostile> badQuery(Random random) {
    List<Map.Entry<Route, JsonNode>> params = new ArrayList<>();
    for (Route r : routes) {
      r.operation()
          .ifPresent(
              op -> {
                for (JsonNode p : op.path("parameters")) {
                  JsonNode resolved = resolve(p);
                  if (resolved.path("in").asText().equals("query")
                      && types(resolve(resolved.path("schema"))).contains("integer")) {
                    params.add(Map.entry(r, resolved));
                  }
                }
              });
    }
    if (params.isEmpty()) {
      return Optional.empty();
    }
    Map.Entry<Route, JsonNode> p = pick(random, params);
    JsonNode schema = resolve(p.getValue().path("schema"));
    List<String> bad =
        new ArrayList<>(
            List.of(
                "abc",
                "1.5",
                "1e999",
                "99999999999999999999",
                "%00",
                "NaN",
                "true",
                "1%2C2",
                "%ff",
                "0x10"));
    // Just outside the declared range, where there is one.
    if (schema.has("minimum")) {
      bad.add(String.valueOf(schema.get("minimum").asLong() - 1));
    }
    if (schema.has("maximum")) {
      bad.add(String.valueOf(schema.get("maximum").asLong() + 1));
    }
    String name = p.getValue().path("name").asText();
    String value = pick(random, bad);
    return Optional.of(
        new Hostile(
            "bad query parameter",
            "GET",
            path(p.getKey().template(), Optional.empty()) + "?" + name + "=" + value,
            Optional.empty(),
            new byte[0],
            Optional.of(name)));
  }

  // ---------------------------------------------------------------------------------- mutations

  /** A place in the example body: its path as the API names fields, its node and its schema. */
  private record Slot(String path, JsonNode parent, String member, int index, JsonNode schema) {
    static Slot root(JsonNode body, JsonNode schema) {
      return new Slot("", body, null, -1, schema);
    }

    boolean isRoot() {
      return member == null && index < 0;
    }

    JsonNode node() {
      if (isRoot()) {
        return parent;
      }
      return member != null ? parent.get(member) : parent.get(index);
    }

    String child(String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    void set(JsonNode value) {
      if (member != null) {
        ((ObjectNode) parent).set(member, value);
      } else {
        ((ArrayNode) parent).set(index, value);
      }
    }
  }

  /** What a mutation did, how to apply it to a copy of the example, and what it should name. */
  private record Mutation(String what, Function<JsonNode, String> edit, Optional<String> field) {
    String apply(JsonNode copy) {
      return edit.apply(copy);
    }
  }

  private void collectSlots(JsonNode node, JsonNode schema, String path, List<Slot> out) {
    JsonNode s = resolve(schema);
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                JsonNode childSchema = childSchema(s, e.getKey());
                String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                out.add(new Slot(childPath, node, e.getKey(), -1, childSchema));
                collectSlots(e.getValue(), childSchema, childPath, out);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        JsonNode childSchema = s.path("items");
        String childPath = path + "[" + i + "]";
        out.add(new Slot(childPath, node, null, i, childSchema));
        collectSlots(node.get(i), childSchema, childPath, out);
      }
    }
  }

  private JsonNode childSchema(JsonNode objectSchema, String member) {
    JsonNode p = objectSchema.path("properties").path(member);
    if (!p.isMissingNode()) {
      return resolve(p);
    }
    JsonNode extra = objectSchema.path("additionalProperties");
    return extra.isObject() ? resolve(extra) : MAPPER.missingNode();
  }

  /** Pointer the slot's node of a copy: the same path walked in the copy. */
  private static Slot inCopy(Slot slot, JsonNode copy) {
    JsonNode parent = copy;
    String parentPath = parentPath(slot.path());
    if (slot.isRoot()) {
      return Slot.root(copy, slot.schema());
    }
    if (!parentPath.isEmpty()) {
      for (String step : parentPath.replace("[", ".[").split("\\.")) {
        if (step.isEmpty()) {
          continue;
        }
        parent =
            step.startsWith("[")
                ? parent.get(Integer.parseInt(step.substring(1, step.length() - 1)))
                : parent.get(step);
      }
    }
    return new Slot(slot.path(), parent, slot.member(), slot.index(), slot.schema());
  }

  private static String parentPath(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut < 0 ? "" : path.substring(0, cut);
  }

  private Optional<Mutation> wrongType(Random random, Slot slot) {
    Set<String> allowed = types(slot.schema());
    if (allowed.isEmpty() || slot.isRoot()) {
      return Optional.empty();
    }
    List<String> wrong = new ArrayList<>();
    if (!allowed.contains("string")) {
      wrong.add("\"text\"");
      wrong.add("\"7\"");
    }
    if (!allowed.contains("number")) {
      wrong.add("1.5");
    }
    if (!allowed.contains("number") && !allowed.contains("integer")) {
      wrong.add("7");
    }
    if (!allowed.contains("boolean")) {
      wrong.add("true");
    }
    if (!allowed.contains("null")) {
      wrong.add("null");
    }
    if (!allowed.contains("array")) {
      wrong.add("[]");
    }
    if (!allowed.contains("object")) {
      wrong.add("{}");
    }
    JsonNode value = parse(pick(random, wrong));
    return Optional.of(
        new Mutation(
            "wrong type at " + slot.path(),
            copy -> {
              inCopy(slot, copy).set(value);
              return copy.toString();
            },
            Optional.of(slot.path())));
  }

  private Optional<Mutation> dropRequired(Random random, Slot slot) {
    JsonNode node = slot.node();
    List<String> required = new ArrayList<>();
    resolve(slot.schema()).path("required").forEach(r -> required.add(r.asText()));
    required.removeIf(r -> !node.has(r));
    if (required.isEmpty()) {
      return Optional.empty();
    }
    String member = pick(random, required);
    return Optional.of(
        new Mutation(
            "missing " + slot.child(member),
            copy -> {
              ((ObjectNode) inCopy(slot, copy).node()).remove(member);
              return copy.toString();
            },
            Optional.of(slot.child(member))));
  }

  /**
   * Members the handlers require although the document does not say so in a {@code required} list
   * (it says so in prose: a schedule's {@code PUT} to an unknown id must be a 404 whatever its
   * body).
   */
  private static final Map<String, List<String>> REQUIRED_BY_HANDLERS =
      Map.of(
          "POST /api/v1/schedules", List.of("name", "cron", "template"),
          "PUT /api/v1/schedules/{id}", List.of("name", "cron", "template"),
          "POST /api/v1/studies", List.of("parameters", "objectives"));

  private Optional<Mutation> dropRequiredByHandler(Random random, Route route, JsonNode example) {
    List<String> required = REQUIRED_BY_HANDLERS.getOrDefault(key(route), List.of());
    if (required.isEmpty()) {
      return Optional.empty();
    }
    String member = pick(random, required);
    if (!example.has(member)) {
      return Optional.empty();
    }
    return Optional.of(
        new Mutation(
            "missing " + member,
            copy -> {
              ((ObjectNode) copy).remove(member);
              return copy.toString();
            },
            Optional.of(member)));
  }

  private Optional<Mutation> unknownMember(Random random, Slot slot) {
    JsonNode s = resolve(slot.schema());
    if (!slot.node().isObject() || !s.has("properties") || s.has("additionalProperties")) {
      return Optional.empty();
    }
    String name = "zz" + alphanumeric(random, 6);
    return Optional.of(
        new Mutation(
            "unknown member " + slot.child(name),
            copy -> {
              ((ObjectNode) inCopy(slot, copy).node()).put(name, 1);
              return copy.toString();
            },
            Optional.of(slot.child(name))));
  }

  private static final Set<String> OPEN_RANGED_SECTIONS =
      Set.of("budget", "measurement", "workload", "promotion", "strategy", "count");

  private Optional<Mutation> hugeNumber(Random random, Slot slot) {
    Set<String> allowed = types(slot.schema());
    if (!slot.node().isNumber() || !(allowed.contains("number") || allowed.contains("integer"))) {
      return Optional.empty();
    }
    List<String> huge = new ArrayList<>(List.of("1e999", "-1e999"));
    if (!allowed.contains("number")) {
      huge.addAll(List.of("1e40", "18446744073709551617", "-99999999999999999999", "1e19"));
    }
    String section = slot.path().replaceFirst("^template\\.", "").split("[.\\[]")[0];
    if (OPEN_RANGED_SECTIONS.contains(section)) {
      // Durations, rates and counts have sane upper limits; parameter ranges and constraint
      // bounds may legitimately be large, so only they are spared these.
      huge.addAll(List.of("1e300", "-1e300"));
    }
    String token = pick(random, huge);
    return Optional.of(
        new Mutation(
            "number " + token + " at " + slot.path(),
            copy -> {
              Slot s = inCopy(slot, copy);
              s.set(MAPPER.getNodeFactory().textNode("\u0000HUGE\u0000"));
              return copy.toString().replace("\"\\u0000HUGE\\u0000\"", token);
            },
            Optional.of(slot.path())));
  }

  private Optional<Mutation> notANumber(Random random, Slot slot) {
    if (slot.isRoot()) {
      return Optional.empty();
    }
    String token = pick(random, List.of("NaN", "Infinity", "-Infinity"));
    return Optional.of(
        new Mutation(
            token + " at " + slot.path(),
            copy -> {
              inCopy(slot, copy).set(MAPPER.getNodeFactory().textNode("\u0000NAN\u0000"));
              return copy.toString().replace("\"\\u0000NAN\\u0000\"", token);
            },
            Optional.empty()));
  }

  private Optional<Mutation> invertedRange(Slot slot) {
    JsonNode node = slot.node();
    if (!node.isObject()
        || !node.path("min").isNumber()
        || !node.path("max").isNumber()
        || node.get("min").asDouble() >= node.get("max").asDouble()) {
      return Optional.empty();
    }
    return Optional.of(
        new Mutation(
            "inverted range at " + slot.path(),
            copy -> {
              ObjectNode o = (ObjectNode) inCopy(slot, copy).node();
              JsonNode min = o.get("min");
              o.set("min", o.get("max"));
              o.set("max", min);
              return copy.toString();
            },
            Optional.of(slot.path())));
  }

  private Optional<Mutation> emptyValues(Slot slot) {
    if (!slot.node().isObject() || !slot.node().path("values").isArray()) {
      return Optional.empty();
    }
    return Optional.of(
        new Mutation(
            "empty values at " + slot.path(),
            copy -> {
              ((ObjectNode) inCopy(slot, copy).node()).putArray("values");
              return copy.toString();
            },
            Optional.of(slot.path())));
  }

  /** Names that must be one of a known set: strategies, metrics, directions, types, cron, zone. */
  private static final Set<String> NAMED_CHOICES =
      Set.of("type", "metric", "direction", "mode", "cron", "zone", "parent", "runtime");

  private Optional<Mutation> unknownName(Random random, Slot slot) {
    if (!slot.node().isTextual() || slot.member() == null) {
      return Optional.empty();
    }
    if (!NAMED_CHOICES.contains(slot.member())) {
      return Optional.empty();
    }
    String name = "no_such_" + alphanumeric(random, 5);
    return Optional.of(
        new Mutation(
            "unknown " + slot.member() + " at " + slot.path(),
            copy -> {
              inCopy(slot, copy).set(MAPPER.getNodeFactory().textNode(name));
              return copy.toString();
            },
            Optional.of(slot.path())));
  }

  // ---------------------------------------------------------------------------------- helpers

  private record Replacement(int which, String id) {}

  /**
   * The route's path with known ids, or with one of them (the {@code which}-th modulo their count)
   * replaced.
   */
  private String path(String template, Optional<Replacement> replacement) {
    String[] segments = template.split("/");
    List<Integer> params = new ArrayList<>();
    for (int i = 0; i < segments.length; i++) {
      if (segments[i].startsWith("{")) {
        params.add(i);
      }
    }
    int replaced = replacement.map(r -> params.get(r.which() % params.size())).orElse(-1);
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < segments.length; i++) {
      out.append('/');
      if (i == replaced) {
        out.append(replacement.orElseThrow().id());
      } else if (segments[i].startsWith("{")) {
        String collection = segments[i - 1];
        String id = knownIds.get(collection);
        out.append(id != null ? id : "unknown-" + collection);
      } else {
        out.append(segments[i]);
      }
    }
    return out.toString();
  }

  private JsonNode resolve(JsonNode node) {
    JsonNode n = node;
    while (n.has("$ref")) {
      n = document.at(n.get("$ref").asText().substring(1));
    }
    return n;
  }

  private static Set<String> types(JsonNode schema) {
    Set<String> out = new HashSet<>();
    JsonNode t = schema.path("type");
    if (t.isTextual()) {
      out.add(t.asText());
    } else {
      t.forEach(x -> out.add(x.asText()));
    }
    return out;
  }

  private static String key(Route r) {
    return r.method() + " " + r.template();
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("example is not JSON: " + json, e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static String alphanumeric(Random random, int length) {
    String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(chars.charAt(random.nextInt(chars.length())));
    }
    return b.toString();
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "...(" + s.length() + " chars)" : s;
  }
}
