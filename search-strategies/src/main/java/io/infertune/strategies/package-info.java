/**
 * Search strategies behind {@link io.infertune.tuner.strategy.SearchStrategy}, resolved by name in
 * one registry ({@link io.infertune.strategies.StrategyType}, exposed to the rest of the system as
 * the {@link io.infertune.strategies.Strategies} factory).
 *
 * <p>Every strategy here is deterministic for a given seed and sequence of told trials, and
 * single-threaded: one campaign drives one strategy from one thread. The genetic and nsga2 searches
 * run their Jenetics engine on a daemon thread of their own, in lock step with ask/tell; they are
 * {@link java.lang.AutoCloseable}, and closed by a cleaner when dropped unclosed.
 *
 * <p>Objectives: random, grid and sobol ignore them and accept any number; bayesian and genetic
 * optimise one and refuse several; nsga2 optimises several and returns a Pareto front ({@link
 * io.infertune.strategies.moo} measures fronts).
 */
package io.infertune.strategies;
