package io.infertune.api;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.run.TuningListener;
import io.infertune.tuner.trial.Trial;
import java.io.PrintStream;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Prints a line per finished trial: its configuration, throughput, p95 latency, accuracy, the
 * window's length and precision (the objective's 95 % interval, relative), status and reason (for a
 * PRUNED trial: what made it clear that it could not win).
 */
final class ProgressPrinter implements TuningListener {
  private final PrintStream out;
  private final int maxTrials;

  ProgressPrinter(PrintStream out, int maxTrials) {
    this.out = out;
    this.maxTrials = maxTrials;
  }

  @Override
  public void trialStarted(Trial trial) {
    out.printf(
        Locale.ROOT,
        "[%2d/%d] %s %s ...%n",
        trial.number() + 1,
        maxTrials,
        trial.baseline() ? "baseline" : "trying  ",
        trial.configuration());
  }

  @Override
  public void trialFinished(Trial trial) {
    StringBuilder line = new StringBuilder();
    line.append(String.format(Locale.ROOT, "[%2d/%d]   ", trial.number() + 1, maxTrials));
    if (trial.measurement().isPresent()) {
      Measurement m = trial.measurement().get();
      line.append(
          String.format(
              Locale.ROOT,
              "%8s req/s  p95 %8s ms  accuracy %6s  cache hits %5s  ",
              format(m.value(Metrics.THROUGHPUT_RPS), "%.1f"),
              format(m.value(Metrics.LATENCY_P95_MS), "%.1f"),
              format(m.value(Metrics.ACCURACY), "%.4f"),
              format(m.value(Metrics.CACHE_HIT_RATE), "%.2f")));
      // How long the adaptive window ran and how precise it got: a pruned trial's is short.
      m.report()
          .ifPresent(
              r ->
                  line.append(
                      String.format(
                          Locale.ROOT,
                          "window %5.1f s%s  ",
                          m.window().toNanos() / 1e9,
                          r.interval()
                              .map(
                                  ci ->
                                      String.format(
                                          Locale.ROOT, " ±%.1f %%", 100 * ci.relativeHalfWidth()))
                              .orElse(""))));
    }
    line.append(trial.status());
    trial.reason().ifPresent(r -> line.append(" (").append(r).append(')'));
    out.println(line);
  }

  static String format(OptionalDouble v, String pattern) {
    return v.isPresent() ? String.format(Locale.ROOT, pattern, v.getAsDouble()) : "-";
  }
}
