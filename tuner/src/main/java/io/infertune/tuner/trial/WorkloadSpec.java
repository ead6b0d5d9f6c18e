package io.infertune.tuner.trial;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The load a campaign drives while measuring.
 *
 * @param mode closed loop (a fixed number of clients, each waiting for its answer) or open loop
 *     (Poisson arrivals at a fixed rate, whatever the responses do)
 * @param concurrency clients in closed-loop mode
 * @param ratePerSecond mean arrival rate in open-loop mode, requests per second
 * @param distinctInputs how many different inputs the workload draws from
 * @param zipfExponent skew of the repeats: 0 is uniform, about 1 is typical of real traffic
 * @param seed makes the sequence of inputs and arrivals reproducible
 * @param promptTokens for a generative runtime, the prompts' lengths in tokens as a length
 *     distribution's text ({@code fixed:N}, {@code uniform:A-B}, {@code
 *     lognormal:median=M,sigma=S}); given together with {@code outputTokens}
 * @param outputTokens for a generative runtime, the output lengths each request asks for, in
 *     tokens, in the same form; when present the workload sends generative requests
 * @param trace a JSON Lines trace to replay instead (a file in the service's traces directory, by a
 *     path relative to it or an absolute one inside it; local tools read it where they run: {@code
 *     {"timestamp": seconds, "input_tokens": N | "prompt": "...", "output_tokens": N}} per line),
 *     open loop at the recorded times, starting over at its end; the mode, concurrency, rate,
 *     inputs and token lengths then play no part (the trace has its own), and the seed none either
 * @param traceSpeedUp how many times faster than recorded the trace is replayed (1: as recorded)
 * @apiNote the texts are checked for their form here; their values (a median above 0, say) are
 *     checked where the workload is built, by the runtime module's length distributions, which
 *     {@code tuner} does not depend on.
 */
public record WorkloadSpec(
    Mode mode,
    int concurrency,
    double ratePerSecond,
    int distinctInputs,
    double zipfExponent,
    long seed,
    Optional<String> promptTokens,
    Optional<String> outputTokens,
    Optional<String> trace,
    double traceSpeedUp) {

  /** The forms a length distribution is written in; a bare number is {@code fixed}. */
  private static final Pattern LENGTHS =
      Pattern.compile("\\s*(\\d+|(fixed|uniform|lognormal)\\s*:.*\\S.*)", Pattern.CASE_INSENSITIVE);

  public enum Mode {
    CLOSED_LOOP,
    OPEN_LOOP;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Mode parse(String s) {
      return switch (s == null ? "" : s.toLowerCase(Locale.ROOT).replace('-', '_')) {
        case "closed_loop", "closed" -> CLOSED_LOOP;
        case "open_loop", "open", "poisson" -> OPEN_LOOP;
        default ->
            throw new IllegalArgumentException(
                "mode must be 'closed_loop' or 'open_loop', got '" + s + "'");
      };
    }
  }

  /** A workload drawn from the corpus (no trace), generative when token lengths are given. */
  public WorkloadSpec(
      Mode mode,
      int concurrency,
      double ratePerSecond,
      int distinctInputs,
      double zipfExponent,
      long seed,
      Optional<String> promptTokens,
      Optional<String> outputTokens) {
    this(
        mode,
        concurrency,
        ratePerSecond,
        distinctInputs,
        zipfExponent,
        seed,
        promptTokens,
        outputTokens,
        Optional.empty(),
        1.0);
  }

  /** A workload of non-generative requests (no token lengths). */
  public WorkloadSpec(
      Mode mode,
      int concurrency,
      double ratePerSecond,
      int distinctInputs,
      double zipfExponent,
      long seed) {
    this(
        mode,
        concurrency,
        ratePerSecond,
        distinctInputs,
        zipfExponent,
        seed,
        Optional.empty(),
        Optional.empty());
  }

  public WorkloadSpec {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(promptTokens, "promptTokens");
    Objects.requireNonNull(outputTokens, "outputTokens");
    requireLengths("promptTokens", promptTokens);
    requireLengths("outputTokens", outputTokens);
    if (promptTokens.isPresent() != outputTokens.isPresent()) {
      // A prompt length alone would be silently ignored, an output length alone would need a
      // prompt length nobody chose.
      String given = promptTokens.isPresent() ? "promptTokens" : "outputTokens";
      String missing = promptTokens.isPresent() ? "outputTokens" : "promptTokens";
      throw new IllegalArgumentException(given + " needs " + missing + " too");
    }
    Objects.requireNonNull(trace, "trace");
    if (trace.isPresent() && trace.get().isBlank()) {
      throw new IllegalArgumentException("trace must name a file, got a blank string");
    }
    if (trace.isPresent() && promptTokens.isPresent()) {
      throw new IllegalArgumentException(
          "trace: a trace has its own lengths; leave out promptTokens and outputTokens");
    }
    if (!(traceSpeedUp > 0 && traceSpeedUp <= 1000)) {
      throw new IllegalArgumentException("traceSpeedUp must be in (0, 1000], got " + traceSpeedUp);
    }
    if (concurrency < 1 || concurrency > 1024) {
      throw new IllegalArgumentException("concurrency must be in [1, 1024], got " + concurrency);
    }
    if (!(ratePerSecond > 0 && ratePerSecond <= 100_000)) {
      throw new IllegalArgumentException(
          "ratePerSecond must be in (0, 100000], got " + ratePerSecond);
    }
    if (distinctInputs < 1) {
      throw new IllegalArgumentException("distinctInputs must be >= 1");
    }
    if (!(zipfExponent >= 0 && zipfExponent <= 5)) {
      throw new IllegalArgumentException("zipfExponent must be in [0, 5], got " + zipfExponent);
    }
  }

  /** Whether requests are generative: they ask for output of {@link #outputTokens} tokens. */
  public boolean generative() {
    return outputTokens.isPresent();
  }

  /** This workload, sending generative requests with these prompt and output lengths. */
  public WorkloadSpec withTokens(String promptTokens, String outputTokens) {
    return new WorkloadSpec(
        mode,
        concurrency,
        ratePerSecond,
        distinctInputs,
        zipfExponent,
        seed,
        Optional.of(promptTokens),
        Optional.of(outputTokens),
        trace,
        traceSpeedUp);
  }

  /** This workload, replaying the trace at {@code path}, {@code speedUp} times as fast. */
  public WorkloadSpec withTrace(String path, double speedUp) {
    return new WorkloadSpec(
        mode,
        concurrency,
        ratePerSecond,
        distinctInputs,
        zipfExponent,
        seed,
        Optional.empty(),
        Optional.empty(),
        Optional.of(path),
        speedUp);
  }

  private static void requireLengths(String field, Optional<String> text) {
    if (text.isPresent() && !LENGTHS.matcher(text.get()).matches()) {
      throw new IllegalArgumentException(
          field
              + " must be fixed:N, uniform:MIN-MAX or lognormal:median=M,sigma=S, got '"
              + text.get()
              + "'");
    }
  }

  /** Closed loop with {@code concurrency} clients, Zipf(1.0) repeats over 2000 inputs. */
  public static WorkloadSpec closedLoop(int concurrency, long seed) {
    return new WorkloadSpec(Mode.CLOSED_LOOP, concurrency, 100, 2000, 1.0, seed);
  }

  /** Poisson arrivals at {@code ratePerSecond}, Zipf(1.0) repeats over 2000 inputs. */
  public static WorkloadSpec openLoop(double ratePerSecond, long seed) {
    return new WorkloadSpec(Mode.OPEN_LOOP, 1, ratePerSecond, 2000, 1.0, seed);
  }
}
