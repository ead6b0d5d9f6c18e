package io.infertune.tuner.measure;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The vocabulary of metrics that objectives and constraints name (ARCHITECTURE.md), and the names
 * of the raw series a {@link MetricSource} exposes, from which {@link Measurer} derives them.
 */
public final class Metrics {
  // Derived metrics (the vocabulary). Units are in the names.
  public static final String THROUGHPUT_RPS = "throughput_rps";

  /**
   * Tokens per second: of {@link #SOURCE_OUTPUT_TOKENS} when the source counts output tokens, else
   * of {@link #SOURCE_TOKENS} (input tokens, for runtimes such as embedding servers that generate
   * none).
   */
  public static final String THROUGHPUT_TOKENS_PER_S = "throughput_tokens_per_s";

  /** Request latency distribution in milliseconds; its quantiles are the three below. */
  public static final String LATENCY_MS = "latency_ms";

  public static final String LATENCY_P50_MS = "latency_p50_ms";
  public static final String LATENCY_P95_MS = "latency_p95_ms";
  public static final String LATENCY_P99_MS = "latency_p99_ms";

  /**
   * Time to first token, in milliseconds, of generative requests: a distribution like {@link
   * #LATENCY_MS}, whose 95th percentile is {@link #TTFT_P95_MS}.
   */
  public static final String TTFT_MS = "ttft_ms";

  public static final String TTFT_P95_MS = "ttft_p95_ms";

  /**
   * Inter-token latency, in milliseconds: the gaps between successive output tokens of generative
   * requests, a distribution like {@link #LATENCY_MS} whose 95th percentile is {@link #ITL_P95_MS}.
   */
  public static final String ITL_MS = "itl_ms";

  public static final String ITL_P95_MS = "itl_p95_ms";
  public static final String ERROR_RATE = "error_rate";
  public static final String CACHE_HIT_RATE = "cache_hit_rate";
  public static final String MEMORY_MB = "memory_mb";

  /** CPU the runtime used, as a fraction of all the machine's cores (0..1). */
  public static final String CPU_UTILIZATION = "cpu_utilization";

  /** Agreement with the full-precision reference on a validation set (mean cosine, 0..1). */
  public static final String ACCURACY = "accuracy";

  public static final List<String> VOCABULARY =
      List.of(
          THROUGHPUT_RPS,
          THROUGHPUT_TOKENS_PER_S,
          LATENCY_MS,
          LATENCY_P50_MS,
          LATENCY_P95_MS,
          LATENCY_P99_MS,
          TTFT_MS,
          TTFT_P95_MS,
          ITL_MS,
          ITL_P95_MS,
          ERROR_RATE,
          CACHE_HIT_RATE,
          MEMORY_MB,
          CPU_UTILIZATION,
          ACCURACY);

  // Raw series of a MetricSource (counters are cumulative, as in Prometheus).
  /** Counter: requests completed successfully. */
  public static final String SOURCE_REQUESTS = "requests";

  /** Counter: requests that failed. */
  public static final String SOURCE_ERRORS = "request_errors";

  /** Counter: input (prompt) tokens processed. */
  public static final String SOURCE_TOKENS = "tokens";

  /**
   * Counter: output tokens generated. When a source has it, {@link #THROUGHPUT_TOKENS_PER_S} is its
   * rate: for a generative runtime the work done is the tokens it produces, and decoding, not
   * prefill, is what batching and scheduling knobs trade against latency.
   */
  public static final String SOURCE_OUTPUT_TOKENS = "generated_tokens";

  /** Counter: result-cache hits. */
  public static final String SOURCE_CACHE_HITS = "cache_hits";

  /** Counter: result-cache misses. */
  public static final String SOURCE_CACHE_MISSES = "cache_misses";

  /** Counter: CPU seconds used by the runtime's process. */
  public static final String SOURCE_CPU_SECONDS = "process_cpu_seconds";

  /** Histogram: request latency in seconds, from arrival to response. */
  public static final String SOURCE_LATENCY_SECONDS = "request_latency_seconds";

  /** Histogram: seconds from a request's arrival to its first output token. */
  public static final String SOURCE_TTFT_SECONDS = "time_to_first_token_seconds";

  /** Histogram: seconds between successive output tokens of a request. */
  public static final String SOURCE_ITL_SECONDS = "inter_token_latency_seconds";

  /** Gauge: resident memory of the runtime in bytes. */
  public static final String SOURCE_MEMORY_BYTES = "resident_memory_bytes";

  /** Gauge: accuracy of the active configuration (see {@link #ACCURACY}). */
  public static final String SOURCE_ACCURACY = "accuracy";

  private static final Pattern QUANTILE = Pattern.compile("(.+)_p(50|95|99)_ms");

  private Metrics() {}

  /**
   * Returns {@code metric} if it is in the vocabulary.
   *
   * @throws IllegalArgumentException listing the vocabulary
   */
  public static String requireKnown(String role, String metric) {
    if (metric == null || !VOCABULARY.contains(metric)) {
      throw new IllegalArgumentException(
          role + " metric '" + metric + "' is unknown; use one of " + VOCABULARY);
    }
    return metric;
  }

  /** For {@code latency_p95_ms}: the distribution {@code latency_ms} and the quantile 0.95. */
  static java.util.Optional<QuantileRef> quantileOf(String metric) {
    var m = QUANTILE.matcher(metric);
    if (!m.matches()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new QuantileRef(m.group(1) + "_ms", Integer.parseInt(m.group(2))));
  }

  record QuantileRef(String distribution, int percentile) {}
}
