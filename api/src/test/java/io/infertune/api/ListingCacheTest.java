package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.testkit.ManualTicker;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** When {@link ListingCache} serves a kept body, and when it builds one again. */
class ListingCacheTest {
  private final AtomicReference<Optional<Object>> version = new AtomicReference<>(Optional.of(1L));
  private final AtomicInteger builds = new AtomicInteger();

  private final ManualTicker ticker = new ManualTicker();

  private ListingCache cache(long maxBytes) {
    return new ListingCache(version::get, ticker, Duration.ofSeconds(1), maxBytes);
  }

  private String body(String text) {
    builds.incrementAndGet();
    return text;
  }

  @Test
  void aBodyIsKeptWhileTheVersionHoldsAndForAtMostMaxAge() {
    ListingCache cache = cache(1000);
    assertThat(cache.get("k", () -> body("one")).json()).isEqualTo("one");
    assertThat(cache.get("k", () -> body("two")).json()).isEqualTo("one");
    assertThat(builds).hasValue(1);

    version.set(Optional.of(2L));
    assertThat(cache.get("k", () -> body("three")).json()).isEqualTo("three");
    ticker.advance(Duration.ofMillis(999));
    assertThat(cache.get("k", () -> body("four")).json()).isEqualTo("three");
    ticker.advance(Duration.ofMillis(1));
    assertThat(cache.get("k", () -> body("five")).json()).isEqualTo("five");
    assertThat(builds).hasValue(3);
    assertThat(cache.hitsAndMisses()).containsExactly(2, 3);
  }

  @Test
  void aWriteDuringTheBuildLeavesTheBodyStale() {
    ListingCache cache = cache(1000);
    cache.get(
        "k",
        () -> {
          version.set(Optional.of(2L)); // the store changed while the body was being read
          return body("old");
        });
    assertThat(cache.get("k", () -> body("new")).json()).isEqualTo("new");
  }

  @Test
  void withoutAVersionNothingIsKept() {
    version.set(Optional.empty());
    ListingCache cache = cache(1000);
    cache.get("k", () -> body("one"));
    assertThat(cache.get("k", () -> body("two")).json()).isEqualTo("two");
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void aFailedBuildKeepsNothing() {
    ListingCache cache = cache(1000);
    assertThatThrownBy(
            () ->
                cache.get(
                    "k",
                    () -> {
                      throw ApiException.badRequest("before", "no campaign");
                    }))
        .isInstanceOf(ApiException.class);
    assertThat(cache.get("k")).isEmpty();
  }

  @Test
  void theLeastRecentlyUsedBodiesGoBeyondTheBudget() {
    ListingCache cache = cache(10);
    cache.get("a", () -> body("aaaa"));
    cache.get("b", () -> body("bbbb"));
    cache.get("a"); // a is now the most recently used
    cache.get("c", () -> body("cccc"));
    assertThat(cache.bytes()).isEqualTo(8);
    assertThat(cache.get("a")).isPresent();
    assertThat(cache.get("b")).isEmpty();
    assertThat(cache.get("c")).isPresent();
    // A body larger than the whole budget is served but not kept.
    cache.get("big", () -> body("x".repeat(11)));
    assertThat(cache.get("big")).isEmpty();
    assertThat(cache.bytes()).isEqualTo(8);
  }

  @Test
  void etagsFollowTheBytesAndIfNoneMatchComparesWeakly() {
    String etag = ListingCache.Body.of("{\"a\":1}").etag();
    assertThat(ListingCache.Body.of("{\"a\":1}").etag()).isEqualTo(etag);
    assertThat(ListingCache.Body.of("{\"a\":2}").etag()).isNotEqualTo(etag);
    assertThat(etag).startsWith("\"").endsWith("\"");
    assertThat(CampaignListings.matches(etag, etag)).isTrue();
    assertThat(CampaignListings.matches("\"x\", W/" + etag, etag)).isTrue();
    assertThat(CampaignListings.matches("*", etag)).isTrue();
    assertThat(CampaignListings.matches("\"x\"", etag)).isFalse();
    assertThat(CampaignListings.matches(null, etag)).isFalse();
  }

  @Test
  void readersThatMissDuringABuildWaitForItInsteadOfBuildingToo() throws Exception {
    ListingCache cache = cache(1000);
    java.util.concurrent.CountDownLatch building = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<String> first =
          pool.submit(
              () ->
                  cache
                      .get(
                          "k",
                          () -> {
                            building.countDown();
                            try {
                              finish.await();
                            } catch (InterruptedException e) {
                              throw new IllegalStateException(e);
                            }
                            return body("built once");
                          })
                      .json());
      building.await();
      java.util.concurrent.atomic.AtomicReference<String> second =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread reader =
          Thread.ofPlatform()
              .start(() -> second.set(cache.get("k", () -> body("built twice")).json()));
      // It parks on the first build (had it built its own, it would have ended by now).
      awaitParked(reader);
      finish.countDown();
      reader.join();
      assertThat(first.get()).isEqualTo("built once");
      assertThat(second.get()).isEqualTo("built once");
      assertThat(builds).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedBuildFailsTheReadersThatWaitedForItToo() throws Exception {
    ListingCache cache = cache(1000);
    java.util.concurrent.CountDownLatch building = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.concurrent.Future<?> first =
          pool.submit(
              () ->
                  cache.get(
                      "k",
                      () -> {
                        building.countDown();
                        try {
                          finish.await();
                        } catch (InterruptedException e) {
                          throw new IllegalStateException(e);
                        }
                        throw ApiException.badRequest("before", "no campaign 'x'");
                      }));
      building.await();
      java.util.concurrent.atomic.AtomicReference<Throwable> secondFailure =
          new java.util.concurrent.atomic.AtomicReference<>();
      Thread reader =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      cache.get("k", () -> body("x"));
                    } catch (RuntimeException e) {
                      secondFailure.set(e);
                    }
                  });
      awaitParked(reader);
      finish.countDown();
      reader.join();
      assertThatThrownBy(first::get).hasCauseInstanceOf(ApiException.class);
      assertThat(secondFailure.get()).isInstanceOf(ApiException.class);
      assertThat(builds).hasValue(0);
      assertThat(cache.get("k")).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Waits until {@code reader} parks (on the build it joined); had it built a body of its own, it
   * would have ended instead.
   */
  private static void awaitParked(Thread reader) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (reader.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(reader.getState()).isEqualTo(Thread.State.WAITING);
  }
}
