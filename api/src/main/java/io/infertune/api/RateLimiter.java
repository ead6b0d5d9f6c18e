package io.infertune.api;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets, one per caller (an API token's name, or a client address): each holds up to {@code
 * burst} permits and gains {@code permitsPerSecond} per second; a request takes one, or is refused
 * with the time until the next.
 *
 * <p>A bucket that has filled up again is the same as a new one, so buckets are dropped once full
 * whenever more than {@link #MAX_IDLE_BUCKETS} exist: a flood from many addresses cannot grow the
 * map beyond the callers active in the last {@code burst / permitsPerSecond} seconds.
 *
 * @implNote thread-safe: each bucket is updated under its own lock. Time comes from the injected
 *     monotonic nanosecond clock, so that tests need not sleep.
 */
final class RateLimiter {
  /** Buckets kept before full ones are dropped. */
  static final int MAX_IDLE_BUCKETS = 10_000;

  private static final double NANOS_PER_SECOND = 1e9;

  private final double permitsPerNano;
  private final int burst;
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param permitsPerSecond the sustained rate, > 0 and finite
   * @param burst permits a caller may spend at once, >= 1
   * @param nanoClock monotonic nanoseconds ({@link System#nanoTime} in production)
   */
  RateLimiter(double permitsPerSecond, int burst, LongSupplier nanoClock) {
    if (!(permitsPerSecond > 0) || !Double.isFinite(permitsPerSecond)) {
      throw new IllegalArgumentException(
          "permitsPerSecond must be positive and finite, got " + permitsPerSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1, got " + burst);
    }
    this.permitsPerNano = permitsPerSecond / NANOS_PER_SECOND;
    this.burst = burst;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /**
   * Takes a permit from {@code caller}'s bucket.
   *
   * @return 0 when granted; otherwise the nanoseconds until the bucket holds a permit again
   */
  long tryAcquire(String caller) {
    long now = nanoClock.getAsLong();
    if (buckets.size() > MAX_IDLE_BUCKETS) {
      buckets.values().removeIf(b -> b.isFull(now));
    }
    return buckets.computeIfAbsent(caller, k -> new Bucket(now)).tryTake(now);
  }

  /** Callers with a bucket, for tests. */
  int buckets() {
    return buckets.size();
  }

  private final class Bucket {
    private double permits = burst;
    private long refilledAt;

    Bucket(long now) {
      this.refilledAt = now;
    }

    synchronized long tryTake(long now) {
      refill(now);
      if (permits >= 1) {
        permits -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - permits) / permitsPerNano));
    }

    synchronized boolean isFull(long now) {
      refill(now);
      return permits >= burst;
    }

    private void refill(long now) {
      long elapsed = now - refilledAt;
      if (elapsed > 0) {
        permits = Math.min(burst, permits + elapsed * permitsPerNano);
        refilledAt = now;
      }
    }
  }
}
