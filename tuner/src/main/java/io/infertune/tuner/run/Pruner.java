package io.infertune.tuner.run;

import io.infertune.tuner.measure.ConfidenceInterval;
import io.infertune.tuner.measure.WindowMonitor;
import io.infertune.tuner.measure.WindowProgress;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.objective.Objective;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Early stopping of a trial that cannot win: a {@link WindowMonitor} that stops the window (after
 * the minimum window, between intervals) as soon as
 *
 * <ul>
 *   <li>the objective's {@value #LEVEL_PERCENT} % confidence interval lies entirely on the worse
 *       side of the incumbent's value, or
 *   <li>a constraint's metric has a {@value #LEVEL_PERCENT} % interval entirely outside its bounds.
 * </ul>
 *
 * Neither while the metric is still improving with a significant trend (a cache filling up after
 * the warm-up ended): its interval then says where the metric was, not where it is heading.
 *
 * <p>During the warm-up, whose values are transients and are discarded from the measurement, only a
 * gross loser is pruned: one whose objective's {@value #LEVEL_PERCENT} % interval lies entirely
 * beyond {@value #WARMUP_FACTOR} times worse than the incumbent (below half of it when maximising,
 * above twice it when minimising), and not improving. Transients of a configuration that is worth
 * keeping (a cache filling, a JIT compiling) make it look worse early, but rarely by half, and such
 * a ramp is a significant trend, which keeps the trial; a configuration two or more times worse
 * than the incumbent (fp32 at batch 1 against int8 at batch 16) is then dropped after a few
 * intervals instead of after its whole warm-up and minimum window. Constraints are judged after the
 * minimum window only.
 *
 * <p>A stricter level than the 95 % of the window's precision target, because a pruned trial is
 * never measured again: at 99 % and Student-t quantiles, a trial with 4 intervals needs its mean
 * about six standard errors from the incumbent before it is dropped. The incumbent's value is taken
 * as exact (its own uncertainty is left to the end-of-campaign comparison); re-measuring it keeps
 * it honest when the machine drifts.
 *
 * @implNote not thread-safe: one per trial, on the measuring thread.
 */
final class Pruner implements WindowMonitor {
  static final int LEVEL_PERCENT = 99;
  private static final double LEVEL = LEVEL_PERCENT / 100.0;

  /**
   * How many times worse than the incumbent a trial must clearly be to be pruned in its warm-up.
   */
  static final double WARMUP_FACTOR = 2;

  private final Objective objective;
  private final List<Constraint> constraints;
  private final Optional<Incumbent> incumbent;
  private final Duration minWindow;
  private Optional<String> reason = Optional.empty();

  /**
   * @param minWindow the window's minimum: after it, the ordinary rules; during the warm-up, the
   *     gross-loser rule; in between, nothing
   */
  Pruner(
      Objective objective,
      List<Constraint> constraints,
      Optional<Incumbent> incumbent,
      Duration minWindow) {
    this.objective = Objects.requireNonNull(objective, "objective");
    this.constraints = List.copyOf(constraints);
    this.incumbent = Objects.requireNonNull(incumbent, "incumbent");
    this.minWindow = Objects.requireNonNull(minWindow, "minWindow");
  }

  /** Consulted every interval: it applies its own timing (warm-up, then the minimum window). */
  @Override
  public boolean everyInterval() {
    return true;
  }

  /** Why the window was stopped, once it was. */
  Optional<String> reason() {
    return reason;
  }

  @Override
  public Optional<String> check(WindowProgress progress) {
    if (progress.warmingUp()) {
      return grossLoser(progress);
    }
    if (progress.elapsed().compareTo(minWindow) < 0) {
      return Optional.empty();
    }
    if (incumbent.isPresent()) {
      Optional<ConfidenceInterval> ci = progress.interval(objective.metric(), LEVEL);
      double ref = incumbent.get().value();
      boolean maximize = objective.direction() == Direction.MAXIMIZE;
      if (ci.isPresent()
          && (maximize ? ci.get().high() < ref : ci.get().low() > ref)
          && !improving(progress, objective.metric(), maximize)) {
        reason =
            Optional.of(
                String.format(
                    Locale.ROOT,
                    "pruned after %s: %s %d%% CI %s %s incumbent %.4g (trial %d)",
                    seconds(progress),
                    objective.metric(),
                    LEVEL_PERCENT,
                    text(ci.get()),
                    maximize ? "below" : "above",
                    ref,
                    incumbent.get().trial().number()));
        return reason;
      }
    }
    for (Constraint c : constraints) {
      Optional<ConfidenceInterval> ci = progress.interval(c.metric(), LEVEL);
      if (ci.isEmpty()) {
        continue;
      }
      boolean below =
          c.min().isPresent()
              && ci.get().high() < c.min().getAsDouble()
              && !improving(progress, c.metric(), true);
      boolean above =
          c.max().isPresent()
              && ci.get().low() > c.max().getAsDouble()
              && !improving(progress, c.metric(), false);
      if (below || above) {
        reason =
            Optional.of(
                String.format(
                    Locale.ROOT,
                    "pruned after %s: %s %d%% CI %s violates %s",
                    seconds(progress),
                    c.metric(),
                    LEVEL_PERCENT,
                    text(ci.get()),
                    c.bounds()));
        return reason;
      }
    }
    return Optional.empty();
  }

  /**
   * The warm-up's rule: the objective clearly {@value #WARMUP_FACTOR} times worse, not improving.
   */
  private Optional<String> grossLoser(WindowProgress progress) {
    if (incumbent.isEmpty()) {
      return Optional.empty();
    }
    Optional<ConfidenceInterval> ci = progress.interval(objective.metric(), LEVEL);
    double ref = incumbent.get().value();
    boolean maximize = objective.direction() == Direction.MAXIMIZE;
    double bound = maximize ? ref / WARMUP_FACTOR : ref * WARMUP_FACTOR;
    if (ci.isEmpty()
        || !(maximize ? ci.get().high() < bound : ci.get().low() > bound)
        || improving(progress, objective.metric(), maximize)) {
      return Optional.empty();
    }
    reason =
        Optional.of(
            String.format(
                Locale.ROOT,
                "pruned in the warm-up after %s: %s %d%% CI %s %s %s the incumbent %.4g (trial %d)",
                seconds(progress),
                objective.metric(),
                LEVEL_PERCENT,
                text(ci.get()),
                maximize ? "below" : "above",
                maximize ? "half" : "twice",
                ref,
                incumbent.get().trial().number()));
    return reason;
  }

  /**
   * Whether {@code metric} is still moving in the good direction (up when {@code up}) with a slope
   * significant at 95 % (less evidence than pruning needs: when in doubt, keep measuring): its
   * interval then describes where it was, not where it is heading, so it is not judged yet.
   */
  private static boolean improving(WindowProgress progress, String metric, boolean up) {
    return progress
        .trend(metric)
        .filter(t -> t.significant(0.95) && (up ? t.slope() > 0 : t.slope() < 0))
        .isPresent();
  }

  private static String seconds(WindowProgress p) {
    return String.format(Locale.ROOT, "%.1f s", p.elapsed().toNanos() / 1e9);
  }

  private static String text(ConfidenceInterval ci) {
    return String.format(Locale.ROOT, "[%.4g, %.4g]", ci.low(), ci.high());
  }
}
