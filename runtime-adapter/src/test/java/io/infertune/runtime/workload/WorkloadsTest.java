package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.trial.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void aSpecWithATraceReplaysIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("trace.jsonl");
    // 20 entries 10 ms apart, replayed 10 times faster: all out within a few milliseconds.
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      lines
          .append("{\"timestamp\": ")
          .append(i * 0.01)
          .append(", \"prompt\": \"line ")
          .append(i)
          .append("\", \"output_tokens\": 3}\n");
    }
    Files.writeString(file, lines);
    WorkloadSpec spec = WorkloadSpec.closedLoop(2, 7).withTrace(file.toString(), 10);
    assertThat(Workloads.from(spec)).isInstanceOf(TraceWorkload.class);
    List<InferenceRequest> sent = firstRequests(spec);
    assertThat(sent.get(0).input()).isEqualTo("line 0");
    assertThat(sent).allSatisfy(r -> assertThat(r.maxOutputTokens()).isEqualTo(3));
  }

  @Test
  void aMissingOrMalformedTraceNamesTheField(@TempDir Path dir) throws Exception {
    WorkloadSpec missing =
        WorkloadSpec.closedLoop(2, 7).withTrace(dir.resolve("nope.jsonl").toString(), 1);
    assertThatThrownBy(() -> Workloads.from(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("trace: no file");
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"timestamp\": 0, \"input_tokens\": 5}\n{\"input_tokens\": 5}\n");
    WorkloadSpec malformed = WorkloadSpec.closedLoop(2, 7).withTrace(bad.toString(), 1);
    assertThatThrownBy(() -> Workloads.from(malformed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("trace: ")
        .hasMessageContaining("line 2");
  }
}
