package io.infertune.runtime.embedded;

import ai.onnxruntime.OrtException;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Names;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Infertune's own inference server, in process: ONNX Runtime serving the sentence-embedding model
 * all-MiniLM-L6-v2 (fp32 or int8) behind a dynamic batcher and an LRU result cache. Every knob is
 * real and changes live:
 *
 * <table>
 *   <caption>Knobs</caption>
 *   <tr><th>knob</th><th>values</th><th>default</th><th>what it changes</th></tr>
 *   <tr><td>{@code batch_size}</td><td>1, 2, 4, ..., 128</td><td>1</td>
 *       <td>the most requests one inference takes</td></tr>
 *   <tr><td>{@code batch_timeout_ms}</td><td>0..50</td><td>0</td>
 *       <td>how long a worker holding a request waits for a batch to fill</td></tr>
 *   <tr><td>{@code quantization}</td><td>fp32, int8</td><td>fp32</td>
 *       <td>which model variant is loaded</td></tr>
 *   <tr><td>{@code cache_entries}</td><td>0..100000</td><td>0 (off)</td>
 *       <td>LRU cache of results by input text</td></tr>
 *   <tr><td>{@code intra_op_threads}</td><td>1..cores</td><td>cores</td>
 *       <td>threads per session</td></tr>
 *   <tr><td>{@code replicas}</td><td>1..cores</td><td>1</td>
 *       <td>sessions (and worker threads) serving in parallel</td></tr>
 *   <tr><td>{@code thread_spinning}</td><td>on, off</td><td>on</td>
 *       <td>ORT's {@code session.intra_op.allow_spinning}</td></tr>
 * </table>
 *
 * <p>The defaults are what ONNX Runtime does untuned. A request's embedding is the unit-length
 * mean-pooled token state; the future of {@link #embed} completes with it.
 *
 * <p><b>Reconfiguration.</b> {@link #apply} builds the new sessions first (reusing those whose
 * variant, threads and spinning are unchanged), starts their workers on the shared queue, and only
 * then retires the old workers, which finish the batch in hand: requests queued or in flight during
 * a swap all complete. Old sessions close when their last worker exits. Every apply that changes
 * the configuration starts from an empty cache, so that no trial inherits the hits of the trials
 * before it (the warm-up refills it); an apply of the configuration in force keeps it.
 *
 * <p><b>Accuracy.</b> Agreement with fp32 on a fixed validation set of 50 sentences: the mean
 * cosine similarity between the active variant's and fp32's embedding of each sentence (1 for fp32
 * itself). The fp32 reference embeddings are computed once, when another variant is first applied.
 *
 * <p><b>Metrics</b> ({@link #metrics()}): counters {@code requests}, {@code request_errors}, {@code
 * tokens} (input tokens, special tokens included, of every answered request), {@code cache_hits},
 * {@code cache_misses} (every request the cache did not answer, also when it is off), {@code
 * batches}, {@code process_cpu_seconds}; gauges {@code resident_memory_bytes}, {@code accuracy},
 * {@code queue_depth}, {@code cache_size}; histograms {@code request_latency_seconds} (arrival to
 * completion, queueing included) and {@code batch_size}. Snapshot times come from the injected
 * {@link Ticker}; the batcher's waits use the system clock, as blocking queues do.
 *
 * @implNote thread-safe: requests, {@link #apply}, sampling and {@link #close} may overlap. Applies
 *     are serialised.
 */
public final class EmbeddedRuntime implements RuntimeAdapter {
  public static final String BATCH_SIZE = "batch_size";
  public static final String BATCH_TIMEOUT_MS = "batch_timeout_ms";
  public static final String QUANTIZATION = "quantization";
  public static final String CACHE_ENTRIES = "cache_entries";
  public static final String INTRA_OP_THREADS = "intra_op_threads";
  public static final String REPLICAS = "replicas";
  public static final String THREAD_SPINNING = "thread_spinning";

  /** Histogram: requests per inference. */
  public static final String BATCH_SIZE_HISTOGRAM = "batch_size";

  /** Counter: inferences run. */
  public static final String BATCHES_COUNTER = "batches";

  /** Gauge: requests waiting for a worker. */
  public static final String QUEUE_DEPTH_GAUGE = "queue_depth";

  /** Gauge: entries in the result cache. */
  public static final String CACHE_SIZE_GAUGE = "cache_size";

  /** The largest {@code batch_size}. */
  public static final int MAX_BATCH_SIZE = 128;

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRuntime.class);
  private static final String VALIDATION_RESOURCE = "validation-sentences.txt";
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final int VALIDATION_BATCH = 16;

  private final String id;
  private final int cores;
  private final ModelFiles files;
  private final Ticker ticker;
  private final ThreadFactory threads;
  private final SearchSpace knobs;
  private final Configuration defaults;
  private final List<String> validationSentences;
  private final LinkedBlockingDeque<PendingRequest> queue = new LinkedBlockingDeque<>();
  private final RuntimeMetrics metrics = new RuntimeMetrics(MAX_BATCH_SIZE);
  private final Set<SharedModel> openSessions = ConcurrentHashMap.newKeySet();
  // Read by the metric source without the apply lock, which an apply holds for seconds.
  private final Map<ModelVariant, Agreement> agreements = new ConcurrentHashMap<>();
  private final Object applyLock = new Object();
  private final List<ServingGeneration> retiring = new ArrayList<>();

  private Optional<float[][]> referenceEmbeddings = Optional.empty();
  private volatile ServingGeneration active;
  private volatile boolean closed;

  private EmbeddedRuntime(Builder b) throws IOException, OrtException {
    this.id = b.id;
    this.cores = b.cores;
    this.files = new ModelFiles(b.modelCacheDir);
    this.ticker = b.ticker;
    this.threads = b.threadFactory.orElseGet(() -> defaultThreads(b.id));
    this.knobs = knobsFor(cores);
    this.defaults =
        knobs.validate(
            Configuration.of(
                BATCH_SIZE, 1,
                BATCH_TIMEOUT_MS, 0,
                QUANTIZATION, ModelVariant.FP32.knobValue(),
                CACHE_ENTRIES, 0,
                INTRA_OP_THREADS, cores,
                REPLICAS, 1,
                THREAD_SPINNING, "on"));
    this.validationSentences = readValidationSentences();
    if (b.prepareNativeLibraries) {
      files.prepareNativeLibraries();
    }
    ServingSettings settings = ServingSettings.of(defaults);
    List<SharedModel> models = loadModels(settings, settings.replicas());
    ServingGeneration first =
        new ServingGeneration(
            defaults,
            settings,
            new ResultCache(settings.cacheEntries()),
            models,
            queue,
            metrics,
            ticker);
    agreements.put(ModelVariant.FP32, Agreement.perfect(validationSentences.size()));
    first.start(threads);
    models.forEach(SharedModel::release);
    this.active = first;
  }

  /** A builder with the defaults: id {@code embedded}, all cores, the temp-dir model cache. */
  public static Builder builder() {
    return new Builder();
  }

  /** The knobs of a runtime on {@code cores} cores. */
  public static SearchSpace knobsFor(int cores) {
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be >= 1, got " + cores);
    }
    return SearchSpace.of(
        Parameter.ordinal(BATCH_SIZE, 1, 2, 4, 8, 16, 32, 64, MAX_BATCH_SIZE),
        Parameter.integer(BATCH_TIMEOUT_MS, 0, 50),
        Parameter.categorical(
            QUANTIZATION, ModelVariant.FP32.knobValue(), ModelVariant.INT8.knobValue()),
        Parameter.integer(CACHE_ENTRIES, 0, 100_000),
        Parameter.integer(INTRA_OP_THREADS, 1, cores),
        Parameter.integer(REPLICAS, 1, cores),
        Parameter.categorical(THREAD_SPINNING, "on", "off"));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String kind() {
    return "embedded";
  }

  /** The cores the knobs' ranges were sized for. */
  public int cores() {
    return cores;
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
    return active.configuration;
  }

  @Override
  public boolean liveReconfigurable() {
    return true;
  }

  @Override
  public RequestSink requests() {
    return request -> embed(request.input());
  }

  /**
   * Submits {@code input} for embedding and returns at once. The future completes with the
   * unit-length embedding (a fresh array the caller may keep), or exceptionally when inference
   * failed or the runtime was closed first.
   */
  public CompletableFuture<float[]> embed(String input) {
    Objects.requireNonNull(input, "input");
    long arrival = ticker.nanos();
    if (closed) {
      metrics.failed(1);
      return CompletableFuture.failedFuture(
          new IllegalStateException("runtime '" + id + "' is closed"));
    }
    ServingGeneration g = active;
    Optional<ResultCache.Entry> hit = g.cache.get(input);
    if (hit.isPresent()) {
      metrics.cacheHit();
      metrics.completed(ticker.nanos() - arrival, hit.get().tokens());
      return CompletableFuture.completedFuture(hit.get().embedding().clone());
    }
    metrics.cacheMiss();
    PendingRequest p = new PendingRequest(input, arrival, new CompletableFuture<>());
    queue.offerLast(p);
    // close() fails what it finds queued after its workers stopped; this catches what came later.
    if (closed && queue.remove(p)) {
      failClosed(p);
    }
    return p.result();
  }

  @Override
  public void apply(Configuration configuration) throws ApplyFailedException {
    Objects.requireNonNull(configuration, "configuration");
    synchronized (applyLock) {
      if (closed) {
        throw new ApplyFailedException(Reason.UNAVAILABLE, "runtime '" + id + "' is closed");
      }
      ServingGeneration old = active;
      Configuration next;
      try {
        next = knobs.validate(old.configuration.overlay(configuration));
      } catch (IllegalArgumentException e) {
        throw new ApplyFailedException(Reason.REJECTED, e.getMessage(), e);
      }
      if (next.equals(old.configuration)) {
        return;
      }
      ServingSettings settings = ServingSettings.of(next);
      List<SharedModel> created = new ArrayList<>();
      try {
        List<SharedModel> models = new ArrayList<>(settings.replicas());
        boolean reuse = settings.sameSessionsAs(old.settings);
        for (int i = 0; i < settings.replicas(); i++) {
          if (reuse && i < old.models.size() && !old.models.get(i).isClosed()) {
            models.add(old.models.get(i));
          } else {
            created.addAll(loadModels(settings, 1));
            models.add(created.get(created.size() - 1));
          }
        }
        // Before the swap, so that the accuracy gauge describes the configuration in force.
        agreementOf(settings.variant(), models.get(0).model());
        // A no-op apply returned above: this is a change, and changes start from a cold cache.
        ResultCache cache = new ResultCache(settings.cacheEntries());
        ServingGeneration replacement =
            new ServingGeneration(next, settings, cache, models, queue, metrics, ticker);
        replacement.start(threads);
        active = replacement;
        old.retire();
        retiring.removeIf(ServingGeneration::isFinished);
        retiring.add(old);
        log.info("runtime {} now runs {}", id, next);
      } catch (IOException | OrtException | RuntimeException | OutOfMemoryError e) {
        throw new ApplyFailedException(reasonOf(e), "could not load " + next + ": " + e, e);
      } finally {
        // The workers hold their own references now; on failure this closes what was loaded.
        created.forEach(SharedModel::release);
      }
    }
  }

  /**
   * The active variant's agreement with fp32 on the validation set.
   *
   * @see #agreement(ModelVariant)
   */
  public Agreement accuracy() {
    return agreements.get(active.settings.variant());
  }

  /**
   * {@code variant}'s agreement with fp32 on the validation set, computed on first request (which
   * loads the variant, and fp32, for a second or two when they are not being served).
   *
   * @throws UncheckedIOException when the model files cannot be read
   * @throws IllegalStateException when ONNX Runtime fails
   */
  public Agreement agreement(ModelVariant variant) {
    Objects.requireNonNull(variant, "variant");
    synchronized (applyLock) {
      Agreement known = agreements.get(variant);
      if (known != null) {
        return known;
      }
      try (EmbeddingModel m =
          EmbeddingModel.load(files, variant, new SessionSettings(cores, false))) {
        return agreementOf(variant, m);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
      }
    }
  }

  /** The sentences on which agreement is measured. */
  public List<String> validationSentences() {
    return validationSentences;
  }

  @Override
  public MetricSource metrics() {
    return () -> {
      ServingGeneration g = active;
      Agreement a = agreements.get(g.settings.variant());
      return metrics.snapshot(
          ticker.nanos(),
          Map.of(
              Metrics.SOURCE_MEMORY_BYTES,
              ProcessStats.residentBytes(),
              Metrics.SOURCE_ACCURACY,
              a.mean(),
              QUEUE_DEPTH_GAUGE,
              (double) queue.size(),
              CACHE_SIZE_GAUGE,
              (double) g.cache.size()));
    };
  }

  /**
   * Stops the workers (each finishes the batch in hand), fails requests still queued, and closes
   * the sessions. Waits at most 30 s for the workers; idempotent.
   */
  @Override
  public void close() {
    List<ServingGeneration> generations;
    synchronized (applyLock) {
      if (closed) {
        return;
      }
      closed = true;
      active.retire();
      generations = new ArrayList<>(retiring);
      generations.add(active);
    }
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    try {
      for (ServingGeneration g : generations) {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!g.awaitFinished(Duration.ofNanos(left))) {
          log.warn("runtime {}: a worker is still running after {}", id, CLOSE_TIMEOUT);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    PendingRequest p;
    while ((p = queue.pollFirst()) != null) {
      failClosed(p);
    }
  }

  /** Sessions not yet closed (for tests: old sessions must close once their workers are gone). */
  int openSessionCount() {
    return openSessions.size();
  }

  /** Waits for the workers of replaced configurations to exit (for tests). */
  boolean awaitRetired(Duration timeout) throws InterruptedException {
    List<ServingGeneration> gs;
    synchronized (applyLock) {
      gs = new ArrayList<>(retiring);
    }
    for (ServingGeneration g : gs) {
      if (!g.awaitFinished(timeout)) {
        return false;
      }
    }
    return true;
  }

  private void failClosed(PendingRequest p) {
    if (p.result()
        .completeExceptionally(
            new IllegalStateException("runtime '" + id + "' was closed before answering"))) {
      metrics.failed(1);
    }
  }

  private List<SharedModel> loadModels(ServingSettings settings, int count)
      throws IOException, OrtException {
    List<SharedModel> loaded = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        SharedModel m =
            new SharedModel(
                EmbeddingModel.load(files, settings.variant(), settings.session()),
                openSessions::remove);
        openSessions.add(m);
        loaded.add(m);
      }
      return loaded;
    } catch (IOException | OrtException | RuntimeException e) {
      loaded.forEach(SharedModel::release);
      throw e;
    }
  }

  /** Computes (once) and records {@code variant}'s agreement, using {@code model} of it. */
  private Agreement agreementOf(ModelVariant variant, EmbeddingModel model)
      throws IOException, OrtException {
    Agreement known = agreements.get(variant);
    if (known != null) {
      return known;
    }
    float[][] reference = referenceEmbeddings();
    float[][] candidate = embedAll(model, validationSentences);
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < reference.length; i++) {
      double c = EmbeddingModel.cosine(reference[i], candidate[i]);
      sum += c;
      min = Math.min(min, c);
    }
    Agreement a = new Agreement(sum / reference.length, min, reference.length);
    agreements.put(variant, a);
    log.info("{} agrees with fp32 at mean cosine {}, min {}", variant, a.mean(), a.min());
    return a;
  }

  private float[][] referenceEmbeddings() throws IOException, OrtException {
    if (referenceEmbeddings.isPresent()) {
      return referenceEmbeddings.get();
    }
    ServingGeneration g = active;
    float[][] reference;
    if (g.settings.variant() == ModelVariant.FP32) {
      // Its workers hold the session, and cannot retire meanwhile: we hold the apply lock.
      reference = embedAll(g.models.get(0).model(), validationSentences);
    } else {
      try (EmbeddingModel fp32 =
          EmbeddingModel.load(files, ModelVariant.FP32, new SessionSettings(cores, false))) {
        reference = embedAll(fp32, validationSentences);
      }
    }
    referenceEmbeddings = Optional.of(reference);
    return reference;
  }

  private static float[][] embedAll(EmbeddingModel model, List<String> sentences)
      throws OrtException {
    float[][] out = new float[sentences.size()][];
    for (int from = 0; from < sentences.size(); from += VALIDATION_BATCH) {
      int to = Math.min(sentences.size(), from + VALIDATION_BATCH);
      float[][] part = model.embed(sentences.subList(from, to));
      System.arraycopy(part, 0, out, from, part.length);
    }
    return out;
  }

  private static Reason reasonOf(Throwable e) {
    if (e instanceof OutOfMemoryError) {
      return Reason.OUT_OF_MEMORY;
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("alloc") || m.contains("out of memory") || m.contains("bad_alloc")) {
      return Reason.OUT_OF_MEMORY;
    }
    return Reason.CRASH;
  }

  private static List<String> readValidationSentences() throws IOException {
    return io.infertune.runtime.TextResources.lines(EmbeddedRuntime.class, VALIDATION_RESOURCE);
  }

  private static ThreadFactory defaultThreads(String id) {
    // Platform threads: inference is a long native call, which would pin a virtual thread anyway.
    // Daemons, so that a runtime nobody closed does not keep the JVM alive.
    return Thread.ofPlatform().name("infertune-" + id + "-worker-", 0).daemon(true).factory();
  }

  /**
   * Builds an {@link EmbeddedRuntime}. Every setting has a default; {@link #build} validates
   * nothing further, since each setter rejects bad values at once.
   */
  public static final class Builder {
    private String id = "embedded";
    private int cores = Runtime.getRuntime().availableProcessors();
    private Path modelCacheDir = ModelFiles.defaultCacheDir();
    private Ticker ticker = Ticker.system();
    private Optional<ThreadFactory> threadFactory = Optional.empty();
    private boolean prepareNativeLibraries = true;

    private Builder() {}

    /** The runtime's id in URLs and records (default {@code embedded}). */
    public Builder id(String id) {
      this.id = Names.require("runtime", id);
      return this;
    }

    /** The cores the thread knobs range over (default: the JVM's available processors). */
    public Builder cores(int cores) {
      if (cores < 1) {
        throw new IllegalArgumentException("cores must be >= 1, got " + cores);
      }
      this.cores = cores;
      return this;
    }

    /** Where the {@code .onnx} files are extracted (default {@link ModelFiles#defaultCacheDir}). */
    public Builder modelCacheDir(Path dir) {
      this.modelCacheDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The clock of latencies and snapshots (default {@link Ticker#system()}). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Makes the worker threads (default: daemon platform threads named after the id). */
    public Builder threadFactory(ThreadFactory threads) {
      this.threadFactory = Optional.of(threads);
      return this;
    }

    /**
     * Whether to extract ONNX Runtime's native libraries into the model cache and point {@code
     * onnxruntime.native.path} at them when that property is unset (default true); see {@link
     * ModelFiles#prepareNativeLibraries}.
     */
    public Builder prepareNativeLibraries(boolean prepare) {
      this.prepareNativeLibraries = prepare;
      return this;
    }

    /**
     * Extracts the model if needed, loads it in the default configuration and starts serving.
     *
     * @throws UncheckedIOException when the model files cannot be extracted or read
     * @throws IllegalStateException when ONNX Runtime cannot load the model
     */
    public EmbeddedRuntime build() {
      try {
        return new EmbeddedRuntime(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare the model files: " + e.getMessage(), e);
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
      }
    }
  }
}
