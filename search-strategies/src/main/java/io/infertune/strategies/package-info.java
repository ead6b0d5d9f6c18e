/**
 * Search strategies behind {@link io.infertune.tuner.strategy.SearchStrategy}, resolved by name in
 * one registry ({@link io.infertune.strategies.StrategyType}, exposed to the rest of the system as
 * the {@link io.infertune.strategies.Strategies} factory).
 *
 * <p>Every strategy here is deterministic for a given seed and sequence of told trials, and
 * single-threaded: one campaign drives one strategy from one thread.
 */
package io.infertune.strategies;
