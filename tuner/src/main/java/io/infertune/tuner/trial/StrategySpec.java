package io.infertune.tuner.trial;

import io.infertune.tuner.space.Names;

/**
 * Which search strategy a campaign uses.
 *
 * @param type a name the strategy registry knows, e.g. {@code random}, {@code grid}
 * @param seed makes the strategy's sequence reproducible
 */
public record StrategySpec(String type, long seed) {
  public StrategySpec {
    Names.require("strategy", type);
  }
}
