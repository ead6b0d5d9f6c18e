package io.infertune.strategies;

import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.strategy.StrategyFactory;
import java.util.List;

/**
 * The {@link StrategyFactory} that the service wires into its campaign runner: every strategy of
 * {@link StrategyType}, by wire name.
 *
 * @implNote stateless and thread-safe; the strategies it creates are not.
 */
public final class Strategies implements StrategyFactory {

  public Strategies() {}

  /**
   * @throws IllegalArgumentException listing the known names when {@code type} is unknown, or when
   *     the strategy cannot serve the context's space
   */
  @Override
  public SearchStrategy create(String type, StrategyContext context) {
    return StrategyType.parse(type).create(context);
  }

  /** The names {@link #create} accepts, in registry order. */
  public List<String> names() {
    return StrategyType.wireNames();
  }
}
