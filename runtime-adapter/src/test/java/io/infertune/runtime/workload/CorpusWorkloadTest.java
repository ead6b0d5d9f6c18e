package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.runtime.embedded.EmbeddedRuntime;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CorpusWorkloadTest {
  private static final long TIMEOUT_S = 60;

  @Test
  void closedLoopClientsCompleteRequestsAgainstTheRealRuntime() throws Exception {
    WorkloadSpec spec = new WorkloadSpec(WorkloadSpec.Mode.CLOSED_LOOP, 4, 100, 200, 1.0, 11);
    CountDownLatch answered = new CountDownLatch(40);
    try (EmbeddedRuntime runtime = EmbeddedRuntime.builder().id("workload").build()) {
      RequestSink counting =
          request ->
              runtime.requests().submit(request).whenComplete((r, e) -> answered.countDown());
      Workload.LoadSession session;
      try (var s = Workloads.from(spec).start(counting)) {
        session = s;
        assertThat(answered.await(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(session.submitted()).isGreaterThanOrEqualTo(40);
      assertThat(session.failed()).isZero();
      long completedBeforeClose = ((CorpusWorkload.Session) session).completed();
      assertThat(completedBeforeClose).isEqualTo(session.submitted());
    }
  }

  @Test
  void openLoopArrivalsFollowTheRateOnTheInjectedClockAndRepeatPopularInputs() throws Exception {
    ManualTicker ticker = new ManualTicker();
    double rate = 500;
    WorkloadSpec spec = new WorkloadSpec(WorkloadSpec.Mode.OPEN_LOOP, 1, rate, 1000, 1.0, 5);
    CorpusWorkload workload = CorpusWorkload.builder(spec).ticker(ticker).build();
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    CountDownLatch arrivals = new CountDownLatch(5000);
    RequestSink answerAtOnce =
        request -> {
          seen.merge(request.input(), 1, Integer::sum);
          arrivals.countDown();
          return CompletableFuture.completedFuture(null);
        };
    CorpusWorkload.Session session = workload.start(answerAtOnce);
    assertThat(arrivals.await(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    session.close();

    long n = session.submitted();
    assertThat(n).isGreaterThanOrEqualTo(5000);
    assertThat(session.failed()).isZero();
    assertThat(session.dropped()).isZero();
    // Poisson arrivals: the elapsed (manual) time is n gaps of mean 1/rate, within a few percent.
    double meanGapSeconds = ticker.nanos() / 1e9 / n;
    assertThat(meanGapSeconds * rate).isBetween(0.94, 1.06);
    // Zipf(1) over 1000 inputs: the most popular input is about 13 % of the traffic.
    String top = workload.inputs().get(0);
    assertThat(seen.get(top) / (double) seen.values().stream().mapToInt(i -> i).sum())
        .isBetween(0.11, 0.16);
  }

  @Test
  void openLoopDropsArrivalsBeyondTheOutstandingCap() {
    CountingTicker ticker = new CountingTicker(200);
    WorkloadSpec spec = new WorkloadSpec(WorkloadSpec.Mode.OPEN_LOOP, 1, 1000, 50, 0.0, 3);
    CorpusWorkload workload =
        CorpusWorkload.builder(spec)
            .ticker(ticker)
            .maxOutstanding(5)
            .drainTimeout(Duration.ofMillis(20))
            .build();
    RequestSink neverAnswers = request -> new CompletableFuture<>();
    CorpusWorkload.Session session = workload.start(neverAnswers);
    try {
      assertThat(ticker.await(TIMEOUT_S)).isTrue();
    } finally {
      session.close();
    }
    assertThat(session.submitted()).isEqualTo(5);
    assertThat(session.outstanding()).isEqualTo(5);
    assertThat(session.dropped()).isGreaterThanOrEqualTo(150);
  }

  @Test
  void everyStartReplaysTheSameInputs() throws Exception {
    WorkloadSpec spec = new WorkloadSpec(WorkloadSpec.Mode.CLOSED_LOOP, 1, 100, 500, 1.0, 9);
    CorpusWorkload workload = CorpusWorkload.builder(spec).build();
    assertThat(firstInputs(workload)).isEqualTo(firstInputs(workload));
  }

  private static Map<Integer, String> firstInputs(CorpusWorkload workload) throws Exception {
    Map<Integer, String> inputs = new HashMap<>();
    AtomicLong count = new AtomicLong();
    CountDownLatch enough = new CountDownLatch(20);
    RequestSink recording =
        request -> {
          long i = count.getAndIncrement();
          if (i < 20) {
            synchronized (inputs) {
              inputs.put((int) i, request.input());
            }
            enough.countDown();
          }
          return CompletableFuture.completedFuture(null);
        };
    var session = workload.start(recording);
    try {
      assertThat(enough.await(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    } finally {
      session.close();
    }
    synchronized (inputs) {
      return Map.copyOf(inputs);
    }
  }

  /** A manual ticker that counts sleeps and signals after a given number of them. */
  private static final class CountingTicker implements Ticker {
    private final ManualTicker time = new ManualTicker();
    private final CountDownLatch sleeps;

    CountingTicker(int sleeps) {
      this.sleeps = new CountDownLatch(sleeps);
    }

    boolean await(long seconds) {
      try {
        return sleeps.await(seconds, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    @Override
    public long nanos() {
      return time.nanos();
    }

    @Override
    public Instant now() {
      return time.now();
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
      time.sleep(d);
      sleeps.countDown();
    }
  }
}
