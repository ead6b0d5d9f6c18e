/**
 * NVIDIA Triton Inference Server: one model tuned live through Triton's model-control API (a load
 * with a configuration override, explicit model-control mode), measured through Triton's {@code
 * /metrics} page and a client-side latency histogram. The entry point is {@link
 * io.infertune.runtime.triton.TritonRuntimeAdapter}.
 */
package io.infertune.runtime.triton;
