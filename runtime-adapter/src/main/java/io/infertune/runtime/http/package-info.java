/**
 * The {@code http} adapter: OpenAI-compatible servers (vLLM, llama.cpp server, TGI, SGLang, {@code
 * infertune runtime}) tuned through their command lines and measured through their Prometheus
 * pages.
 *
 * <ul>
 *   <li>{@link io.infertune.runtime.http.LaunchProfile}, read by {@link
 *       io.infertune.runtime.http.LaunchProfiles} from JSON (built-in resources under {@code
 *       profiles/}, and a user's directory): how to start a kind of server and how each knob
 *       becomes a flag or an environment variable;
 *   <li>{@link io.infertune.runtime.http.ManagedProcess}: a child process with a log tail and a
 *       graceful stop; {@link io.infertune.runtime.http.FailureClassifier} tells why a start failed
 *       ({@link io.infertune.runtime.http.StartFailure});
 *   <li>{@link io.infertune.runtime.http.HttpRuntimeAdapter}: the {@link
 *       io.infertune.tuner.runtime.RuntimeAdapter}, launching a server (an apply is a restart) or
 *       attaching to one (an apply is the user's command or webhook).
 * </ul>
 *
 * <p>JSON is read with jackson-core's streaming parser only, as everywhere in this module (see
 * {@code io.infertune.runtime.prometheus.MetricMapping}); processes and HTTP are the JDK's own
 * ({@link java.lang.ProcessBuilder}, {@link java.net.http.HttpClient}).
 */
package io.infertune.runtime.http;
