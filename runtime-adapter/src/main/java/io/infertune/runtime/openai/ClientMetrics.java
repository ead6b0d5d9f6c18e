package io.infertune.runtime.openai;

import io.infertune.runtime.embedded.CumulativeHistogram;
import io.infertune.runtime.openai.OpenAiResult.Status;
import io.infertune.tuner.measure.HistogramSnapshot;
import io.infertune.tuner.measure.MetricSnapshot;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the load generator measured, as a {@link MetricSource}: the user's view of a runtime
 * (queueing in the server, the network and the client's own parsing included), beside the runtime's
 * own metrics ({@link CompositeMetricSource} puts the two together).
 *
 * <p>Series, named as the runtime-side ones so that the Measurer reads either:
 *
 * <ul>
 *   <li>counters {@value #REQUESTS} (answered well), {@value #ERRORS} (failed, any way), {@code
 *       request_errors_<status>} per {@link Status} (e.g. {@code request_errors_timeout}), {@value
 *       #PROMPT_TOKENS} (the servers' {@code usage.prompt_tokens}; absent until one reported it),
 *       {@value #OUTPUT_TOKENS} (output tokens, see {@link OpenAiResult#outputTokens()});
 *   <li>histograms, in seconds: {@value #LATENCY_SECONDS} (end to end, successful requests),
 *       {@value #TTFT_SECONDS} (streamed requests) and {@value #ITL_SECONDS} (every gap between
 *       token events).
 * </ul>
 *
 * @implNote thread-safe and lock-free: any number of requests may {@link #record} at once.
 */
public final class ClientMetrics implements MetricSource {
  /** Counter: requests answered well. */
  public static final String REQUESTS = Metrics.SOURCE_REQUESTS;

  /** Counter: requests that failed. */
  public static final String ERRORS = Metrics.SOURCE_ERRORS;

  /** Counter: prompt (input) tokens, as the server reported them. */
  public static final String PROMPT_TOKENS = Metrics.SOURCE_TOKENS;

  /** Counter: output tokens generated. */
  public static final String OUTPUT_TOKENS = Metrics.SOURCE_OUTPUT_TOKENS;

  /** Histogram: seconds from sending a request to its complete answer. */
  public static final String LATENCY_SECONDS = Metrics.SOURCE_LATENCY_SECONDS;

  /** Histogram: seconds from sending a request to its first token. */
  public static final String TTFT_SECONDS = Metrics.SOURCE_TTFT_SECONDS;

  /** Histogram: seconds between successive token events of a request. */
  public static final String ITL_SECONDS = Metrics.SOURCE_ITL_SECONDS;

  /** The prefix of the per-outcome error counters. */
  public static final String ERRORS_BY_STATUS_PREFIX = ERRORS + "_";

  // Buckets grow by 10 % (so a quantile read from them is within 10 %), over the ranges that
  // occur: 1 ms to 10 minutes for whole requests, 0.1 ms to 1 minute for token gaps.
  private static final double[] LATENCY_BOUNDS =
      CumulativeHistogram.exponentialBounds(1e-3, 1.1, 600);
  private static final double[] ITL_BOUNDS = CumulativeHistogram.exponentialBounds(1e-4, 1.1, 60);

  private final Ticker ticker;
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<Status, LongAdder> errorsByStatus = new EnumMap<>(Status.class);
  private final LongAdder promptTokens = new LongAdder();
  private volatile boolean promptTokensReported;
  private final LongAdder outputTokens = new LongAdder();
  private final CumulativeHistogram latency = new CumulativeHistogram(LATENCY_BOUNDS);
  private final CumulativeHistogram ttft = new CumulativeHistogram(LATENCY_BOUNDS);
  private final CumulativeHistogram itl = new CumulativeHistogram(ITL_BOUNDS);

  /**
   * @param ticker stamps the snapshots; use the ticker the Measurer uses
   */
  public ClientMetrics(Ticker ticker) {
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    for (Status s : Status.values()) {
      if (s != Status.OK) {
        errorsByStatus.put(s, new LongAdder());
      }
    }
  }

  /** Counts one request's result. */
  public void record(OpenAiResult r) {
    if (!r.ok()) {
      errors.increment();
      errorsByStatus.get(r.status()).increment();
      return;
    }
    requests.increment();
    latency.record(r.latencyNanos() / 1e9);
    r.timeToFirstTokenNanos().ifPresent(t -> ttft.record(t / 1e9));
    for (long gap : r.interTokenNanos()) {
      itl.record(gap / 1e9);
    }
    outputTokens.add(r.outputTokens());
    if (r.promptTokens().isPresent()) {
      promptTokens.add(r.promptTokens().getAsInt());
      promptTokensReported = true;
    }
  }

  @Override
  public MetricSnapshot sample() {
    Map<String, Double> counters = new HashMap<>();
    counters.put(REQUESTS, (double) requests.sum());
    counters.put(ERRORS, (double) errors.sum());
    errorsByStatus.forEach(
        (s, n) -> counters.put(ERRORS_BY_STATUS_PREFIX + s.wireName(), (double) n.sum()));
    if (promptTokensReported) {
      // Absent until a server reported usage: a 0 would read as no token throughput at all.
      counters.put(PROMPT_TOKENS, (double) promptTokens.sum());
    }
    counters.put(OUTPUT_TOKENS, (double) outputTokens.sum());
    Map<String, HistogramSnapshot> histograms =
        Map.of(
            LATENCY_SECONDS, latency.snapshot(),
            TTFT_SECONDS, ttft.snapshot(),
            ITL_SECONDS, itl.snapshot());
    return new MetricSnapshot(ticker.nanos(), counters, Map.of(), histograms);
  }
}
