package io.infertune.tuner.run;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.WindowMonitor;
import io.infertune.tuner.measure.WindowProgress;
import io.infertune.tuner.objective.Constraint;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A live campaign's guard: after every sampling interval, warm-up included, checks the last
 * interval on its own against the campaign's constraints (its SLO) and stops the trial at the first
 * breach. One interval is enough: under production traffic a configuration that breaks the SLO for
 * one interval has already cost users, and the campaign only tries configurations near one that
 * works. A constraint whose metric was not measured in the interval (no request completed) is not
 * judged on it.
 *
 * @implNote one trial's measuring thread; not thread-safe.
 */
final class SloGuard implements WindowMonitor {
  private final List<Constraint> constraints;
  private Optional<String> breach = Optional.empty();

  SloGuard(List<Constraint> constraints) {
    this.constraints = List.copyOf(constraints);
  }

  /** Why the guard stopped the trial; empty while it has not. */
  Optional<String> breach() {
    return breach;
  }

  @Override
  public Optional<String> check(WindowProgress progress) {
    Optional<Measurement> last = progress.lastInterval();
    if (last.isEmpty()) {
      return Optional.empty();
    }
    for (Constraint c : constraints) {
      OptionalDouble v = last.get().value(c.metric());
      if (v.isPresent() && !c.admits(v.getAsDouble())) {
        breach =
            Optional.of(
                "SLO breach "
                    + (progress.warmingUp() ? "during warm-up" : "in the window")
                    + ": "
                    + c.violation(last.get()).orElseThrow()
                    + " in one interval; incumbent restored");
        return breach;
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean everyInterval() {
    return true;
  }
}
