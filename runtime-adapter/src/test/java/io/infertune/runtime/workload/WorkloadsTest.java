package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.trial.WorkloadSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkloadsTest {
  private static final long TIMEOUT_S = 60;

  /** The first requests {@code spec}'s workload sends, each answered at once. */
  private static List<InferenceRequest> firstRequests(WorkloadSpec spec) throws Exception {
    List<InferenceRequest> seen = new CopyOnWriteArrayList<>();
    CountDownLatch sent = new CountDownLatch(20);
    RequestSink answerAtOnce =
        r -> {
          seen.add(r);
          sent.countDown();
          return CompletableFuture.completedFuture(null);
        };
    var session = Workloads.from(spec).start(answerAtOnce);
    try {
      assertThat(sent.await(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    } finally {
      session.close();
    }
    return seen;
  }

  @Test
  void aSpecWithOutputLengthsSendsGenerativeRequests() throws Exception {
    WorkloadSpec spec = WorkloadSpec.closedLoop(2, 7).withTokens("uniform:20-60", "fixed:7");
    assertThat(firstRequests(spec))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.maxOutputTokens()).isEqualTo(7));
  }

  @Test
  void aSpecWithoutLengthsSendsTheCorpusAsItIs() throws Exception {
    assertThat(firstRequests(WorkloadSpec.closedLoop(2, 7)))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.maxOutputTokens()).isZero());
  }

  @Test
  void anInvalidLengthDistributionNamesItsField() {
    WorkloadSpec spec = WorkloadSpec.closedLoop(2, 7).withTokens("fixed:16", "uniform:60-20");
    assertThatThrownBy(() -> Workloads.from(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("outputTokens: length distribution 'uniform:60-20'");
  }
}
