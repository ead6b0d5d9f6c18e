/**
 * Search strategies behind {@link io.infertune.tuner.strategy.SearchStrategy}, resolved by name in
 * one registry ({@link io.infertune.strategies.StrategyType}, exposed to the rest of the system as
 * the {@link io.infertune.strategies.Strategies} factory).
 *
 * <p>Every strategy here is deterministic for a given seed and sequence of told trials, and
 * single-threaded: one campaign drives one strategy from one thread. The genetic search runs its
 * Jenetics engine on a daemon thread of its own, in lock step with ask/tell; it is {@link
 * java.lang.AutoCloseable}, and closed by a cleaner when dropped unclosed.
 */
package io.infertune.strategies;
