package io.infertune.tuner.runtime;

/**
 * The "workload" of a live campaign: Infertune sends nothing, and the runtime is measured under the
 * traffic its real clients send. A window in which no request completed is then a failed
 * measurement (there was nothing to measure), not a workload that failed to start.
 *
 * @implNote stateless and thread-safe; use {@link #INSTANCE}.
 */
public final class LiveTraffic implements Workload {
  public static final LiveTraffic INSTANCE = new LiveTraffic();

  private LiveTraffic() {}

  @Override
  public LoadSession start(RequestSink sink) {
    return new LoadSession() {
      @Override
      public long submitted() {
        return 0;
      }

      @Override
      public long failed() {
        return 0;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public String toString() {
    return "live traffic";
  }
}
