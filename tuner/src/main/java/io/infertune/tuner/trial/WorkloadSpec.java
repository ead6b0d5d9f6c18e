package io.infertune.tuner.trial;

import java.util.Locale;
import java.util.Objects;

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
 */
public record WorkloadSpec(
    Mode mode,
    int concurrency,
    double ratePerSecond,
    int distinctInputs,
    double zipfExponent,
    long seed) {

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

  public WorkloadSpec {
    Objects.requireNonNull(mode, "mode");
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

  /** Closed loop with {@code concurrency} clients, Zipf(1.0) repeats over 2000 inputs. */
  public static WorkloadSpec closedLoop(int concurrency, long seed) {
    return new WorkloadSpec(Mode.CLOSED_LOOP, concurrency, 100, 2000, 1.0, seed);
  }

  /** Poisson arrivals at {@code ratePerSecond}, Zipf(1.0) repeats over 2000 inputs. */
  public static WorkloadSpec openLoop(double ratePerSecond, long seed) {
    return new WorkloadSpec(Mode.OPEN_LOOP, 1, ratePerSecond, 2000, 1.0, seed);
  }
}
