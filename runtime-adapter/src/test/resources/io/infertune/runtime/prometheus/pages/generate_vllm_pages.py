#!/usr/bin/python3
"""Writes vllm-1.txt and vllm-2.txt: two scrapes of a vLLM server's /metrics, 10 s apart.

The pages are written by prometheus_client itself (the library vLLM exposes its metrics with;
Debian's python3-prometheus-client), with the metric definitions of vLLM's V1 engine copied from
vllm/v1/metrics/loggers.py (PrometheusStatLogger: names, help texts, label names, buckets) and the
finish reasons of vllm/v1/engine/__init__.py. Like `vllm serve --data-parallel-size 2`, there are
two engines, "0" and "1", whose series a scraper must sum. The default registry's process, platform
and GC collectors are registered as vLLM's API server has them.

Traffic between the two pages (what PrometheusMetricSourceTest and the Measurer test assert):
100 requests finish (engine 0: 50 stop + 10 length, engine 1: 40 stop), 2 are aborted (engine 1)
and 1 fails (engine 0); each of the 100 has 512 prompt tokens and 128 generated tokens; the prefix
cache is queried for 51200 tokens and hits 12800. Their end-to-end latencies, over both engines:
10 in (0.3, 0.5] s, 30 in (0.5, 0.8], 40 in (0.8, 1.0], 16 in (1.0, 1.5], 4 in (1.5, 2.0].

Run: /usr/bin/python3 generate_vllm_pages.py (in this folder).
"""
from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram, GCCollector,
                               PlatformCollector, ProcessCollector, generate_latest)

MODEL = "meta-llama/Llama-3.1-8B-Instruct"
ENGINES = ["0", "1"]
FINISH_REASONS = ("stop", "length", "abort", "error", "repetition")
LABELS = ["model_name", "engine"]

registry = CollectorRegistry()
ProcessCollector(registry=registry)
PlatformCollector(registry=registry)
GCCollector(registry=registry)


def per_engine(metric):
    return {e: metric.labels(MODEL, e) for e in ENGINES}


running = per_engine(Gauge("vllm:num_requests_running",
                           "Number of requests in model execution batches.",
                           labelnames=LABELS, registry=registry))
waiting = per_engine(Gauge("vllm:num_requests_waiting",
                           "Number of requests waiting to be processed.",
                           labelnames=LABELS, registry=registry))
kv_usage = per_engine(Gauge("vllm:kv_cache_usage_perc",
                            "KV-cache usage. 1 means 100 percent usage.",
                            labelnames=LABELS, registry=registry))
prefix_queries = per_engine(Counter("vllm:prefix_cache_queries",
                                    "Prefix cache queries, in terms of number of queried tokens.",
                                    labelnames=LABELS, registry=registry))
prefix_hits = per_engine(Counter("vllm:prefix_cache_hits",
                                 "Prefix cache hits, in terms of number of cached tokens.",
                                 labelnames=LABELS, registry=registry))
preemptions = per_engine(Counter("vllm:num_preemptions",
                                 "Cumulative number of preemption from the engine.",
                                 labelnames=LABELS, registry=registry))
prompt_tokens = per_engine(Counter("vllm:prompt_tokens", "Number of prefill tokens processed.",
                                   labelnames=LABELS, registry=registry))
generation_tokens = per_engine(Counter("vllm:generation_tokens",
                                       "Number of generation tokens processed.",
                                       labelnames=LABELS, registry=registry))
success_base = Counter("vllm:request_success", "Count of successfully processed requests.",
                       labelnames=LABELS + ["finished_reason"], registry=registry)
success = {(e, r): success_base.labels(MODEL, e, r) for e in ENGINES for r in FINISH_REASONS}
ttft = per_engine(Histogram("vllm:time_to_first_token_seconds",
                            "Histogram of time to first token in seconds.",
                            buckets=[0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5,
                                     0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0,
                                     640.0, 2560.0],
                            labelnames=LABELS, registry=registry))
itl = per_engine(Histogram("vllm:inter_token_latency_seconds",
                           "Histogram of inter-token latency in seconds.",
                           buckets=[0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75,
                                    1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0],
                           labelnames=LABELS, registry=registry))
REQUEST_LATENCY_BUCKETS = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0,
                           50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0]
e2e = per_engine(Histogram("vllm:e2e_request_latency_seconds",
                           "Histogram of e2e request latency in seconds.",
                           buckets=REQUEST_LATENCY_BUCKETS, labelnames=LABELS, registry=registry))
queue = per_engine(Histogram("vllm:request_queue_time_seconds",
                             "Histogram of time spent in WAITING phase for request.",
                             buckets=REQUEST_LATENCY_BUCKETS, labelnames=LABELS,
                             registry=registry))
cache_config = Gauge("vllm:cache_config_info", "Information of the LLMEngine CacheConfig",
                     labelnames=["block_size", "cache_dtype", "enable_prefix_caching",
                                 "gpu_memory_utilization", "engine"], registry=registry)
lora = Gauge("vllm:lora_requests_info", "Running stats on lora requests.",
             labelnames=["max_lora", "waiting_lora_adapters", "running_lora_adapters"],
             registry=registry)
for e in ENGINES:
    cache_config.labels("16", "auto", "True", "0.9", e).set(1)


def finish(engine, reason, latency, n=1):
    for _ in range(n):
        success[(engine, reason)].inc()
        prompt_tokens[engine].inc(512)
        generation_tokens[engine].inc(128)
        prefix_queries[engine].inc(512)
        prefix_hits[engine].inc(128)
        e2e[engine].observe(latency)
        queue[engine].observe(latency / 10)
        ttft[engine].observe(latency / 8)
        itl[engine].observe(latency / 130)


def write(path):
    with open(path, "wb") as f:
        f.write(generate_latest(registry))


# Before the window: 60 requests (warm-up), one aborted.
finish("0", "stop", 0.7, 30)
finish("0", "length", 1.2, 10)
finish("1", "stop", 0.9, 20)
success[("0", "abort")].inc()
running["0"].set(3)
running["1"].set(2)
waiting["0"].set(0)
kv_usage["0"].set(0.125)
kv_usage["1"].set(0.0625)
lora.labels("1", "", "sql-lora,tiny").set(1.7e9)
write("vllm-1.txt")

# The window: 100 requests (latencies as in the docstring), 2 aborted, 1 failed.
finish("0", "stop", 0.4, 10)     # (0.3, 0.5]
finish("0", "stop", 0.6, 20)     # (0.5, 0.8]
finish("1", "stop", 0.75, 10)    # (0.5, 0.8]
finish("0", "stop", 0.9, 20)     # (0.8, 1.0]
finish("1", "stop", 0.95, 20)    # (0.8, 1.0]
finish("0", "length", 1.2, 10)   # (1.0, 1.5]
finish("1", "stop", 1.4, 6)      # (1.0, 1.5]
finish("1", "stop", 1.8, 4)      # (1.5, 2.0]
success[("1", "abort")].inc(2)
success[("0", "error")].inc()
running["0"].set(5)
running["1"].set(4)
waiting["1"].set(2)
kv_usage["0"].set(0.25)
write("vllm-2.txt")
