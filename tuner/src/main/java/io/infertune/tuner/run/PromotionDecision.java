package io.infertune.tuner.run;

import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What the A/B comparison of a candidate configuration against the incumbent concluded.
 *
 * @param push whether the candidate is to be pushed
 * @param metric the objective's metric, whose per-round values were compared
 * @param rounds A/B rounds completed per arm (fewer than the policy's when a round failed)
 * @param incumbentMean the incumbent's mean over its rounds, in the metric's unit; empty when a
 *     round failed before both arms were measured
 * @param candidateMean the candidate's mean over its rounds, likewise
 * @param pValue one-sided p-value of "the candidate is better (by the policy's margin)"; empty when
 *     no test could be made
 * @param reason why, for people: the campaign's end message and the deployment's evidence quote it
 */
public record PromotionDecision(
    boolean push,
    String metric,
    int rounds,
    OptionalDouble incumbentMean,
    OptionalDouble candidateMean,
    OptionalDouble pValue,
    String reason) {
  public PromotionDecision {
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(incumbentMean, "incumbentMean");
    Objects.requireNonNull(candidateMean, "candidateMean");
    Objects.requireNonNull(pValue, "pValue");
    Objects.requireNonNull(reason, "reason");
    if (rounds < 0) {
      throw new IllegalArgumentException("rounds must be >= 0, got " + rounds);
    }
    if (pValue.isPresent() && !(pValue.getAsDouble() >= 0 && pValue.getAsDouble() <= 1)) {
      throw new IllegalArgumentException("pValue must be in [0, 1], got " + pValue.getAsDouble());
    }
    if (incumbentMean.isPresent() && !Double.isFinite(incumbentMean.getAsDouble())
        || candidateMean.isPresent() && !Double.isFinite(candidateMean.getAsDouble())) {
      throw new IllegalArgumentException("means must be finite");
    }
    if (push && (pValue.isEmpty() || incumbentMean.isEmpty() || candidateMean.isEmpty())) {
      throw new IllegalArgumentException("a push needs a p-value and both means");
    }
    if (reason.isBlank()) {
      throw new IllegalArgumentException("reason must not be blank");
    }
  }

  /** A comparison that ended before a test could be made (a failed apply or measurement). */
  static PromotionDecision aborted(String metric, int rounds, String reason) {
    return new PromotionDecision(
        false,
        metric,
        rounds,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        reason);
  }

  /**
   * The decision as a deployment's evidence, e.g. {@code throughput_rps 812.3 vs baseline 101.2,
   * ratio 8.03; significantly better (p < 0.0001, alpha 0.05, 5+5 A/B rounds)}.
   */
  public String evidence() {
    if (incumbentMean.isEmpty() || candidateMean.isEmpty()) {
      return reason;
    }
    double a = incumbentMean.getAsDouble();
    double b = candidateMean.getAsDouble();
    String ratio = a != 0 ? String.format(Locale.ROOT, ", ratio %.2f", b / a) : "";
    return String.format(Locale.ROOT, "%s %.4g vs baseline %.4g%s; ", metric, b, a, ratio) + reason;
  }

  /** {@code p = 0.31}, or {@code p < 0.0001} for the smallest values. */
  static String pText(double p) {
    return p < 1e-4 ? "p < 0.0001" : String.format(Locale.ROOT, "p = %.2g", p);
  }
}
