/**
 * Load through the OpenAI-compatible HTTP API that vLLM, llama.cpp's server, TGI, SGLang and the
 * embedded runtime speak: {@link io.infertune.runtime.openai.OpenAiClient} (embeddings,
 * completions, chat; streamed with server-sent events or not), {@link
 * io.infertune.runtime.openai.OpenAiRequestSink} (a workload's requests in, client-side {@link
 * io.infertune.runtime.openai.ClientMetrics} out: latency, time to first token, inter-token
 * latency, tokens, errors by kind), and {@link io.infertune.runtime.openai.CompositeMetricSource}
 * to read the client's measurements beside the runtime's own.
 */
package io.infertune.runtime.openai;
