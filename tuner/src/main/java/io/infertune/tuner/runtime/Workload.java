package io.infertune.tuner.runtime;

/**
 * A source of load: an arrival process of requests with sizes and repeats.
 *
 * @implNote implementations run their own threads between {@link #start} and {@link
 *     LoadSession#close}.
 */
public interface Workload {
  /** Starts sending requests to {@code sink} until the session is closed. */
  LoadSession start(RequestSink sink);

  /** A running load. */
  interface LoadSession extends AutoCloseable {
    /** Requests submitted so far. */
    long submitted();

    /** Requests that completed exceptionally so far. */
    long failed();

    /** Stops sending and waits (bounded) for requests in flight. */
    @Override
    void close();
  }
}
