/**
 * The strategy benchmark: search strategies × {@link io.infertune.experiments.bench.Landscape}s ×
 * seeds → {@link io.infertune.experiments.bench.RunStats} with declared columns → a {@link
 * io.infertune.experiments.bench.ReportFormat} (TABLE or CSV), in the shape of Caffeine's
 * simulator. Strategies are driven through the real {@code SearchStrategy} ask/tell API; our own
 * come from {@code StrategyType} at run time, Optuna's samplers through {@link
 * io.infertune.experiments.bench.OptunaStrategy}. Entry points: {@link
 * io.infertune.experiments.bench.StrategyBenchmark} and {@link
 * io.infertune.experiments.bench.RecordEmbeddedGrid}. Results are in {@code
 * experiments/RESULTS.md}.
 */
package io.infertune.experiments.bench;
