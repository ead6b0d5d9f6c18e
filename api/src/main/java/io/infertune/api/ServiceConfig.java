package io.infertune.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the service runs.
 *
 * @param host the address to bind; 127.0.0.1 by default so that nothing outside the machine reaches
 *     an API without authentication. Any other address needs API tokens: the service refuses to
 *     start without one ({@link RefusedToStartException})
 * @param port the HTTP port; 0 picks a free one
 * @param dataDir where the H2 database and extracted model files live
 * @param security how the API is guarded beyond tokens: rate limits, {@code /metrics}
 * @param resumeInterrupted whether campaigns that a crash of the service interrupted (found RUNNING
 *     at start-up) resume by themselves once the service is up; when false they stay STOPPED until
 *     {@code POST /api/v1/campaigns/{id}/resume}. Campaigns stopped by a user or a clean shutdown
 *     never resume by themselves.
 * @param traceDir the only directory campaign specs' {@code workload.trace} files are read from (a
 *     relative trace is resolved against it; see {@link
 *     io.infertune.runtime.workload.TraceDirectory}); created at start-up when missing
 */
public record ServiceConfig(
    String host,
    int port,
    Path dataDir,
    SecurityConfig security,
    boolean resumeInterrupted,
    Path traceDir) {
  public ServiceConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(traceDir, "traceDir");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
  }

  /** Traces read from {@link #defaultTraceDir}. */
  public ServiceConfig(
      String host, int port, Path dataDir, SecurityConfig security, boolean resumeInterrupted) {
    this(host, port, dataDir, security, resumeInterrupted, defaultTraceDir(dataDir));
  }

  /** Where traces are read from unless told otherwise: {@code <dataDir>/traces}. */
  public static Path defaultTraceDir(Path dataDir) {
    return dataDir.resolve("traces");
  }

  /** This configuration, reading traces from {@code dir}. */
  public ServiceConfig withTraceDir(Path dir) {
    return new ServiceConfig(host, port, dataDir, security, resumeInterrupted, dir);
  }

  /** Resuming interrupted campaigns at start-up. */
  public ServiceConfig(String host, int port, Path dataDir, SecurityConfig security) {
    this(host, port, dataDir, security, true);
  }

  /** Without rate limits and with an open {@code /metrics} ({@link SecurityConfig#UNLIMITED}). */
  public ServiceConfig(String host, int port, Path dataDir) {
    this(host, port, dataDir, SecurityConfig.UNLIMITED);
  }
}
