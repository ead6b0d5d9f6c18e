package io.infertune.runtime.workload;

import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.distribution.UniformIntegerDistribution;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * How many tokens a request's prompt or output has: fixed, uniform, or log-normal (the shape of
 * real prompt and output lengths: most are short, a few are very long).
 *
 * <p>Written and {@linkplain #parse parsed} as {@code fixed:128}, {@code uniform:32-512}, {@code
 * lognormal:median=200,sigma=0.8[,min=1][,max=4096]}.
 *
 * @implNote the values are immutable and thread-safe; a {@link #sampler} is not thread-safe.
 */
public sealed interface LengthDistribution {
  /** Lengths drawn with {@code random}, which the sampler uses alone (one thread). */
  IntSupplier sampler(RandomGenerator random);

  /** The mean length, in tokens. */
  double mean();

  /** Always {@code tokens}. */
  static LengthDistribution fixed(int tokens) {
    return new Fixed(tokens);
  }

  /** Each length in {@code [min, max]} equally likely. */
  static LengthDistribution uniform(int min, int max) {
    return new Uniform(min, max);
  }

  /** Log-normal with the given median and log-space standard deviation, in {@code [1, max]}. */
  static LengthDistribution logNormal(double median, double sigma, int max) {
    return new LogNormal(median, sigma, 1, max);
  }

  /**
   * Reads the written form (see the class comment); a bare number is {@code fixed}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static LengthDistribution parse(String text) {
    String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    try {
      if (s.matches("\\d+")) {
        return fixed(Integer.parseInt(s));
      }
      int colon = s.indexOf(':');
      String kind = colon < 0 ? s : s.substring(0, colon);
      String args = colon < 0 ? "" : s.substring(colon + 1);
      switch (kind) {
        case "fixed" -> {
          return fixed(Integer.parseInt(args.strip()));
        }
        case "uniform" -> {
          Matcher m = Pattern.compile("\\s*(\\d+)\\s*-\\s*(\\d+)\\s*").matcher(args);
          if (m.matches()) {
            return uniform(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
          }
        }
        case "lognormal" -> {
          double median = Double.NaN;
          double sigma = Double.NaN;
          int min = 1;
          int max = LogNormal.DEFAULT_MAX;
          for (String part : args.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2) {
              throw new IllegalArgumentException("'" + part.strip() + "' is not name=value");
            }
            String v = kv[1].strip();
            switch (kv[0].strip()) {
              case "median" -> median = Double.parseDouble(v);
              case "sigma" -> sigma = Double.parseDouble(v);
              case "min" -> min = Integer.parseInt(v);
              case "max" -> max = Integer.parseInt(v);
              default ->
                  throw new IllegalArgumentException(
                      "unknown parameter '" + kv[0].strip() + "' (median, sigma, min, max)");
            }
          }
          return new LogNormal(median, sigma, min, max);
        }
        default -> {}
      }
    } catch (IllegalArgumentException e) { // NumberFormatException included
      throw new IllegalArgumentException(
          "length distribution '" + text + "': " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(
        "length distribution '"
            + text
            + "' is not one of fixed:N, uniform:MIN-MAX, lognormal:median=M,sigma=S[,min=A][,max=B]");
  }

  /**
   * Always {@code tokens}.
   *
   * @param tokens at least 0 (0: an embedding request generates nothing)
   */
  record Fixed(int tokens) implements LengthDistribution {
    public Fixed {
      if (tokens < 0) {
        throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
      }
    }

    @Override
    public IntSupplier sampler(RandomGenerator random) {
      return () -> tokens;
    }

    @Override
    public double mean() {
      return tokens;
    }

    @Override
    public String toString() {
      return "fixed:" + tokens;
    }
  }

  /** Each length in {@code [min, max]} equally likely (Commons Math's uniform integer law). */
  record Uniform(int min, int max) implements LengthDistribution {
    public Uniform {
      if (min < 0 || max < min) {
        throw new IllegalArgumentException("need 0 <= min <= max, got " + min + "-" + max);
      }
    }

    @Override
    public IntSupplier sampler(RandomGenerator random) {
      if (min == max) {
        return () -> min;
      }
      UniformIntegerDistribution d = new UniformIntegerDistribution(random, min, max);
      return d::sample;
    }

    @Override
    public double mean() {
      return (min + (double) max) / 2;
    }

    @Override
    public String toString() {
      return "uniform:" + min + "-" + max;
    }
  }

  /**
   * Log-normal lengths: {@code exp(N(ln median, sigma^2))}, rounded and clamped to {@code [min,
   * max]}. Clamping puts the tail beyond {@code max} at {@code max} (the context limit a real
   * prompt cannot exceed), so choose {@code max} well above the bulk when the exact law matters.
   *
   * @param median the median length in tokens (half the lengths are shorter)
   * @param sigma the standard deviation of the log of the length: 0.5 is narrow, 1 is wide
   */
  record LogNormal(double median, double sigma, int min, int max) implements LengthDistribution {
    static final int DEFAULT_MAX = 1 << 20;

    public LogNormal {
      if (!(median >= 1) || Double.isInfinite(median)) {
        throw new IllegalArgumentException("median must be finite and >= 1, got " + median);
      }
      if (!(sigma > 0) || Double.isInfinite(sigma)) {
        throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
      }
      if (min < 0 || max < min) {
        throw new IllegalArgumentException("need 0 <= min <= max, got " + min + ", " + max);
      }
    }

    @Override
    public IntSupplier sampler(RandomGenerator random) {
      // Commons Math's scale is the mean of the log, its shape the standard deviation of the log.
      LogNormalDistribution d = new LogNormalDistribution(random, Math.log(median), sigma);
      return () -> (int) Math.max(min, Math.min(max, Math.round(d.sample())));
    }

    /** The mean of the unclamped law, {@code median * exp(sigma^2 / 2)}. */
    @Override
    public double mean() {
      return median * Math.exp(sigma * sigma / 2);
    }

    @Override
    public String toString() {
      return "lognormal:median=" + median + ",sigma=" + sigma + ",min=" + min + ",max=" + max;
    }
  }
}
