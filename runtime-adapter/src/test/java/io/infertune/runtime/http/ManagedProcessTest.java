package io.infertune.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Real child processes ({@code sh}): the log tail, graceful stops and kills. */
class ManagedProcessTest {
  private static ManagedProcess sh(String script, int tailLines) throws Exception {
    return ManagedProcess.start(
        "sh", List.of("sh", "-c", script), Map.of(), Optional.empty(), tailLines);
  }

  /** Waits (bounded) until the child has written {@code line}: its signal traps are then set. */
  private static void awaitLine(ManagedProcess p, String line) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!p.logTail().contains(line)) {
      assertThat(System.nanoTime()).as("'" + line + "' within 10 s").isLessThan(deadline);
      assertThat(p.awaitExit(Duration.ofMillis(20))).as("still running").isEmpty();
    }
  }

  @Test
  void keepsTheLastLinesOfItsOutputWithStderrMerged() throws Exception {
    try (ManagedProcess p =
        sh("i=1; while [ $i -le 500 ]; do echo \"line $i\"; i=$((i+1)); done; echo oops >&2", 10)) {
      assertThat(p.awaitExit(Duration.ofSeconds(10))).isEqualTo(OptionalInt.of(0));
      assertThat(p.logTail())
          .containsExactly(
              "line 492",
              "line 493",
              "line 494",
              "line 495",
              "line 496",
              "line 497",
              "line 498",
              "line 499",
              "line 500",
              "oops");
    }
  }

  @Test
  void aStopIsASigtermThatTheProcessMayAnswer() throws Exception {
    ManagedProcess p =
        sh("trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.05; done", 50);
    awaitLine(p, "ready");
    ManagedProcess.Stopped s = p.stop(Duration.ofSeconds(10));
    assertThat(s.killed()).isFalse();
    assertThat(s.exitCode()).isEqualTo(OptionalInt.of(0));
    assertThat(p.logTail()).contains("got TERM");
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
    ManagedProcess p = sh("trap '' TERM; echo ready; while :; do sleep 0.05; done", 50);
    awaitLine(p, "ready");
    ManagedProcess.Stopped s = p.stop(Duration.ofMillis(300));
    assertThat(s.killed()).isTrue();
    assertThat(s.exitCode()).isEqualTo(OptionalInt.of(FailureClassifier.KILLED));
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void theChildrenItLeavesBehindAreKilledToo() throws Exception {
    // sh exits on SIGTERM; its background sleep would live on, holding whatever it holds.
    ManagedProcess p = sh("sleep 30 & echo \"child $!\"; wait", 50);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (p.logTail().stream().noneMatch(l -> l.startsWith("child "))) {
      assertThat(System.nanoTime()).isLessThan(deadline);
      p.awaitExit(Duration.ofMillis(20));
    }
    long child =
        Long.parseLong(
            p.logTail().stream()
                .filter(l -> l.startsWith("child "))
                .findFirst()
                .orElseThrow()
                .substring(6));
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive)).hasValue(true);
    p.stop(Duration.ofSeconds(5));
    ProcessHandle h = ProcessHandle.of(child).orElse(null);
    if (h != null) {
      assertThat(h.onExit()).succeedsWithin(Duration.ofSeconds(10));
    }
  }

  @Test
  void stoppingTwiceIsHarmless() throws Exception {
    ManagedProcess p = sh("exit 3", 5);
    assertThat(p.awaitExit(Duration.ofSeconds(10))).isEqualTo(OptionalInt.of(3));
    assertThat(p.stop(Duration.ofSeconds(1)).exitCode()).isEqualTo(OptionalInt.of(3));
    assertThat(p.stop(Duration.ofSeconds(1)).killed()).isFalse();
  }
}
