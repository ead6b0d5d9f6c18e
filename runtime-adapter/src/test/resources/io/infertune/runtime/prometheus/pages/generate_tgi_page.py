#!/usr/bin/python3
"""Writes tgi.txt: a scrape of text-generation-inference's router /metrics.

TGI's router records with the Rust `metrics` crate and renders with metrics-exporter-prometheus,
so this page follows that exporter's layout: `# TYPE` lines without `# HELP` (TGI describes no
metric), no `_total` suffix on counters, `le` written after the other labels, numbers in Rust's
`Display` form (shortest round trip, never an exponent, integers without `.0`), a blank line after
each family. Names and units are those of TGI's docs/source/reference/metrics.md; the failure
counter and its `err` label come from router/src/infer (`tgi_request_failure`, "validation",
"overloaded"); the bucket layouts from router/src/server.rs (durations: 35 buckets,
0.0001 * 1.5^k s for k = 1..35; input length: max_input_tokens / 100 * k for k = 1..100, here with
max_input_tokens = 4095).

Run: /usr/bin/python3 generate_tgi_page.py (in this folder).
"""
from decimal import Decimal
import random


def num(x):
    """Rust's f64 Display: the shortest round-trip digits, positional."""
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    return format(Decimal(repr(x)), "f")


duration_bounds = []
v = 0.0001
for _ in range(35):
    v *= 1.5
    duration_bounds.append(v)
input_bounds = [4095 / 100 * (k + 1) for k in range(100)]
token_bounds = [2048 / 100 * (k + 1) for k in range(100)]

rng = random.Random(7)
ok = 1500
durations = [rng.lognormvariate(0.3, 0.5) for _ in range(ok)]
inputs = [rng.randint(20, 1500) for _ in range(ok)]
generated = [rng.randint(1, 512) for _ in range(ok)]
per_token = [d / g for d, g in zip(durations, generated)]
queue = [d * 0.05 for d in durations]

out = []


def family(name, kind, lines):
    out.append(f"# TYPE {name} {kind}")
    out.extend(lines)
    out.append("")


def histogram(name, bounds, values, labels=""):
    lines = []
    sep = "," if labels else ""
    for b in bounds:
        lines.append(f'{name}_bucket{{{labels}{sep}le="{num(b)}"}} {sum(1 for x in values if x <= b)}')
    lines.append(f'{name}_bucket{{{labels}{sep}le="+Inf"}} {len(values)}')
    suffix = f"{{{labels}}}" if labels else ""
    lines.append(f"{name}_sum{suffix} {num(sum(values))}")
    lines.append(f"{name}_count{suffix} {len(values)}")
    family(name, "histogram", lines)


family("tgi_batch_current_max_tokens", "gauge", ["tgi_batch_current_max_tokens 24576"])
family("tgi_batch_current_size", "gauge", ["tgi_batch_current_size 12"])
family("tgi_batch_inference_count", "counter",
       ['tgi_batch_inference_count{method="prefill"} 1480',
        'tgi_batch_inference_count{method="decode"} 96012'])
family("tgi_batch_inference_success", "counter",
       ['tgi_batch_inference_success{method="prefill"} 1480',
        'tgi_batch_inference_success{method="decode"} 96012'])
family("tgi_queue_size", "gauge", ["tgi_queue_size 4"])
family("tgi_request_count", "counter", ["tgi_request_count 1519"])
histogram("tgi_request_duration", duration_bounds, durations)
family("tgi_request_failure", "counter",
       ['tgi_request_failure{err="validation"} 12', 'tgi_request_failure{err="overloaded"} 3'])
histogram("tgi_request_generated_tokens", token_bounds, generated)
histogram("tgi_request_input_length", input_bounds, inputs)
histogram("tgi_request_mean_time_per_token_duration", duration_bounds, per_token)
histogram("tgi_request_queue_duration", duration_bounds, queue)
family("tgi_request_success", "counter", [f"tgi_request_success {ok}"])

with open("tgi.txt", "w") as f:
    f.write("\n".join(out) + "\n")
print("durations sum", sum(durations), "inputs", sum(inputs), "generated", sum(generated))
