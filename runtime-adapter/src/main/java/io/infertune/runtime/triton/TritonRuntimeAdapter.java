package io.infertune.runtime.triton;

import io.infertune.runtime.embedded.JsonValue;
import io.infertune.runtime.prometheus.MetricMapping;
import io.infertune.runtime.prometheus.PrometheusMetricSource;
import io.infertune.runtime.prometheus.PrometheusScraper;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Names;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model on an NVIDIA Triton Inference Server, tuned live through Triton's model-control API:
 * each {@link #apply} loads the model again with a configuration override ({@code POST
 * v2/repository/models/{name}/load} with {@code {"parameters": {"config": "<model config JSON>"}}},
 * docs/protocol/extension_model_repository.md), without restarting the server. The server must run
 * with {@code --model-control-mode=explicit}; in the default mode, NONE, Triton refuses loads and
 * every apply fails with its message.
 *
 * <table>
 *   <caption>Knobs (fields of the model configuration, docs/user_guide/model_configuration.md)</caption>
 *   <tr><th>knob</th><th>values</th><th>field</th></tr>
 *   <tr><td>{@code max_batch_size}</td><td>1, 2, 4, ..., 128 (builder), and the model's own</td>
 *       <td>{@code max_batch_size}: the largest batch the model executes</td></tr>
 *   <tr><td>{@code dynamic_batching}</td><td>on, off</td>
 *       <td>whether {@code dynamic_batching} is present: Triton's dynamic batcher</td></tr>
 *   <tr><td>{@code max_queue_delay_us}</td><td>0..20000 (builder); only when dynamic batching is
 *       on</td><td>{@code dynamic_batching.max_queue_delay_microseconds}: how long the batcher may
 *       hold a request to fill a batch</td></tr>
 *   <tr><td>{@code instance_count}</td><td>1..4 (builder)</td>
 *       <td>{@code instance_group[0].count}: model instances executing in parallel</td></tr>
 *   <tr><td>{@code instance_kind}</td><td>KIND_GPU, KIND_CPU (builder)</td>
 *       <td>{@code instance_group[0].kind}: where the instances run</td></tr>
 * </table>
 *
 * <p>The defaults are the model's configuration when the adapter connects. An apply reads the
 * configuration in force ({@code GET v2/models/{name}/config}), lays the knobs over it (every other
 * field is kept: inputs, backend, optimisation, the batcher's other settings such as preferred
 * batch sizes) and loads it. Preferred batch sizes are not a knob (Triton's docs advise against
 * setting them for most models); a model that has them cannot take a {@code max_batch_size} below
 * them, and Triton says so. The instance groups become one group of the given kind and count.
 *
 * <p><b>Failures.</b> Triton answers a load only when it has finished (loaded or failed), with HTTP
 * 400 and {@code {"error": "..."}} on failure; the message becomes the {@link
 * ApplyFailedException}'s, with reason {@code OUT_OF_MEMORY} when it speaks of memory, {@code
 * CRASH} for a backend's internal error, {@code REJECTED} otherwise (an invalid configuration), and
 * {@code UNAVAILABLE} or {@code TIMEOUT} when Triton did not answer. In explicit mode Triton keeps
 * the loaded model when a reload fails ("the already loaded model will be unchanged and will remain
 * loaded", docs/user_guide/model_management.md); the adapter checks that the model is ready with
 * the previous configuration, and loads that configuration again when it is not (the model was
 * unloaded meanwhile, or a load succeeded but the model never became ready). After a load the
 * adapter polls {@code GET v2/models/{name}/ready} until it answers 200 or the ready timeout
 * passes.
 *
 * <p><b>Requests</b> ({@link #requests()}) are KServe v2 inference requests ({@code POST
 * v2/models/{name}/infer}) carrying the text as the model's one {@code TYPE_STRING} input, a {@code
 * BYTES} tensor of one element; the adapter refuses, when connecting, a model whose inputs are not
 * so. <b>Metrics</b> ({@link #metrics()}) are Triton's {@code /metrics} page (port 8002 by default)
 * through the {@code triton} mapping, narrowed to this model, with the request latency measured at
 * the client (see {@link TritonMetrics} for why).
 *
 * @implNote thread-safe: requests, {@link #apply}, sampling and {@link #close} may overlap; applies
 *     are serialised. Waits (readiness polls) go through the injected {@link Ticker}.
 */
public final class TritonRuntimeAdapter implements RuntimeAdapter {
  public static final String MAX_BATCH_SIZE = "max_batch_size";
  public static final String DYNAMIC_BATCHING = "dynamic_batching";
  public static final String MAX_QUEUE_DELAY_US = "max_queue_delay_us";
  public static final String INSTANCE_COUNT = "instance_count";
  public static final String INSTANCE_KIND = "instance_kind";

  private static final Logger log = LoggerFactory.getLogger(TritonRuntimeAdapter.class);

  private final String id;
  private final String model;
  private final TritonClient client;
  private final TritonMetrics metrics;
  private final Ticker ticker;
  private final Duration readyTimeout;
  private final Duration loadTimeout;
  private final Duration pollInterval;
  private final SearchSpace knobs;
  private final Configuration defaults;
  private final ModelConfigs.TextInput input;

  /** The configuration when the adapter connected: the batcher's settings to turn it on again. */
  private final JsonValue baseline;

  private final Object applyLock = new Object();

  /** Every knob's latest value in force, inactive ones included, to fill in what an apply omits. */
  private final Map<String, Object> remembered = new LinkedHashMap<>();

  private volatile Configuration current;

  /** The configuration Triton last reported in force, for when it cannot be read. */
  private JsonValue lastConfig;

  private volatile boolean closed;

  private TritonRuntimeAdapter(Builder b, TritonClient client, JsonValue config) {
    this.id = b.id;
    this.model = b.model;
    this.client = client;
    this.ticker = b.ticker;
    this.readyTimeout = b.readyTimeout;
    this.loadTimeout = b.loadTimeout;
    this.pollInterval = b.pollInterval;
    this.input = ModelConfigs.textInput(config, b.model);
    this.baseline = config;
    Configuration found = ModelConfigs.knobsOf(config);
    this.knobs = knobsFor(b, found);
    this.defaults = knobs.validate(found);
    this.current = defaults;
    this.lastConfig = config;
    this.remembered.putAll(defaults.values());
    this.remembered.putIfAbsent(MAX_QUEUE_DELAY_US, 0L);
    URI metricsUrl = b.metricsUrl.orElseGet(() -> defaultMetricsUrl(b.url));
    this.metrics =
        new TritonMetrics(
            new PrometheusMetricSource(
                new PrometheusScraper(metricsUrl, b.requestTimeout),
                TritonMetrics.forModel(MetricMapping.forKind("triton"), b.model),
                b.ticker));
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "triton";
  }

  /** The model this adapter tunes. */
  public String model() {
    return model;
  }

  @Override
  public SearchSpace knobs() {
    return knobs;
  }

  @Override
  public Configuration defaults() {
    return defaults;
  }

  @Override
  public Configuration current() {
    return current;
  }

  @Override
  public boolean liveReconfigurable() {
    return true;
  }

  @Override
  public MetricSource metrics() {
    return metrics;
  }

  @Override
  public RequestSink requests() {
    return this::infer;
  }

  private CompletionStage<byte[]> infer(InferenceRequest request) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("adapter '" + id + "' is closed"));
    }
    byte[] body = inferBody(request.input()).getBytes(StandardCharsets.UTF_8);
    long start = ticker.nanos();
    return client
        .infer(model, body)
        .whenComplete(
            (r, e) -> {
              if (e == null) {
                metrics.recordLatency((ticker.nanos() - start) / 1e9);
              }
            });
  }

  /** A KServe v2 inference request: the text as one element of the BYTES input. */
  private String inferBody(String text) {
    return TritonClient.write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("inputs");
          g.writeStartObject();
          g.writeStringField("name", input.name());
          g.writeArrayFieldStart("shape");
          for (long d : input.shape()) {
            g.writeNumber(d);
          }
          g.writeEndArray();
          g.writeStringField("datatype", "BYTES");
          g.writeArrayFieldStart("data");
          g.writeString(text);
          g.writeEndArray();
          g.writeEndObject();
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  @Override
  public void apply(Configuration configuration) throws ApplyFailedException {
    Objects.requireNonNull(configuration, "configuration");
    synchronized (applyLock) {
      if (closed) {
        throw new ApplyFailedException(Reason.UNAVAILABLE, "adapter '" + id + "' is closed");
      }
      Configuration next;
      try {
        next = resolve(configuration);
      } catch (IllegalArgumentException e) {
        throw new ApplyFailedException(Reason.REJECTED, e.getMessage(), e);
      }
      if (next.equals(current)) {
        return;
      }
      JsonValue previous;
      try {
        previous = client.config(model);
      } catch (TritonException e) {
        if (e.unreachable()) {
          throw new ApplyFailedException(
              reasonOf(e), "could not read the configuration of '" + model + "': " + e, e);
        }
        // The model is not loaded (someone unloaded it): start from what was last in force.
        log.warn("{}: configuration of '{}' unreadable ({}), using the last known", id, model, e);
        previous = lastConfig;
      }
      String override = ModelConfigs.override(previous, next, baseline);
      try {
        client.load(model, Optional.of(override), loadTimeout);
      } catch (TritonException e) {
        ApplyFailedException failure =
            new ApplyFailedException(
                reasonOf(e),
                "Triton could not load '" + model + "' with " + next + ": " + e.getMessage(),
                e);
        keepServing(previous, failure);
        throw failure;
      }
      if (!awaitModelReady()) {
        ApplyFailedException failure =
            new ApplyFailedException(
                Reason.TIMEOUT,
                "'" + model + "' was not ready " + readyTimeout + " after loading " + next);
        keepServing(previous, failure);
        throw failure;
      }
      current = next;
      remembered.putAll(next.values());
      try {
        lastConfig = client.config(model);
      } catch (TritonException e) {
        lastConfig = parse(override);
      }
      log.info("{}: '{}' now runs {}", id, model, next);
    }
  }

  /**
   * The full configuration {@code given} asks for: its values over the current ones, a conditional
   * knob that becomes active taking its last value, and one that becomes inactive dropped (unless
   * {@code given} names it, which the space then rejects).
   *
   * @throws IllegalArgumentException naming the offending knob
   */
  private Configuration resolve(Configuration given) {
    for (String name : given.values().keySet()) {
      if (knobs.find(name).isEmpty()) {
        throw new IllegalArgumentException(
            "unknown parameter '" + name + "'; the knobs are " + knobs.names());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Parameter p : knobs.parameters()) {
      Optional<Object> v = given.find(p.name());
      if (!knobs.isActive(p, out)) {
        v.ifPresent(value -> out.put(p.name(), value));
        continue;
      }
      Object value =
          v.or(() -> current.find(p.name()))
              .or(() -> Optional.ofNullable(remembered.get(p.name())))
              .orElseThrow(
                  () -> new IllegalArgumentException("no value for parameter '" + p.name() + "'"));
      out.put(p.name(), p.canonical(value));
    }
    return knobs.validate(new Configuration(out));
  }

  /**
   * After a failed apply: makes sure the model serves with {@code previous}, loading it again only
   * when Triton did not keep it. What goes wrong here is added to {@code failure}.
   */
  private void keepServing(JsonValue previous, ApplyFailedException failure) {
    try {
      if (servesCurrent()) {
        return;
      }
      log.warn(
          "{}: '{}' is not serving {} after a failed apply; loading it again", id, model, current);
      client.load(model, Optional.of(json(previous)), loadTimeout);
      if (!awaitModelReady()) {
        throw new TritonException(
            "'" + model + "' was not ready " + readyTimeout + " after restoring " + current,
            true,
            null);
      }
      log.info("{}: '{}' restored to {}", id, model, current);
    } catch (TritonException | RuntimeException e) {
      log.error("{}: could not restore '{}' to {}: {}", id, model, current, e.toString());
      failure.addSuppressed(e);
    }
  }

  /** Whether the model is ready with the knob values of {@link #current}. */
  private boolean servesCurrent() throws TritonException {
    if (!client.modelReady(model)) {
      return false;
    }
    Configuration inForce = ModelConfigs.knobsOf(client.config(model));
    // Values outside the knobs' ranges (someone else's load) are not the current configuration.
    return knobs.contains(inForce) && knobs.validate(inForce).equals(current);
  }

  /** Polls the model's readiness until it is ready (true) or the ready timeout passes (false). */
  private boolean awaitModelReady() {
    long deadline = ticker.nanos() + readyTimeout.toNanos();
    while (true) {
      try {
        if (client.modelReady(model)) {
          return true;
        }
      } catch (TritonException e) {
        // Not reachable for a moment (a server restarting): keep polling until the deadline.
        log.debug("{}: readiness of '{}' unknown: {}", id, model, e.getMessage());
      }
      if (ticker.nanos() - deadline >= 0) {
        return false;
      }
      try {
        ticker.sleep(pollInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private static Reason reasonOf(TritonException e) {
    if (e.unreachable()) {
      return e.timedOut() ? Reason.TIMEOUT : Reason.UNAVAILABLE;
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    // CUDA's "out of memory", PyTorch's "CUDA out of memory", TensorRT's and ONNX Runtime's
    // "failed to allocate", vLLM's "No available memory for the cache blocks".
    if (m.contains("out of memory")
        || m.contains("out_of_memory")
        || m.contains("failed to allocate")
        || m.contains("no available memory")) {
      return Reason.OUT_OF_MEMORY;
    }
    // Triton's status codes print as "Internal: ..." for a backend that failed while loading, and
    // "Invalid argument: ..." for a configuration it refuses.
    if (m.contains("internal:")) {
      return Reason.CRASH;
    }
    return Reason.REJECTED;
  }

  private static String json(JsonValue value) {
    return TritonClient.write(value::writeTo);
  }

  private static JsonValue parse(String json) {
    try {
      return JsonValue.parse(
          new java.io.ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalStateException("the adapter wrote invalid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The knobs for a model whose configuration holds {@code found}: the builder's ranges, widened to
   * take the model's own values, so that its configuration is always a point of the space.
   */
  private static SearchSpace knobsFor(Builder b, Configuration found) {
    TreeSet<Long> batchSizes = new TreeSet<>(b.maxBatchSizes);
    batchSizes.add(found.getLong(MAX_BATCH_SIZE));
    LinkedHashSet<String> kinds = new LinkedHashSet<>(b.instanceKinds);
    kinds.add(found.getString(INSTANCE_KIND));
    long delay = found.find(MAX_QUEUE_DELAY_US).map(v -> ((Number) v).longValue()).orElse(0L);
    return SearchSpace.of(
        Parameter.ordinal(MAX_BATCH_SIZE, batchSizes.toArray()),
        Parameter.categorical(DYNAMIC_BATCHING, ModelConfigs.ON, ModelConfigs.OFF),
        Parameter.integer(MAX_QUEUE_DELAY_US, 0, Math.max(b.maxQueueDelayMicros, delay))
            .when(DYNAMIC_BATCHING, ModelConfigs.ON),
        Parameter.integer(
            INSTANCE_COUNT, 1, Math.max(b.maxInstances, found.getLong(INSTANCE_COUNT))),
        Parameter.categorical(INSTANCE_KIND, kinds.toArray(String[]::new)));
  }

  /** Triton's default metrics endpoint: the HTTP endpoint's host, port 8002, {@code /metrics}. */
  private static URI defaultMetricsUrl(URI url) {
    return URI.create(url.getScheme() + "://" + url.getHost() + ":8002/metrics");
  }

  /**
   * Stops sampling and sending; requests in flight complete or fail on their own. The model stays
   * loaded with the configuration in force. Idempotent.
   */
  @Override
  public void close() {
    synchronized (applyLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    metrics.close();
    client.close();
  }

  @Override
  public String toString() {
    return "TritonRuntimeAdapter[" + id + ", '" + model + "' at " + client.base() + "]";
  }

  /**
   * Connects to a Triton server and one of its models. Required: {@link #url} and {@link #model}.
   */
  public static final class Builder {
    private String id = "triton";
    private URI url;
    private Optional<URI> metricsUrl = Optional.empty();
    private String model;
    private List<Long> maxBatchSizes = List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L);
    private long maxQueueDelayMicros = 20_000;
    private long maxInstances = 4;
    private List<String> instanceKinds = List.of("KIND_GPU", "KIND_CPU");
    private Duration readyTimeout = Duration.ofMinutes(10);
    private Duration loadTimeout = Duration.ofMinutes(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration pollInterval = Duration.ofMillis(250);
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /** The adapter's identifier (default {@code triton}). */
    public Builder id(String id) {
      this.id = Names.require("runtime", id);
      return this;
    }

    /** Triton's HTTP endpoint, e.g. {@code http://127.0.0.1:8000}. */
    public Builder url(URI url) {
      this.url = Objects.requireNonNull(url, "url");
      return this;
    }

    /** Triton's metrics page (default: the HTTP endpoint's host, port 8002, {@code /metrics}). */
    public Builder metricsUrl(URI metricsUrl) {
      this.metricsUrl = Optional.of(metricsUrl);
      return this;
    }

    /** The model to tune, as Triton's repository names it. */
    public Builder model(String model) {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.model = model;
      return this;
    }

    /** The values {@code max_batch_size} may take (the model's own is added). */
    public Builder maxBatchSizes(List<Long> sizes) {
      if (sizes.isEmpty() || sizes.stream().anyMatch(s -> s < 1)) {
        throw new IllegalArgumentException("max batch sizes must be >= 1, got " + sizes);
      }
      this.maxBatchSizes = List.copyOf(sizes);
      return this;
    }

    /** The largest {@code max_queue_delay_us} (default 20000 µs). */
    public Builder maxQueueDelayMicros(long micros) {
      if (micros < 0) {
        throw new IllegalArgumentException("max queue delay must be >= 0, got " + micros);
      }
      this.maxQueueDelayMicros = micros;
      return this;
    }

    /** The largest {@code instance_count} (default 4). */
    public Builder maxInstances(long count) {
      if (count < 1) {
        throw new IllegalArgumentException("max instances must be >= 1, got " + count);
      }
      this.maxInstances = count;
      return this;
    }

    /**
     * The kinds {@code instance_kind} may take (default KIND_GPU, KIND_CPU; KIND_CPU alone for a
     * server without GPUs, where Triton refuses KIND_GPU).
     */
    public Builder instanceKinds(List<String> kinds) {
      for (String k : kinds) {
        if (!List.of("KIND_GPU", "KIND_CPU", "KIND_MODEL").contains(k)) {
          throw new IllegalArgumentException(
              "instance kind '" + k + "' is not one of KIND_GPU, KIND_CPU, KIND_MODEL");
        }
      }
      if (kinds.isEmpty()) {
        throw new IllegalArgumentException("at least one instance kind");
      }
      this.instanceKinds = List.copyOf(kinds);
      return this;
    }

    /** How long the server and a loaded model may take to become ready (default 10 min). */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = positive(timeout, "ready timeout");
      return this;
    }

    /** How long one load may take (default 10 min). */
    public Builder loadTimeout(Duration timeout) {
      this.loadTimeout = positive(timeout, "load timeout");
      return this;
    }

    /** How long any other call may take, inference and scrapes included (default 30 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "request timeout");
      return this;
    }

    /** The pause between readiness polls (default 250 ms). */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = positive(interval, "poll interval");
      return this;
    }

    /** The clock for latencies, snapshot times and readiness waits. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Waits for the server to be ready, loads the model when it is in the repository but not
     * loaded, and reads its configuration.
     *
     * @throws TritonException when Triton cannot be reached or refuses, or is not ready in time
     * @throws IllegalArgumentException when the model is not in the repository, or cannot be tuned
     *     or fed by this adapter (the message says why)
     */
    public TritonRuntimeAdapter build() throws TritonException, InterruptedException {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(model, "model");
      TritonClient client = new TritonClient(url, requestTimeout);
      try {
        JsonValue config = connect(client);
        return new TritonRuntimeAdapter(this, client, config);
      } catch (TritonException | RuntimeException | InterruptedException e) {
        client.close();
        throw e;
      }
    }

    private JsonValue connect(TritonClient client) throws TritonException, InterruptedException {
      long deadline = ticker.nanos() + readyTimeout.toNanos();
      while (!serverReady(client)) {
        if (ticker.nanos() - deadline >= 0) {
          throw new TritonException(
              "Triton at " + url + " was not ready after " + readyTimeout, true, null);
        }
        ticker.sleep(pollInterval);
      }
      List<TritonClient.IndexEntry> index = client.index();
      if (index.stream().noneMatch(e -> e.name().equals(model))) {
        List<String> names = new ArrayList<>();
        index.forEach(e -> names.add(e.name()));
        throw new IllegalArgumentException(
            "model '"
                + model
                + "' is not in the repository of Triton at "
                + url
                + "; it holds "
                + names);
      }
      if (!client.modelReady(model)) {
        log.info("loading '{}' on Triton at {}", model, url);
        client.load(model, Optional.empty(), loadTimeout);
        while (!client.modelReady(model)) {
          if (ticker.nanos() - deadline >= 0) {
            throw new TritonException(
                "'" + model + "' was not ready after " + readyTimeout, true, null);
          }
          ticker.sleep(pollInterval);
        }
      }
      JsonValue config = client.config(model);
      List<String> why = ModelConfigs.untunable(config);
      if (!why.isEmpty()) {
        throw new IllegalArgumentException(
            "the triton adapter cannot tune '" + model + "': " + String.join("; ", why));
      }
      return config;
    }

    private static boolean serverReady(TritonClient client) {
      try {
        return client.serverReady();
      } catch (TritonException e) {
        // Not listening yet (a server starting): keep polling until the deadline.
        return false;
      }
    }

    private static Duration positive(Duration d, String what) {
      if (!d.isPositive()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
