package io.infertune.tuner.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.schedule.Schedule;
import io.infertune.tuner.schedule.ScheduleSpec;
import io.infertune.tuner.schedule.ScheduleStore;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ScheduleStore} contract. Every schedule store's test extends this class.
 *
 * <p>Instants here are whole microseconds, the finest precision every store keeps.
 */
public abstract class ScheduleStoreContract {
  protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");
  protected static final Instant NEXT = Instant.parse("2026-03-02T02:00:00Z");

  protected ScheduleStore store;

  /** A fresh, empty store. */
  protected abstract ScheduleStore createStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** A spec whose text needs escaping everywhere: quotes, a backslash, non-ASCII, new lines. */
  public static ScheduleSpec spec() {
    return new ScheduleSpec(
        "nightly \"re-tune\" ü",
        "0 3 * * MON-FRI",
        ZoneId.of("Europe/Berlin"),
        "{\"runtime\": \"embedded\",\n \"name\": \"a\\\\b ü\", \"budget\": {\"maxTrials\": 12}}",
        true,
        true);
  }

  /** A disabled spec in another zone, without warm start, that re-tunes on drift. */
  public static ScheduleSpec otherSpec() {
    return new ScheduleSpec(
        "hourly", "0 * * * *", ZoneOffset.UTC, "{\"runtime\": \"sim\"}", false, false, true);
  }

  protected static Schedule schedule(String id, Instant createdAt) {
    return Schedule.created(id, spec(), createdAt, Optional.of(NEXT));
  }

  // ---------------------------------------------------------------------------------- create

  @Test
  void aScheduleReadsBackEqual() {
    Schedule s = Schedule.created("3f2a-9c", spec(), T0, Optional.of(NEXT));
    store.create(s);
    assertThat(store.get("3f2a-9c")).contains(s);
    assertThat(store.list()).containsExactly(s);
    assertThat(store.get("nope")).isEmpty();
  }

  @Test
  void aDisabledScheduleWithoutNextRunReadsBackEqual() {
    Schedule s = Schedule.created("s", otherSpec(), T0, Optional.empty());
    store.create(s);
    assertThat(store.get("s")).contains(s);
  }

  @Test
  void anIdIsCreatedOnce() {
    Schedule first = schedule("s", T0);
    store.create(first);
    assertThatThrownBy(() -> store.create(Schedule.created("s", otherSpec(), T0, Optional.empty())))
        .isInstanceOf(IllegalStateException.class);
    assertThat(store.list()).containsExactly(first);
  }

  @Test
  void schedulesAreListedNewestFirst() {
    store.create(schedule("b", T0));
    store.create(schedule("c", T0.plusSeconds(10)));
    store.create(schedule("a", T0.plusSeconds(5)));
    store.create(schedule("d", T0));
    assertThat(store.list()).extracting(Schedule::id).containsExactly("c", "a", "d", "b");
  }

  // ---------------------------------------------------------------------------------- update

  @Test
  void anUpdateReplacesTheSpecAndNextRunAndKeepsCreationAndLastRun() {
    store.create(schedule("s", T0));
    assertThat(store.recordStarted("s", NEXT, "c-1")).isTrue();
    assertThat(store.update("s", otherSpec(), Optional.empty())).isTrue();
    assertThat(store.get("s"))
        .contains(schedule("s", T0).started(NEXT, "c-1").withSpec(otherSpec(), Optional.empty()));

    Instant later = NEXT.plusSeconds(3600);
    assertThat(store.update("s", spec(), Optional.of(later))).isTrue();
    assertThat(store.get("s").orElseThrow().spec()).isEqualTo(spec());
    assertThat(store.get("s").orElseThrow().nextRunAt()).contains(later);
    assertThat(store.get("s").orElseThrow().lastCampaignId()).contains("c-1");
  }

  @Test
  void aDisabledSpecTakesNoNextRun() {
    store.create(schedule("s", T0));
    assertThatThrownBy(() -> store.update("s", otherSpec(), Optional.of(NEXT)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.get("s")).contains(schedule("s", T0));
  }

  @Test
  void writesToAnUnknownScheduleChangeNothing() {
    store.create(schedule("s", T0));
    assertThat(store.update("ghost", spec(), Optional.of(NEXT))).isFalse();
    assertThat(store.delete("ghost")).isFalse();
    assertThat(store.claim("ghost", NEXT, Optional.empty())).isFalse();
    assertThat(store.recordStarted("ghost", NEXT, "c")).isFalse();
    assertThat(store.recordFailed("ghost", NEXT, "busy")).isFalse();
    assertThat(store.get("ghost")).isEmpty();
    assertThat(store.list()).containsExactly(schedule("s", T0));
  }

  @Test
  void aDeletedScheduleIsGoneAndItsIdFree() {
    store.create(schedule("s", T0));
    store.create(schedule("t", T0));
    assertThat(store.delete("s")).isTrue();
    assertThat(store.delete("s")).isFalse();
    assertThat(store.get("s")).isEmpty();
    assertThat(store.list()).extracting(Schedule::id).containsExactly("t");
    store.create(schedule("s", T0.plusSeconds(1)));
    assertThat(store.get("s")).contains(schedule("s", T0.plusSeconds(1)));
  }

  // ----------------------------------------------------------------------------------- claim

  @Test
  void aDueRunIsClaimedOnce() {
    store.create(schedule("s", T0));
    Instant after = NEXT.plusSeconds(86_400);
    assertThat(store.claim("s", NEXT, Optional.of(after))).isTrue();
    assertThat(store.get("s").orElseThrow().nextRunAt()).contains(after);
    assertThat(store.claim("s", NEXT, Optional.of(after.plusSeconds(1)))).isFalse();
    assertThat(store.get("s").orElseThrow().nextRunAt()).contains(after);
    // The claim touched the next run only.
    assertThat(store.get("s")).contains(schedule("s", T0).withNextRunAt(Optional.of(after)));
  }

  @Test
  void aRunIsNotClaimedAtAnotherTimeOrWhenDisabled() {
    store.create(schedule("s", T0));
    assertThat(store.claim("s", NEXT.minusSeconds(60), Optional.of(NEXT))).isFalse();
    assertThat(store.update("s", otherSpec(), Optional.empty())).isTrue();
    assertThat(store.claim("s", NEXT, Optional.empty())).isFalse();
    assertThat(store.get("s").orElseThrow().nextRunAt()).isEmpty();
  }

  @Test
  void aClaimMayLeaveNoNextRun() {
    store.create(schedule("s", T0));
    assertThat(store.claim("s", NEXT, Optional.empty())).isTrue();
    assertThat(store.get("s").orElseThrow().nextRunAt()).isEmpty();
    assertThat(store.claim("s", NEXT, Optional.empty())).isFalse();
  }

  @Test
  void concurrentClaimsOfARunWinOnce() throws Exception {
    int runs = 8;
    int threads = 6;
    store.create(schedule("s", T0));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Instant due = NEXT;
      for (int run = 0; run < runs; run++) {
        Instant next = due.plusSeconds(3600);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          Instant d = due;
          Callable<Boolean> claim =
              () -> {
                start.await();
                return store.claim("s", d, Optional.of(next));
              };
          results.add(pool.submit(claim));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> f : results) {
          winners += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("run %d", run).isEqualTo(1);
        assertThat(store.get("s").orElseThrow().nextRunAt()).contains(next);
        due = next;
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  // ------------------------------------------------------------------------------------ runs

  @Test
  void aStartedRunIsRecordedAndClearsTheError() {
    store.create(schedule("s", T0));
    assertThat(store.recordFailed("s", NEXT, "runtime 'embedded' is busy")).isTrue();
    Schedule failed = store.get("s").orElseThrow();
    assertThat(failed.lastRunAt()).contains(NEXT);
    assertThat(failed.lastError()).contains("runtime 'embedded' is busy");
    assertThat(failed.lastCampaignId()).isEmpty();

    Instant later = NEXT.plusSeconds(86_400);
    assertThat(store.recordStarted("s", later, "c-2")).isTrue();
    assertThat(store.get("s")).contains(schedule("s", T0).started(later, "c-2"));
  }

  @Test
  void aFailedRunKeepsTheLastCampaign() {
    store.create(schedule("s", T0));
    assertThat(store.recordStarted("s", NEXT, "c-1")).isTrue();
    Instant later = NEXT.plusSeconds(86_400);
    String error = "template: \"parameters[0].name\" has no knob 'warp' ü";
    assertThat(store.recordFailed("s", later, error)).isTrue();
    assertThat(store.get("s"))
        .contains(schedule("s", T0).started(NEXT, "c-1").failed(later, error));
  }

  @Test
  void runsAreRecordedWithoutTouchingTheSpecOrNextRun() {
    store.create(schedule("s", T0));
    assertThat(store.claim("s", NEXT, Optional.of(NEXT.plusSeconds(60)))).isTrue();
    assertThat(store.recordStarted("s", NEXT, "c-1")).isTrue();
    Schedule s = store.get("s").orElseThrow();
    assertThat(s.spec()).isEqualTo(spec());
    assertThat(s.nextRunAt()).contains(NEXT.plusSeconds(60));
    assertThat(s.createdAt()).isEqualTo(T0);
  }
}
