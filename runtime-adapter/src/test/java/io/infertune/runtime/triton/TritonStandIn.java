package io.infertune.runtime.triton;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.infertune.runtime.embedded.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for NVIDIA Triton Inference Server started with {@code --model-control-mode=explicit},
 * for machines without a GPU: real HTTP on loopback (the JDK's {@code com.sun.net.httpserver}), the
 * endpoints the adapter speaks with Triton's JSON, and a Prometheus page on a port of its own, as
 * Triton serves one on 8002. Models are JSON model configurations (what {@code config.pbtxt}
 * holds); their "inference" answers each text with its length.
 *
 * <p>What it reproduces, and from where:
 *
 * <ul>
 *   <li>the endpoints and bodies of docs/protocol/extension_model_repository.md (index with {@code
 *       name}, {@code version}, {@code state}, {@code reason}; load with an optional {@code
 *       parameters.config} override; unload), extension_model_configuration.md, and KServe v2
 *       health, readiness and inference; errors are {@code {"error": "..."}} with status 400 (500
 *       for a backend's failure during inference);
 *   <li>explicit-mode semantics (docs/user_guide/model_management.md): a load returns when the
 *       model is loaded or has failed to; a failed reload leaves the loaded model as it was; a
 *       successful one replaces it without a gap (both are in GPU memory meanwhile);
 *   <li>normalisation before validation, as NormalizeModelConfig and NormalizeInstanceGroup do
 *       (core src/model_config_utils.cc): preferred batch sizes default to {@code
 *       [max_batch_size]}, {@code max_queue_delay_microseconds} to 0, a group's name to the
 *       model's, its count to 1, {@code KIND_AUTO} to GPU when there is one, a {@code KIND_GPU}
 *       group's GPUs to all of them;
 *   <li>the checks and messages of ValidateModelConfig for the fields the adapter changes: negative
 *       {@code max_batch_size}, preferred batch sizes not positive or above the maximum, {@code
 *       KIND_GPU} without GPUs or on a GPU that does not exist, {@code KIND_CPU} naming GPUs; an
 *       instance kind that is not one of ModelInstanceGroup.Kind fails the JSON parse;
 *   <li>the prefixes of Triton's load errors as its qa tests expect them: "Poll failed for model
 *       directory '...'" for a configuration it refuses, "failed to poll model '...': model not
 *       found in any model repository", and "load failed for model '...': version 1 is at
 *       UNAVAILABLE state: Internal: ..." for a backend that fails to create an instance (here: out
 *       of GPU memory, from a simple model of instance memory);
 *   <li>the metric names, HELP texts, types and labels of docs/user_guide/metrics.md (counters
 *       without {@code _total}, failures by {@code reason}, GPU series by {@code gpu_uuid}), only
 *       for loaded models.
 * </ul>
 *
 * <p>The wording of protobuf's JSON parse errors is not reproduced, nor batching itself: each
 * request executes alone, so the execution count equals the request count.
 */
final class TritonStandIn implements AutoCloseable {
  private static final String VERSION = "1";
  private static final Set<String> KINDS =
      Set.of("KIND_AUTO", "KIND_GPU", "KIND_CPU", "KIND_MODEL");

  private final Map<String, Model> models = new LinkedHashMap<>();
  private final int gpus;
  private final long gpuMemoryBytes;
  private final long weightBytes;
  private final long activationBytesPerItem;
  private final HttpServer http;
  private final HttpServer metricsServer;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<String> loadBodies = new CopyOnWriteArrayList<>();

  private volatile boolean holdReadiness;
  private volatile Runnable beforeExecute = () -> {};
  private int failingInferences;

  /** A model of the repository, and what is loaded of it. */
  private static final class Model {
    final String name;
    final JsonValue repositoryConfig;

    /** The normalised configuration in force, or null when not loaded. */
    JsonValue loaded;

    boolean everLoaded;
    long success;
    long inferences;
    long executions;
    long requestMicros;
    long computeMicros;
    final Map<String, Long> failures = new TreeMap<>();

    Model(String name, JsonValue repositoryConfig) {
      this.name = name;
      this.repositoryConfig = repositoryConfig;
      for (String reason : List.of("BACKEND", "CANCELED", "OTHER", "REJECTED")) {
        failures.put(reason, 0L);
      }
    }
  }

  private TritonStandIn(Builder b) {
    this.gpus = b.gpus;
    this.gpuMemoryBytes = b.gpuMemoryBytes;
    this.weightBytes = b.weightBytes;
    this.activationBytesPerItem = b.activationBytesPerItem;
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      metricsServer =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    b.models.forEach(
        (name, spec) -> {
          Model m = new Model(name, parse(spec.config()));
          models.put(name, m);
          if (spec.loaded()) {
            load(m, m.repositoryConfig)
                .ifPresent(
                    error -> {
                      throw new IllegalArgumentException(
                          "model " + name + " does not load: " + error);
                    });
          }
        });
    http.setExecutor(executor);
    metricsServer.setExecutor(executor);
    http.createContext("/", this::route);
    metricsServer.createContext("/metrics", this::metrics);
    http.start();
    metricsServer.start();
  }

  static Builder builder() {
    return new Builder();
  }

  /** What to start with. */
  static final class Builder {
    private record Spec(String config, boolean loaded) {}

    private final Map<String, Spec> models = new LinkedHashMap<>();
    private int gpus = 1;
    private long gpuMemoryBytes = 16L << 30;
    private long weightBytes = 1L << 30;
    private long activationBytesPerItem = 32L << 20;

    /** A model in the repository, given by its configuration, loaded at start or not. */
    Builder model(String name, String configJson, boolean loaded) {
      models.put(name, new Spec(configJson, loaded));
      return this;
    }

    Builder gpus(int count) {
      this.gpus = count;
      return this;
    }

    /** Memory of each GPU, and what one instance takes: weights plus activations per item. */
    Builder gpuMemory(long totalBytes, long weightBytes, long activationBytesPerItem) {
      this.gpuMemoryBytes = totalBytes;
      this.weightBytes = weightBytes;
      this.activationBytesPerItem = activationBytesPerItem;
      return this;
    }

    TritonStandIn start() {
      return new TritonStandIn(this);
    }
  }

  /** The HTTP endpoint, as Triton's {@code --http-port} (8000). */
  URI url() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  /** The metrics page, as Triton's {@code --metrics-port} (8002). */
  URI metricsUrl() {
    return URI.create("http://127.0.0.1:" + metricsServer.getAddress().getPort() + "/metrics");
  }

  /** The bodies of the load requests received so far. */
  List<String> loadBodies() {
    return List.copyOf(loadBodies);
  }

  /** While held, model readiness answers 400 (a model whose instances are still initialising). */
  void holdReadiness(boolean hold) {
    this.holdReadiness = hold;
  }

  /** Runs before each execution (a test's clock advancing for the execution's duration). */
  void beforeExecute(Runnable hook) {
    this.beforeExecute = hook;
  }

  /** The next {@code n} executions fail in the backend. */
  synchronized void failInferences(int n) {
    this.failingInferences = n;
  }

  private void route(HttpExchange ex) throws IOException {
    try (ex) {
      String[] p = ex.getRequestURI().getPath().split("/");
      String method = ex.getRequestMethod();
      // p[0] is "" (the path starts with '/').
      if (p.length == 4 && p[1].equals("v2") && p[2].equals("health") && method.equals("GET")) {
        send(ex, 200, null);
      } else if (p.length == 4 && p[2].equals("repository") && p[3].equals("index")) {
        send(ex, 200, index());
      } else if (p.length == 6 && p[2].equals("repository") && p[3].equals("models")) {
        String body = read(ex);
        switch (p[5]) {
          case "load" -> loadRequest(ex, p[4], body);
          case "unload" -> unloadRequest(ex, p[4]);
          default -> error(ex, 404, "Not Found");
        }
      } else if (p.length == 5 && p[2].equals("models") && p[4].equals("ready")) {
        send(ex, modelReady(p[3]) ? 200 : 400, null);
      } else if (p.length == 5 && p[2].equals("models") && p[4].equals("config")) {
        JsonValue config = loadedConfig(p[3]);
        if (config == null) {
          error(ex, 400, unknownModel(p[3]));
        } else {
          send(ex, 200, TritonClient.write(config::writeTo));
        }
      } else if (p.length == 5 && p[2].equals("models") && p[4].equals("infer")) {
        infer(ex, p[3], read(ex));
      } else {
        error(ex, 404, "Not Found");
      }
    }
  }

  private synchronized String index() {
    return TritonClient.write(
        g -> {
          g.writeStartArray();
          for (Model m : models.values()) {
            g.writeStartObject();
            g.writeStringField("name", m.name);
            // A model never loaded shows only its name.
            if (m.everLoaded) {
              g.writeStringField("version", VERSION);
              g.writeStringField("state", m.loaded != null ? "READY" : "UNAVAILABLE");
              g.writeStringField("reason", m.loaded != null ? "" : "unloaded");
            }
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  private void loadRequest(HttpExchange ex, String name, String body) throws IOException {
    loadBodies.add(body);
    JsonValue request = body.isBlank() ? JsonValue.MISSING : parse(body);
    Optional<String> outcome;
    synchronized (this) {
      Model m = models.get(name);
      if (m == null) {
        outcome =
            Optional.of(
                "failed to poll model '" + name + "': model not found in any model repository");
      } else {
        JsonValue override = request.path("parameters").path("config");
        JsonValue config = m.repositoryConfig;
        if (!override.isAbsent()) {
          try {
            config = parse(override.asText(""));
          } catch (IllegalArgumentException e) {
            config = null;
          }
        }
        outcome =
            config == null || !config.isObject()
                ? Optional.of(
                    "Poll failed for model directory '" + name + "': failed to parse the config")
                : load(m, config);
      }
    }
    if (outcome.isPresent()) {
      error(ex, 400, outcome.get());
    } else {
      send(ex, 200, null);
    }
  }

  /** Loads {@code config} for {@code m}: Triton's error message, or none when it loaded. */
  private synchronized Optional<String> load(Model m, JsonValue config) {
    Map<String, Object> normal;
    try {
      normal = normalise(m.name, config);
    } catch (IllegalArgumentException e) {
      return Optional.of("Poll failed for model directory '" + m.name + "': " + e.getMessage());
    }
    Optional<String> invalid = validate(m.name, normal);
    if (invalid.isPresent()) {
      return Optional.of("Poll failed for model directory '" + m.name + "': " + invalid.get());
    }
    // The new instances are created while the old ones still serve.
    long[] used = gpuMemoryUsed();
    long[] added = instanceMemory(normal);
    for (int gpu = 0; gpu < gpus; gpu++) {
      if (used[gpu] + added[gpu] > gpuMemoryBytes) {
        return Optional.of(
            "load failed for model '"
                + m.name
                + "': version 1 is at UNAVAILABLE state: Internal: CUDA out of memory on GPU "
                + gpu
                + " (tried to allocate "
                + added[gpu]
                + " bytes; "
                + (gpuMemoryBytes - used[gpu])
                + " free)");
      }
    }
    m.loaded = parse(TritonClient.write(g -> writeValue(g, normal)));
    m.everLoaded = true;
    return Optional.empty();
  }

  private void unloadRequest(HttpExchange ex, String name) throws IOException {
    synchronized (this) {
      Model m = models.get(name);
      if (m != null) {
        m.loaded = null;
      }
    }
    send(ex, 200, null);
  }

  private synchronized boolean modelReady(String name) {
    Model m = models.get(name);
    return m != null && m.loaded != null && !holdReadiness;
  }

  private synchronized JsonValue loadedConfig(String name) {
    Model m = models.get(name);
    return m == null ? null : m.loaded;
  }

  private static String unknownModel(String name) {
    return "Request for unknown model: '" + name + "' is not found";
  }

  /** The configuration as maps and lists, with Triton's defaults filled in. */
  private Map<String, Object> normalise(String name, JsonValue config) {
    @SuppressWarnings("unchecked")
    Map<String, Object> c = (Map<String, Object>) toJava(config);
    long maxBatch = number(c.getOrDefault("max_batch_size", 0L));
    c.putIfAbsent("name", name);
    c.put("max_batch_size", maxBatch);
    if (c.get("dynamic_batching") instanceof Map<?, ?> raw) {
      @SuppressWarnings("unchecked")
      Map<String, Object> dynamic = (Map<String, Object>) raw;
      Object preferred = dynamic.get("preferred_batch_size");
      if ((preferred == null || ((List<?>) preferred).isEmpty()) && maxBatch > 0) {
        dynamic.put("preferred_batch_size", List.of(maxBatch));
      }
      dynamic.put(
          "max_queue_delay_microseconds",
          number(dynamic.getOrDefault("max_queue_delay_microseconds", 0L)));
    }
    List<Object> groups = new ArrayList<>();
    Object rawGroups = c.getOrDefault("instance_group", List.of());
    List<?> given = rawGroups instanceof List<?> l ? l : List.of();
    if (given.isEmpty()) {
      given = List.of(new LinkedHashMap<String, Object>());
    }
    for (int i = 0; i < given.size(); i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> group = new LinkedHashMap<>((Map<String, Object>) given.get(i));
      String kind =
          String.valueOf(group.getOrDefault("kind", "KIND_AUTO")).toUpperCase(Locale.ROOT);
      if (!KINDS.contains(kind)) {
        throw new IllegalArgumentException(
            "instance_group[" + i + "].kind: invalid value \"" + group.get("kind") + "\" for enum");
      }
      if (kind.equals("KIND_AUTO")) {
        kind = gpus > 0 ? "KIND_GPU" : "KIND_CPU";
      }
      group.put("kind", kind);
      group.putIfAbsent("name", given.size() == 1 ? name : name + "_" + i);
      group.put("count", Math.max(1, number(group.getOrDefault("count", 1L))));
      List<?> ids = group.get("gpus") instanceof List<?> g ? g : List.of();
      if (kind.equals("KIND_GPU") && ids.isEmpty() && gpus > 0) {
        List<Object> all = new ArrayList<>();
        for (long gpu = 0; gpu < gpus; gpu++) {
          all.add(gpu);
        }
        group.put("gpus", all);
      }
      groups.add(group);
    }
    c.put("instance_group", groups);
    return c;
  }

  /** ValidateModelConfig's checks of the fields the adapter changes, with its messages. */
  private Optional<String> validate(String name, Map<String, Object> c) {
    long maxBatch = number(c.get("max_batch_size"));
    if (maxBatch < 0) {
      return Optional.of("'max_batch_size' must be non-negative value for " + name);
    }
    if (c.get("dynamic_batching") instanceof Map<?, ?> dynamic) {
      List<?> preferred = dynamic.get("preferred_batch_size") instanceof List<?> l ? l : List.of();
      for (Object size : preferred) {
        if (number(size) <= 0) {
          return Optional.of("dynamic batching preferred size must be positive for " + name);
        }
        if (number(size) > maxBatch) {
          return Optional.of(
              "dynamic batching preferred size must be <= max batch size for " + name);
        }
      }
    }
    for (Object o : (List<?>) c.get("instance_group")) {
      Map<?, ?> group = (Map<?, ?>) o;
      String prefix = "instance group " + group.get("name") + " of model " + name;
      List<?> ids = group.get("gpus") instanceof List<?> l ? l : List.of();
      switch (String.valueOf(group.get("kind"))) {
        case "KIND_GPU" -> {
          if (ids.isEmpty()) {
            return Optional.of(prefix + " has kind KIND_GPU but no GPUs are available");
          }
          for (Object id : ids) {
            if (number(id) < 0 || number(id) >= gpus) {
              return Optional.of(
                  prefix
                      + " specifies invalid or unsupported gpu id "
                      + number(id)
                      + ". GPUs with at least the minimum required CUDA compute compatibility of"
                      + " 6.000000 are: "
                      + String.join(", ", gpuIds()));
            }
          }
        }
        case "KIND_CPU" -> {
          if (!ids.isEmpty()) {
            return Optional.of(prefix + " has kind KIND_CPU but specifies one or more GPUs");
          }
        }
        default -> {}
      }
    }
    return Optional.empty();
  }

  private List<String> gpuIds() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < gpus; i++) {
      out.add(String.valueOf(i));
    }
    return out;
  }

  /** GPU memory of the instances loaded now, per GPU. */
  private long[] gpuMemoryUsed() {
    long[] used = new long[Math.max(gpus, 0)];
    for (Model m : models.values()) {
      if (m.loaded != null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) toJava(m.loaded);
        long[] own = instanceMemory(c);
        for (int i = 0; i < used.length; i++) {
          used[i] += own[i];
        }
      }
    }
    return used;
  }

  /** What {@code config}'s GPU instances take on each GPU: {@code count} instances per GPU. */
  private long[] instanceMemory(Map<String, Object> config) {
    long[] out = new long[Math.max(gpus, 0)];
    long perInstance =
        weightBytes + activationBytesPerItem * Math.max(1, number(config.get("max_batch_size")));
    for (Object o : (List<?>) config.get("instance_group")) {
      Map<?, ?> group = (Map<?, ?>) o;
      if ("KIND_GPU".equals(group.get("kind"))) {
        for (Object id : (List<?>) group.get("gpus")) {
          out[(int) number(id)] += number(group.get("count")) * perInstance;
        }
      }
    }
    return out;
  }

  private void infer(HttpExchange ex, String name, String body) throws IOException {
    long start = System.nanoTime();
    JsonValue config = loadedConfig(name);
    if (config == null) {
      error(
          ex,
          400,
          models.containsKey(name)
              ? "Request for unknown model: '" + name + "' has no available versions"
              : unknownModel(name));
      return;
    }
    JsonValue request;
    try {
      request = parse(body);
    } catch (IllegalArgumentException e) {
      error(ex, 400, "failed to parse the request JSON buffer: " + e.getMessage());
      return;
    }
    JsonValue expected = config.path("input").path(0);
    List<JsonValue> inputs = request.path("inputs").elements();
    if (inputs.size() != 1) {
      error(
          ex,
          400,
          "expected 1 inputs but got " + inputs.size() + " inputs for model '" + name + "'");
      return;
    }
    JsonValue in = inputs.get(0);
    String inputName = expected.path("name").asText("");
    if (!in.path("name").asText("").equals(inputName)) {
      error(
          ex,
          400,
          "unexpected inference input '"
              + in.path("name").asText("")
              + "' for model '"
              + name
              + "'");
      return;
    }
    if (!in.path("datatype").asText("").equals("BYTES")) {
      error(
          ex,
          400,
          "unexpected datatype "
              + in.path("datatype").asText("")
              + " for inference input '"
              + inputName
              + "', expecting BYTES for model '"
              + name
              + "'");
      return;
    }
    List<JsonValue> shape = in.path("shape").elements();
    long batch = shape.isEmpty() ? 0 : shape.get(0).asLong(0);
    long maxBatch = config.path("max_batch_size").asLong(0);
    if (batch < 1 || batch > maxBatch) {
      error(ex, 400, "inference request batch-size must be <= " + maxBatch + " for '" + name + "'");
      return;
    }
    List<JsonValue> data = in.path("data").elements();
    if (data.size() != batch) {
      error(
          ex,
          400,
          "unexpected number of string elements "
              + data.size()
              + " for inference input '"
              + inputName
              + "', expecting "
              + batch);
      return;
    }
    beforeExecute.run();
    boolean failed;
    synchronized (this) {
      failed = failingInferences > 0;
      if (failed) {
        failingInferences--;
      }
    }
    long micros = Math.max(1, (System.nanoTime() - start) / 1000);
    synchronized (this) {
      Model m = models.get(name);
      if (failed) {
        m.failures.merge("BACKEND", 1L, Long::sum);
      } else {
        m.success++;
        m.inferences += batch;
        m.executions++;
        m.requestMicros += micros;
        m.computeMicros += micros;
      }
    }
    if (failed) {
      error(ex, 500, "An error occurred in the model's execution: simulated backend failure");
      return;
    }
    JsonValue output = config.path("output").path(0);
    send(
        ex,
        200,
        TritonClient.write(
            g -> {
              g.writeStartObject();
              g.writeStringField("model_name", name);
              g.writeStringField("model_version", VERSION);
              g.writeArrayFieldStart("outputs");
              g.writeStartObject();
              g.writeStringField("name", output.path("name").asText("OUTPUT0"));
              g.writeStringField("datatype", "FP32");
              g.writeArrayFieldStart("shape");
              g.writeNumber(batch);
              g.writeNumber(1);
              g.writeEndArray();
              g.writeArrayFieldStart("data");
              for (JsonValue text : data) {
                g.writeNumber((float) text.asText("").length());
              }
              g.writeEndArray();
              g.writeEndObject();
              g.writeEndArray();
              g.writeEndObject();
            }));
  }

  private void metrics(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] page = page().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      ex.sendResponseHeaders(200, page.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(page);
      }
    }
  }

  /** The page in Triton's layout: per-model families for loaded models, then the GPU gauges. */
  private synchronized String page() {
    StringBuilder s = new StringBuilder();
    List<Model> loaded = models.values().stream().filter(m -> m.loaded != null).toList();
    family(
        s,
        "nv_inference_request_success",
        "counter",
        "Number of successful inference requests, all batch sizes",
        loaded,
        m -> m.success);
    s.append(
        "# HELP nv_inference_request_failure Number of failed inference requests, all batch sizes\n");
    s.append("# TYPE nv_inference_request_failure counter\n");
    for (Model m : loaded) {
      m.failures.forEach(
          (reason, n) ->
              s.append("nv_inference_request_failure{model=\"")
                  .append(m.name)
                  .append("\",reason=\"")
                  .append(reason)
                  .append("\",version=\"1\"} ")
                  .append(n)
                  .append('\n'));
    }
    family(
        s,
        "nv_inference_count",
        "counter",
        "Number of inferences performed (does not include cached requests)",
        loaded,
        m -> m.inferences);
    family(
        s,
        "nv_inference_exec_count",
        "counter",
        "Number of model executions performed (does not include cached requests)",
        loaded,
        m -> m.executions);
    family(
        s,
        "nv_inference_request_duration_us",
        "counter",
        "Cumulative inference request duration in microseconds (includes cached requests)",
        loaded,
        m -> m.requestMicros);
    family(
        s,
        "nv_inference_queue_duration_us",
        "counter",
        "Cumulative inference queuing duration in microseconds (includes cached requests)",
        loaded,
        m -> 0);
    family(
        s,
        "nv_inference_compute_infer_duration_us",
        "counter",
        "Cumulative compute inference duration in microseconds (does not include cached requests)",
        loaded,
        m -> m.computeMicros);
    family(
        s,
        "nv_inference_pending_request_count",
        "gauge",
        "Instantaneous number of pending requests awaiting execution per-model.",
        loaded,
        m -> 0);
    long[] used = gpuMemoryUsed();
    if (gpus > 0) {
      s.append("# HELP nv_gpu_memory_total_bytes GPU total memory, in bytes\n");
      s.append("# TYPE nv_gpu_memory_total_bytes gauge\n");
      for (int i = 0; i < gpus; i++) {
        s.append("nv_gpu_memory_total_bytes{gpu_uuid=\"")
            .append(uuid(i))
            .append("\"} ")
            .append(gpuMemoryBytes)
            .append('\n');
      }
      s.append("# HELP nv_gpu_memory_used_bytes GPU used memory, in bytes\n");
      s.append("# TYPE nv_gpu_memory_used_bytes gauge\n");
      for (int i = 0; i < gpus; i++) {
        s.append("nv_gpu_memory_used_bytes{gpu_uuid=\"")
            .append(uuid(i))
            .append("\"} ")
            .append(used[i])
            .append('\n');
      }
    }
    return s.toString();
  }

  private static String uuid(int gpu) {
    return "GPU-00000000-0000-0000-0000-00000000000" + gpu;
  }

  private interface Value {
    long of(Model m);
  }

  private static void family(
      StringBuilder s, String name, String type, String help, List<Model> models, Value value) {
    s.append("# HELP ").append(name).append(' ').append(help).append('\n');
    s.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    for (Model m : models) {
      s.append(name)
          .append("{model=\"")
          .append(m.name)
          .append("\",version=\"1\"} ")
          .append(value.of(m))
          .append('\n');
    }
  }

  private static String read(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    send(
        ex,
        status,
        TritonClient.write(
            g -> {
              g.writeStartObject();
              g.writeStringField("error", message);
              g.writeEndObject();
            }));
  }

  private static void send(HttpExchange ex, int status, String json) throws IOException {
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    if (json != null) {
      ex.getResponseHeaders().set("Content-Type", "application/json");
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static JsonValue parse(String json) {
    try {
      return JsonValue.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static Object toJava(JsonValue v) {
    if (v.isObject()) {
      Map<String, Object> out = new LinkedHashMap<>();
      v.members().forEach((k, x) -> out.put(k, toJava(x)));
      return out;
    }
    if (v.isArray()) {
      List<Object> out = new ArrayList<>();
      v.elements().forEach(x -> out.add(toJava(x)));
      return out;
    }
    if (v.isNumber()) {
      String text = v.asText("0");
      return text.contains(".") || text.contains("e") || text.contains("E")
          ? (Object) Double.parseDouble(text)
          : (Object) v.asLong(0);
    }
    if (v.isBoolean()) {
      return v.asBoolean(false);
    }
    if (v.isString()) {
      return v.asText("");
    }
    return null;
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    switch (v) {
      case null -> g.writeNull();
      case Map<?, ?> m -> {
        g.writeStartObject();
        for (var e : m.entrySet()) {
          g.writeFieldName(String.valueOf(e.getKey()));
          writeValue(g, e.getValue());
        }
        g.writeEndObject();
      }
      case List<?> l -> {
        g.writeStartArray();
        for (Object x : l) {
          writeValue(g, x);
        }
        g.writeEndArray();
      }
      case Long n -> g.writeNumber(n);
      case Double d -> g.writeNumber(d);
      case Boolean b -> g.writeBoolean(b);
      default -> g.writeString(String.valueOf(v));
    }
  }

  /** A JSON number, or its decimal string (protobuf's JSON writes 64-bit integers as strings). */
  private static long number(Object v) {
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected an integer, got " + v, e);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    metricsServer.stop(0);
    executor.shutdownNow();
  }
}
