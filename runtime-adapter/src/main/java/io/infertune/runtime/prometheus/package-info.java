/**
 * Metrics of runtimes that expose Prometheus' text format (vLLM, TGI, llama.cpp server, SGLang,
 * Infertune's own runtime process): a parser for the text exposition format 0.0.4 ({@link
 * io.infertune.runtime.prometheus.PrometheusTextParser}), a scraper ({@link
 * io.infertune.runtime.prometheus.PrometheusScraper}) and a {@link
 * io.infertune.tuner.measure.MetricSource} that maps a runtime's metric names onto Infertune's
 * ({@link io.infertune.runtime.prometheus.PrometheusMetricSource}, with one JSON {@link
 * io.infertune.runtime.prometheus.MetricMapping} per runtime kind).
 *
 * <p>Why a parser of our own: the Prometheus Java client 1.x ({@code
 * io.prometheus:prometheus-metrics-exposition-textformats}) only writes the text, OpenMetrics and
 * protobuf formats; no maintained Java library on Maven Central reads them.
 */
package io.infertune.runtime.prometheus;
