package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.trial.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces are read from the traces directory only: whatever climbs, points or links out of it is
 * refused with the message a missing file gets, so that nobody learns whether a file outside
 * exists.
 */
class TraceDirectoryTest {
  private static final String TRACE = "{\"timestamp\": 0, \"input_tokens\": 8}\n";

  @TempDir Path root;
  private Path dir;
  private Path outside;
  private TraceDirectory traces;

  @BeforeEach
  void layOut() throws Exception {
    dir = Files.createDirectories(root.resolve("data/traces"));
    // A valid trace outside: were it read, it would be accepted.
    outside = Files.writeString(root.resolve("data/outside.jsonl"), TRACE);
    Files.createDirectories(dir.resolve("monday"));
    Files.writeString(dir.resolve("monday/steady.jsonl"), TRACE);
    traces = TraceDirectory.at(dir);
  }

  private String refusal(String trace) {
    return "trace: no trace file '"
        + trace
        + "' in the traces directory "
        + dir
        + " (a relative path is resolved against it; no file outside it is read)";
  }

  private void assertRefused(String trace) {
    assertThatThrownBy(() -> traces.locate(trace))
        .as(trace)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(refusal(trace));
    WorkloadSpec spec = WorkloadSpec.closedLoop(2, 7).withTrace(trace, 1);
    assertThatThrownBy(() -> Workloads.from(spec, traces)).hasMessage(refusal(trace));
  }

  @Test
  void aRelativePathThatClimbsOutIsRefused() {
    assertRefused("../outside.jsonl");
    assertRefused("../etc/passwd");
    assertRefused("monday/../../outside.jsonl");
    assertRefused("../".repeat(dir.getNameCount() + 3) + "etc/passwd");
  }

  @Test
  void anAbsolutePathOutsideIsRefusedAlikeWhetherItExistsOrNot() {
    assertRefused(outside.toString());
    assertRefused(root.resolve("data/no-such.jsonl").toString());
    assertRefused("/etc/passwd");
    assertRefused("/etc/no-such-file");
  }

  @Test
  void aLinkInsideThatLeadsOutIsRefusedAlikeWhetherItsTargetExistsOrNot() throws Exception {
    Files.createSymbolicLink(dir.resolve("link.jsonl"), outside);
    Files.createSymbolicLink(dir.resolve("dangling.jsonl"), root.resolve("data/no-such.jsonl"));
    Files.createSymbolicLink(dir.resolve("up"), root.resolve("data"));
    assertRefused("link.jsonl");
    assertRefused(dir.resolve("link.jsonl").toString());
    assertRefused("dangling.jsonl");
    assertRefused("up/outside.jsonl");
    assertRefused("up/traces/../outside.jsonl");
  }

  @Test
  void aMissingFileInsideGetsTheSameMessage() {
    assertRefused("tuesday.jsonl");
  }

  @Test
  void aGoodRelativeOrAbsolutePathInsideIsRead() throws Exception {
    Path real = dir.resolve("monday/steady.jsonl").toRealPath();
    assertThat(traces.locate("monday/steady.jsonl")).isEqualTo(real);
    assertThat(traces.locate("./monday/../monday/steady.jsonl")).isEqualTo(real);
    assertThat(traces.locate(dir.resolve("monday/steady.jsonl").toString())).isEqualTo(real);
    WorkloadSpec spec = WorkloadSpec.closedLoop(2, 7).withTrace("monday/steady.jsonl", 1);
    assertThat(Workloads.from(spec, traces)).isInstanceOf(TraceWorkload.class);
  }

  @Test
  void aLinkInsideToAFileInsideIsRead() throws Exception {
    Files.createSymbolicLink(dir.resolve("latest.jsonl"), dir.resolve("monday/steady.jsonl"));
    assertThat(traces.locate("latest.jsonl"))
        .isEqualTo(dir.resolve("monday/steady.jsonl").toRealPath());
  }

  @Test
  void theDirectoryItselfIsNoTrace() {
    assertThatThrownBy(() -> traces.locate("."))
        .hasMessage("trace: '.' is a directory, not a trace file");
    assertThatThrownBy(() -> traces.locate("monday")).hasMessageContaining("is a directory");
  }

  @Test
  void aTracesDirectoryThatIsALinkServesItsTarget() throws Exception {
    Path linked = Files.createSymbolicLink(root.resolve("linked-traces"), dir);
    TraceDirectory viaLink = TraceDirectory.at(linked);
    assertThat(viaLink.locate("monday/steady.jsonl"))
        .isEqualTo(dir.resolve("monday/steady.jsonl").toRealPath());
    assertThatThrownBy(() -> viaLink.locate("../data/outside.jsonl"))
        .hasMessageStartingWith("trace: no trace file");
  }
}
