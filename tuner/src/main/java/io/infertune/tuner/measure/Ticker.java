package io.infertune.tuner.measure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Time as the tuner sees it: a monotonic clock, the wall clock, and waiting. Injected everywhere so
 * that tests run on a manual ticker and never sleep.
 */
public interface Ticker {
  /** Monotonic nanoseconds, for durations. */
  long nanos();

  /** Wall-clock time, for records. */
  Instant now();

  /** Waits for {@code d} (a manual ticker advances instead). */
  void sleep(Duration d) throws InterruptedException;

  /** The system's clocks and {@link Thread#sleep}. */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

enum SystemTicker implements Ticker {
  INSTANCE;

  private final Clock clock = Clock.systemUTC();

  @Override
  public long nanos() {
    return System.nanoTime();
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    if (d.isPositive()) {
      Thread.sleep(d);
    }
  }
}
