package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a manual clock: bursts, the sustained rate, callers apart, bounded memory. */
class RateLimiterTest {
  private final AtomicLong nanos = new AtomicLong(1_000);

  private void advanceMillis(long ms) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  @Test
  void aBurstIsGrantedThenTheWaitForTheNextPermitIsSaid() {
    RateLimiter limiter = new RateLimiter(2, 3, nanos::get);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.tryAcquire("a")).as("request %d", i).isZero();
    }
    // Two permits a second: the next one is half a second away.
    assertThat(limiter.tryAcquire("a")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    advanceMillis(200);
    assertThat(limiter.tryAcquire("a")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    advanceMillis(300);
    assertThat(limiter.tryAcquire("a")).isZero();
    assertThat(limiter.tryAcquire("a")).isPositive();
  }

  @Test
  void theSustainedRateIsTheConfiguredOne() {
    RateLimiter limiter = new RateLimiter(10, 1, nanos::get);
    int granted = 0;
    // Ten seconds of a request every millisecond: the first, then 10 a second.
    for (int ms = 0; ms < 10_000; ms++) {
      if (limiter.tryAcquire("a") == 0) {
        granted++;
      }
      advanceMillis(1);
    }
    assertThat(granted).isBetween(100, 101);
  }

  @Test
  void aBucketNeverHoldsMoreThanTheBurst() {
    RateLimiter limiter = new RateLimiter(100, 5, nanos::get);
    advanceMillis(3_600_000);
    int granted = 0;
    while (limiter.tryAcquire("a") == 0) {
      granted++;
    }
    assertThat(granted).isEqualTo(5);
  }

  @Test
  void callersHaveBucketsOfTheirOwn() {
    RateLimiter limiter = new RateLimiter(1, 1, nanos::get);
    assertThat(limiter.tryAcquire("token a")).isZero();
    assertThat(limiter.tryAcquire("token a")).isPositive();
    assertThat(limiter.tryAcquire("token b")).isZero();
    assertThat(limiter.tryAcquire("address 127.0.0.1")).isZero();
  }

  @Test
  void fullBucketsAreDroppedWhenTooManyCallersAppear() {
    RateLimiter limiter = new RateLimiter(1000, 1, nanos::get);
    for (int i = 0; i <= RateLimiter.MAX_IDLE_BUCKETS; i++) {
      limiter.tryAcquire("address " + i);
    }
    assertThat(limiter.buckets()).isEqualTo(RateLimiter.MAX_IDLE_BUCKETS + 1);
    // A millisecond later every bucket is full again: all are dropped but the new caller's.
    advanceMillis(1);
    assertThat(limiter.tryAcquire("newcomer")).isZero();
    assertThat(limiter.buckets()).isEqualTo(1);
  }

  @Test
  void nonsenseSettingsAreRefused() {
    assertThatThrownBy(() -> new RateLimiter(0, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(Double.NaN, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(Double.POSITIVE_INFINITY, 1, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter(1, 0, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
