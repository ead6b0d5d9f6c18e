package io.infertune.tuner.run;

import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reference that pruning compares newcomers against: the best configuration by its latest full
 * measurement. A configuration measured again (a re-measurement of the incumbent) is judged by the
 * newer trial only, so that when the machine drifts the reference drifts with it; a configuration
 * whose latest full measurement was infeasible is no reference at all.
 *
 * @param trial the latest full (COMPLETED) measurement of the incumbent configuration
 * @param value the objective's value in it
 */
record Incumbent(Trial trial, double value) {

  /** The incumbent among {@code trials} (in number order), if any trial was feasible. */
  static Optional<Incumbent> of(List<Trial> trials, Objective objective) {
    Map<Configuration, Trial> latest = new LinkedHashMap<>();
    for (Trial t : trials) {
      // A pruned trial's measurement is partial and never a re-measurement: it does not count.
      if (t.status() == TrialStatus.COMPLETED || t.status() == TrialStatus.INFEASIBLE) {
        latest.remove(t.configuration());
        latest.put(t.configuration(), t);
      }
    }
    Trial best = null;
    for (Trial t : latest.values()) {
      if (t.feasible()
          && (best == null
              || objective.better(
                  t.objectiveValue().getAsDouble(), best.objectiveValue().getAsDouble()))) {
        best = t;
      }
    }
    return best == null
        ? Optional.empty()
        : Optional.of(new Incumbent(best, best.objectiveValue().getAsDouble()));
  }

  /**
   * The incumbent when it is due for a re-measurement: at least {@code every} trials have finished
   * since its latest measurement. Empty when {@code every} is 0 (never) or nothing is feasible.
   */
  static Optional<Incumbent> dueForRemeasurement(
      List<Trial> trials, Objective objective, int every) {
    if (every <= 0) {
      return Optional.empty();
    }
    return of(trials, objective)
        .filter(
            inc -> trials.stream().filter(t -> t.number() > inc.trial().number()).count() >= every);
  }
}
