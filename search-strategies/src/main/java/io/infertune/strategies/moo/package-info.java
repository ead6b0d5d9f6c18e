/**
 * Measures of multi-objective results, for tests and benchmarks that compare the Pareto fronts
 * strategies find.
 */
package io.infertune.strategies.moo;
