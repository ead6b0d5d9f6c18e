package io.infertune.tuner.strategy;

/** Builds a strategy by its registered name (the registry lives in search-strategies). */
public interface StrategyFactory {
  /**
   * @throws IllegalArgumentException naming the known types when {@code type} is unknown
   */
  SearchStrategy create(String type, StrategyContext context);
}
