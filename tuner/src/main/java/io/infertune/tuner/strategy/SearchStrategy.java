package io.infertune.tuner.strategy;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.trial.Trial;
import java.util.List;
import java.util.Map;

/**
 * The algorithm of the tuning loop: proposes configurations ({@link #ask}) and learns from their
 * outcomes ({@link #tell}).
 *
 * @apiNote contract (checked by the contract test kit in tuner's test-jar):
 *     <ul>
 *       <li>every asked configuration is valid in the context's space, conditions respected;
 *       <li>the sequence is a function of the seed and the trials told;
 *       <li>{@code tell} accepts trials the strategy never proposed (a warm start from history, a
 *           baseline), FAILED and INFEASIBLE trials, PRUNED ones (a partial measurement whose
 *           objective was clearly worse than the incumbent's, or whose constraint metric was
 *           clearly out of bounds: judged by those partial values, never the incumbent), and a
 *           configuration told again (the runner re-measures its incumbent now and then);
 *       <li>no configuration is asked twice while unvisited ones remain in a finite space;
 *       <li>{@code ask} returns fewer than {@code n} (possibly none) only when the space is
 *           exhausted.
 *     </ul>
 *
 * @implNote not thread-safe: one campaign drives one strategy from one thread.
 */
public interface SearchStrategy {
  /** Up to {@code n} configurations to try next (values for the context's space only). */
  List<Configuration> ask(int n);

  /** The outcome of a trial; its configuration may hold knobs outside the space (ignored). */
  void tell(Trial trial);

  /** What the strategy knows, for the dashboard (e.g. generation number, model fit). */
  default Map<String, Object> state() {
    return Map.of();
  }
}
