package io.infertune.tuner.run;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MeasurementException;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Measurer;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.PromotionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a campaign's best configuration (the candidate, B) replaces the runtime's
 * configuration (the incumbent, A), pushes it, watches it, and rolls it back when it misbehaves.
 *
 * <p><b>Comparison.</b> The two configurations are measured in {@code n} interleaved rounds, A, B,
 * A, B …, each an apply and one measurement window ({@link PromotionPolicy#roundWindow}), so that
 * drift of the machine (other load, thermal state) hits both arms alike. The objective's value in a
 * round is one sample. With {@code x} the candidate's samples, {@code y} the incumbent's and {@code
 * m} the policy's minimum relative improvement, the incumbent's samples are scaled to the margin,
 * {@code y' = y (1 + m)} when maximising and {@code y (1 - m)} when minimising, and Welch's t-test
 * (unequal variances, commons-math {@link TTest}) compares {@code x} with {@code y'}. The test is
 * one-sided: the two-sided p-value is halved when the observed difference points the objective's
 * way and is {@code 1 - p/2} otherwise. The candidate is pushed when {@code p < alpha} and every
 * constraint holds on the mean of its value over the candidate's rounds. When both arms have no
 * variance at all (a deterministic runtime) the difference is certain: p is 0 when it points the
 * objective's way and 1 otherwise.
 *
 * <p><b>Watch.</b> After a push the runtime is measured, as it serves, in {@code ceil(watch /
 * watchInterval)} windows without warm-up; each window is checked against the campaign's
 * constraints on its own. The first violation, or a window that cannot be measured (the runtime
 * stopped serving), puts the incumbent back and records a second {@link Deployment} with cause
 * {@code rollback:<reason>}.
 *
 * @implNote not thread-safe: one promotion at a time, on the campaign's thread. A stop reaches it
 *     as an {@link InterruptedException} from the {@link Window}: the incumbent is restored (and a
 *     push rolled back and recorded) before it is rethrown.
 */
public final class Promoter {
  private static final Logger log = LoggerFactory.getLogger(Promoter.class);

  /** One measurement of the runtime as it is configured now, under the campaign's workload. */
  @FunctionalInterface
  public interface Window {
    Measurement measure(MeasurementSpec spec) throws MeasurementException, InterruptedException;
  }

  private final RuntimeAdapter runtime;
  private final Window window;
  private final Ticker ticker;
  private final Consumer<Deployment> recorder;
  private final Supplier<String> deploymentIds;

  private Promoter(Builder b) {
    this.runtime = Objects.requireNonNull(b.runtime, "runtime");
    this.window = Objects.requireNonNull(b.window, "window (or measurer and workload)");
    this.ticker = Objects.requireNonNull(b.ticker, "ticker");
    this.recorder = Objects.requireNonNull(b.recorder, "recorder");
    this.deploymentIds = Objects.requireNonNull(b.deploymentIds, "deploymentIds");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Compares, pushes, watches and, when the watch sees a violation, rolls back; every push and
   * rollback is recorded. When nothing is pushed or the push is rolled back, the runtime is left on
   * {@code incumbent} (unless applying it fails, which the message says).
   *
   * @param incumbent the configuration the runtime had before the campaign
   * @param candidate the campaign's best configuration (complete, not an overlay)
   * @throws InterruptedException when the campaign is stopped meanwhile; the incumbent has been
   *     restored, and a push rolled back and recorded with cause {@code rollback:stopped}
   */
  public PromotionOutcome promote(
      Campaign campaign, Configuration incumbent, Configuration candidate)
      throws InterruptedException {
    CampaignSpec spec = campaign.spec();
    PromotionDecision decision;
    try {
      decision = compare(spec, incumbent, candidate);
      if (decision.push() && !runtime.current().equals(candidate)) {
        runtime.apply(candidate);
      }
    } catch (ApplyFailedException e) {
      // Only the final apply throws here: compare() turns its own failures into a decision.
      decision =
          PromotionDecision.aborted(
              spec.objective().metric(),
              spec.promotion().roundsPerArm(),
              "the push failed (" + reasonName(e) + "): " + e.getMessage());
    } catch (InterruptedException e) {
      restore(incumbent);
      throw e;
    }
    if (!decision.push()) {
      String restored = restore(incumbent);
      log.info("campaign {}: not pushed: {}", campaign.id(), decision.reason());
      return new PromotionOutcome(
          decision,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          "not pushed: " + decision.reason() + restored);
    }
    Deployment push =
        new Deployment(
            deploymentIds.get(),
            runtime.id(),
            Optional.of(campaign.id()),
            incumbent,
            candidate,
            "campaign:" + campaign.id(),
            decision.evidence(),
            ticker.now());
    recorder.accept(push);
    log.info("campaign {}: pushed {}: {}", campaign.id(), candidate, decision.evidence());
    String pushed = "pushed (" + decision.evidence() + ")";

    Optional<String> violation;
    try {
      violation = watch(spec);
    } catch (InterruptedException e) {
      rollbackOnStop(campaign, push, incumbent);
      throw e;
    }
    if (violation.isEmpty()) {
      String watched =
          spec.promotion().watch().isZero()
              ? "not watched"
              : "constraints held over the " + seconds(spec.promotion().watch()) + " watch";
      return new PromotionOutcome(
          decision, Optional.of(push), Optional.empty(), Optional.empty(), pushed + "; " + watched);
    }
    log.warn("campaign {}: the watch saw {}; rolling back", campaign.id(), violation.get());
    try {
      Deployment back =
          rollback(campaign, push, incumbent, violation.get(), "the watch saw " + violation.get());
      return new PromotionOutcome(
          decision,
          Optional.of(push),
          violation,
          Optional.of(back),
          pushed + ", then rolled back: " + violation.get());
    } catch (ApplyFailedException e) {
      return new PromotionOutcome(
          decision,
          Optional.of(push),
          violation,
          Optional.empty(),
          pushed
              + "; the watch saw "
              + violation.get()
              + ", but rolling back failed ("
              + reasonName(e)
              + "): "
              + e.getMessage());
    }
  }

  /**
   * Measures the two configurations in interleaved rounds and decides. Leaves the runtime on the
   * last configuration it applied.
   *
   * @throws InterruptedException when the campaign is stopped meanwhile
   */
  public PromotionDecision compare(
      CampaignSpec spec, Configuration incumbent, Configuration candidate)
      throws InterruptedException {
    PromotionPolicy policy = spec.promotion();
    Objective objective = spec.objective();
    String metric = objective.metric();
    MeasurementSpec round =
        policy
            .roundWindow()
            .map(w -> MeasurementSpec.of(spec.measurement().warmup(), w))
            .orElse(spec.measurement());
    int n = policy.roundsPerArm();
    double[] a = new double[n];
    double[] b = new double[n];
    List<Measurement> candidateRounds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (boolean isCandidate : new boolean[] {false, true}) {
        Configuration config = isCandidate ? candidate : incumbent;
        String arm =
            (isCandidate ? "candidate" : "incumbent") + " in round " + (i + 1) + " of " + n;
        Measurement m;
        try {
          runtime.apply(config);
          m = window.measure(round);
        } catch (ApplyFailedException e) {
          return PromotionDecision.aborted(
              metric,
              i,
              "applying the " + arm + " failed (" + reasonName(e) + "): " + e.getMessage());
        } catch (MeasurementException e) {
          return PromotionDecision.aborted(
              metric, i, "measuring the " + arm + " failed: " + e.getMessage());
        }
        OptionalDouble v = objective.valueIn(m);
        if (v.isEmpty() || !Double.isFinite(v.getAsDouble())) {
          return PromotionDecision.aborted(metric, i, metric + " was not measured for the " + arm);
        }
        (isCandidate ? b : a)[i] = v.getAsDouble();
        log.debug("{}: {} {}", arm, metric, v.getAsDouble());
        if (isCandidate) {
          candidateRounds.add(m);
        }
      }
    }
    double meanA = StatUtils.mean(a);
    double meanB = StatUtils.mean(b);
    double margin =
        objective.direction() == Direction.MAXIMIZE
            ? 1 + policy.minRelativeImprovement()
            : 1 - policy.minRelativeImprovement();
    double[] threshold = new double[n];
    for (int i = 0; i < n; i++) {
      threshold[i] = a[i] * margin;
    }
    double p = oneSidedWelch(b, threshold, objective.direction());
    String test =
        String.format(
            Locale.ROOT,
            "%s, alpha %s, %d+%d A/B rounds%s",
            PromotionDecision.pText(p),
            policy.alpha(),
            n,
            n,
            policy.minRelativeImprovement() > 0
                ? String.format(
                    Locale.ROOT, ", margin %.3g %%", policy.minRelativeImprovement() * 100)
                : "");
    List<String> violations = new ArrayList<>();
    for (Constraint c : spec.constraints()) {
      meanViolation(c, candidateRounds).ifPresent(violations::add);
    }
    boolean significant = p < policy.alpha();
    String reason;
    if (!significant) {
      reason =
          String.format(
              Locale.ROOT,
              "no significant improvement (%s, %s %.4g vs baseline %.4g)",
              test,
              metric,
              meanB,
              meanA);
    } else if (!violations.isEmpty()) {
      reason =
          "significantly better ("
              + test
              + ") but violates constraints over its rounds: "
              + String.join("; ", violations);
    } else {
      reason = "significantly better (" + test + ")";
    }
    return new PromotionDecision(
        significant && violations.isEmpty(),
        metric,
        n,
        OptionalDouble.of(meanA),
        OptionalDouble.of(meanB),
        OptionalDouble.of(p),
        reason);
  }

  /**
   * One-sided p-value of "{@code x} is better than {@code y} in {@code direction}" by Welch's
   * t-test.
   */
  static double oneSidedWelch(double[] x, double[] y, Direction direction) {
    double diff = StatUtils.mean(x) - StatUtils.mean(y);
    boolean agrees = direction == Direction.MAXIMIZE ? diff > 0 : diff < 0;
    if (StatUtils.variance(x) == 0 && StatUtils.variance(y) == 0) {
      // The t statistic is infinite or undefined; without noise the difference is certain.
      return agrees ? 0 : 1;
    }
    double twoSided = new TTest().tTest(x, y);
    return agrees ? twoSided / 2 : 1 - twoSided / 2;
  }

  /** A constraint checked on the mean of its metric over the candidate's rounds. */
  private static Optional<String> meanViolation(Constraint c, List<Measurement> rounds) {
    double sum = 0;
    for (int i = 0; i < rounds.size(); i++) {
      OptionalDouble v = rounds.get(i).value(c.metric());
      if (v.isEmpty() || !Double.isFinite(v.getAsDouble())) {
        return Optional.of(c.metric() + " was not measured in round " + (i + 1));
      }
      sum += v.getAsDouble();
    }
    double mean = sum / rounds.size();
    return c.admits(mean)
        ? Optional.empty()
        : Optional.of(
            String.format(Locale.ROOT, "%s mean %.4g violates %s", c.metric(), mean, c.bounds()));
  }

  /**
   * Measures the pushed configuration in windows of the policy's watch interval and returns the
   * first violation, if any.
   */
  private Optional<String> watch(CampaignSpec spec) throws InterruptedException {
    PromotionPolicy policy = spec.promotion();
    long total = policy.watch().toNanos();
    long step = policy.watchInterval().toNanos();
    // A count of windows fixed up front: a time-driven loop would end with a sliver of a window
    // too short to see a request, and read that as the runtime no longer serving.
    long windows = (total + step - 1) / step;
    for (long k = 1; k <= windows; k++) {
      Duration length = Duration.ofNanos(Math.min(step, total - (k - 1) * step));
      String where = "in watch window " + k + " of " + windows;
      Measurement m;
      try {
        m = window.measure(MeasurementSpec.of(Duration.ZERO, length));
      } catch (MeasurementException e) {
        return Optional.of("no measurement " + where + ": " + e.getMessage());
      }
      List<String> violations = new ArrayList<>();
      for (Constraint c : spec.constraints()) {
        c.violation(m).ifPresent(violations::add);
      }
      if (!violations.isEmpty()) {
        return Optional.of(String.join("; ", violations) + " " + where);
      }
    }
    return Optional.empty();
  }

  /** Puts the incumbent back after a push and records it; {@code why} becomes the cause. */
  private Deployment rollback(
      Campaign campaign, Deployment push, Configuration incumbent, String why, String evidence)
      throws ApplyFailedException {
    runtime.apply(incumbent);
    // Strictly after the push, by the store's resolution (1 µs), even when no time passed (a stop
    // at once, a manual clock): "newest first" must never tie between a push and its rollback.
    Instant at = ticker.now();
    Instant earliest = push.at().plus(1, ChronoUnit.MICROS);
    Deployment back =
        new Deployment(
            deploymentIds.get(),
            runtime.id(),
            Optional.of(campaign.id()),
            push.after(),
            incumbent,
            "rollback:" + why,
            evidence,
            at.isBefore(earliest) ? earliest : at);
    recorder.accept(back);
    return back;
  }

  /**
   * The rollback of a stop in the watch: a stop restores the runtime, and the record must say so; a
   * failure is only logged, since the stop goes on either way.
   */
  private void rollbackOnStop(Campaign campaign, Deployment push, Configuration incumbent) {
    try {
      rollback(campaign, push, incumbent, "stopped", "the campaign was stopped in the watch");
    } catch (ApplyFailedException e) {
      log.error("campaign {}: rolling back on stop failed: {}", campaign.id(), e.getMessage());
    }
  }

  /** Puts the incumbent back unless the runtime has it; returns a note when that fails. */
  private String restore(Configuration incumbent) {
    if (runtime.current().equals(incumbent)) {
      return "";
    }
    try {
      runtime.apply(incumbent);
      return "";
    } catch (ApplyFailedException e) {
      return "; restoring the incumbent failed (" + reasonName(e) + "): " + e.getMessage();
    }
  }

  private static String reasonName(ApplyFailedException e) {
    return e.reason().name().toLowerCase(Locale.ROOT);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0
        ? d.toSeconds() + " s"
        : String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
  }

  /** Builds a promoter; runtime, a window (or a measurer and a workload) and a recorder needed. */
  public static final class Builder {
    private RuntimeAdapter runtime;
    private Window window;
    private Ticker ticker = Ticker.system();
    private Consumer<Deployment> recorder;
    private Supplier<String> deploymentIds = () -> java.util.UUID.randomUUID().toString();

    public Builder runtime(RuntimeAdapter runtime) {
      this.runtime = runtime;
      return this;
    }

    /** How the runtime is measured; a campaign passes its own, open to a stop's interrupt. */
    public Builder window(Window window) {
      this.window = window;
      return this;
    }

    /** Measures with {@code measurer} under {@code workload} (the runtime must be set first). */
    public Builder measurer(Measurer measurer, Workload workload) {
      RuntimeAdapter r = Objects.requireNonNull(runtime, "set the runtime before the measurer");
      this.window = spec -> measurer.measure(r, workload, spec);
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /** Stores each deployment (and tells whoever counts them) as it is made. */
    public Builder recorder(Consumer<Deployment> recorder) {
      this.recorder = recorder;
      return this;
    }

    public Builder deploymentIds(Supplier<String> ids) {
      this.deploymentIds = ids;
      return this;
    }

    public Promoter build() {
      return new Promoter(this);
    }
  }
}
