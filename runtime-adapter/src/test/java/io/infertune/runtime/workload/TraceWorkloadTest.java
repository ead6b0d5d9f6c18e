package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.testkit.ManualTicker;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TraceWorkloadTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private static final String TRACE =
      """
      {"timestamp": 100.0, "input_tokens": 26, "output_tokens": 10}
      {"timestamp": 100.5, "prompt": "What is the capital of France?", "output_tokens": 5}
      {"timestamp": 101.0, "input_tokens": 130, "output_tokens": 20}
      {"timestamp": 103.0, "input_tokens": 13, "output_tokens": 1}
      {"timestamp": 103.25, "input_tokens": 1300, "output_tokens": 0}
      """;

  private record Arrival(long nanos, InferenceRequest request) {}

  /** Records each arrival with the ticker's time and answers at once. */
  private static final class Recorder implements RequestSink {
    final ManualTicker ticker;
    final List<Arrival> arrivals = new ArrayList<>();
    final CountDownLatch enough;

    Recorder(ManualTicker ticker, int expected) {
      this.ticker = ticker;
      this.enough = new CountDownLatch(expected);
    }

    @Override
    public synchronized CompletableFuture<?> submit(InferenceRequest request) {
      arrivals.add(new Arrival(ticker.nanos(), request));
      enough.countDown();
      return CompletableFuture.completedFuture(null);
    }

    synchronized List<Arrival> arrivals() {
      return List.copyOf(arrivals);
    }
  }

  private static Trace trace(String jsonl) throws IOException {
    return Trace.read(new StringReader(jsonl), "trace");
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void entriesArriveAtTheirRecordedOffsetsDividedByTheSpeedUp() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ticker.advance(Duration.ofSeconds(5));
    long origin = ticker.nanos();
    Recorder sink = new Recorder(ticker, 5);
    TraceWorkload workload = TraceWorkload.builder(trace(TRACE)).speedUp(2).ticker(ticker).build();

    TraceWorkload.Session session = workload.start(sink);
    assertThat(session.awaitReplayed(PATIENCE)).isTrue();
    session.close();

    List<Arrival> a = sink.arrivals();
    assertThat(a.stream().map(x -> x.nanos() - origin))
        .containsExactly(0L, ms(250), ms(500), ms(1500), ms(1625));
    assertThat(a.get(1).request())
        .isEqualTo(new InferenceRequest("What is the capital of France?", 5));
    assertThat(a.stream().map(x -> x.request().maxOutputTokens())).containsExactly(10, 5, 20, 1, 0);
    // Entries with only a length get a generated prompt of about that many tokens.
    assertThat(a.stream().map(x -> x.request().input().split(" ").length))
        .containsExactly(20, 6, 100, 10, 1000);
    assertThat(session.submitted()).isEqualTo(5);
    assertThat(session.completed()).isEqualTo(5);
    assertThat(session.failed()).isZero();
  }

  @Test
  void aRepeatingReplayStartsOverAfterTheSpanAndAMeanGapWithFreshPrompts() throws Exception {
    ManualTicker ticker = new ManualTicker();
    Recorder sink = new Recorder(ticker, 7);
    String threeEntries =
        """
        {"timestamp": 10, "input_tokens": 50}
        {"timestamp": 11, "input_tokens": 50}
        {"timestamp": 12, "input_tokens": 50}
        """;
    TraceWorkload workload =
        TraceWorkload.builder(trace(threeEntries)).repeat(true).ticker(ticker).build();

    TraceWorkload.Session session = workload.start(sink);
    try {
      assertThat(sink.enough.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } finally {
      session.close();
    }

    assertThat(workload.periodNanos()).isEqualTo(ms(3000));
    List<Arrival> a = sink.arrivals().subList(0, 7);
    assertThat(a.stream().map(Arrival::nanos))
        .containsExactly(0L, ms(1000), ms(2000), ms(3000), ms(4000), ms(5000), ms(6000));
    assertThat(a.get(3).request().input()).isNotEqualTo(a.get(0).request().input());
    assertThat(a.stream().map(x -> x.request().input()).distinct()).hasSize(7);
  }

  @Test
  void arrivalsBeyondTheOutstandingCapAreDroppedAndFailuresCounted() throws Exception {
    ManualTicker ticker = new ManualTicker();
    StringBuilder ten = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      ten.append("{\"timestamp\": ").append(i).append(", \"input_tokens\": 5}\n");
    }
    TraceWorkload workload =
        TraceWorkload.builder(trace(ten.toString()))
            .ticker(ticker)
            .maxOutstanding(2)
            .drainTimeout(Duration.ofMillis(10))
            .build();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    RequestSink neverAnswers =
        r -> {
          CompletableFuture<Void> f = new CompletableFuture<>();
          pending.add(f);
          return f;
        };

    TraceWorkload.Session session = workload.start(neverAnswers);
    assertThat(session.awaitReplayed(PATIENCE)).isTrue();
    assertThat(session.submitted()).isEqualTo(2);
    assertThat(session.dropped()).isEqualTo(8);
    assertThat(session.outstanding()).isEqualTo(2);
    pending.get(0).completeExceptionally(new IllegalStateException("boom"));
    pending.get(1).complete(null);
    session.close();

    assertThat(session.failed()).isEqualTo(1);
    assertThat(session.completed()).isEqualTo(1);
    assertThat(session.outstanding()).isZero();
  }
}
