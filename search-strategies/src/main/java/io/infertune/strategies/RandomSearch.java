package io.infertune.strategies;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Uniform random search: each parameter uniform in its own scale (logarithmic for log parameters,
 * one equal share per value for discrete ones), through {@link SearchSpace#fromUnit}, so that
 * inactive conditional parameters are left out.
 *
 * <p>The baseline every other strategy must beat, and a sound choice in itself when few parameters
 * matter (Bergstra and Bengio, 2012). Outcomes are not used, only the configurations told, so that
 * nothing is proposed twice.
 *
 * @apiNote follows the {@link SearchStrategy} contract. A configuration asked or told is never
 *     proposed again: a repeated draw is redrawn, so the distribution is the uniform one restricted
 *     to the unvisited points. In a space of at most 65,536 points, once draws keep repeating the
 *     next point is picked uniformly from the enumerated remainder, and {@code ask} returns fewer
 *     than asked only when the space is exhausted.
 * @implNote not thread-safe: one campaign drives it from one thread.
 */
public final class RandomSearch implements SearchStrategy {
  private final SearchSpace space;
  private final RandomGenerator random;
  private final Visited visited;
  private int asked;
  private int told;

  public RandomSearch(StrategyContext context) {
    this.space = context.space();
    this.random = Seeded.random(context.seed());
    this.visited = new Visited(space);
  }

  @Override
  public List<Configuration> ask(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    List<Configuration> out = new ArrayList<>(n);
    while (out.size() < n) {
      Optional<Configuration> c =
          visited.next(() -> space.fromUnit(Seeded.unitPoint(random, space.dimension())), random);
      if (c.isEmpty()) {
        break;
      }
      out.add(c.get());
    }
    asked += out.size();
    return List.copyOf(out);
  }

  @Override
  public void tell(Trial trial) {
    told++;
    // Every outcome counts, FAILED ones too: there is no point in applying them again.
    Visited.project(space, trial.configuration()).ifPresent(visited::add);
  }

  /** {@code asked}, {@code told} (every trial, foreign ones too), {@code visited} (distinct). */
  @Override
  public Map<String, Object> state() {
    return Map.of("asked", asked, "told", told, "visited", visited.size());
  }
}
