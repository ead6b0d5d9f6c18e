package io.infertune.tuner.testkit;

import io.infertune.tuner.measure.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that never waits: {@link #sleep} advances time. Thread-safe. */
public final class ManualTicker implements Ticker {
  private final Instant origin;
  private final AtomicLong nanos = new AtomicLong();

  public ManualTicker() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public ManualTicker(Instant origin) {
    this.origin = origin;
  }

  @Override
  public long nanos() {
    return nanos.get();
  }

  @Override
  public Instant now() {
    return origin.plusNanos(nanos.get());
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    advance(d);
  }

  public void advance(Duration d) {
    if (d.isPositive()) {
      nanos.addAndGet(d.toNanos());
    }
  }
}
