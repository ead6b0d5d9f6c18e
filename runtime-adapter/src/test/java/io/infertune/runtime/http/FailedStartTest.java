package io.infertune.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A start that fails is classified from the real child's exit code and log, and the last lines of
 * its log travel with the exception (and so with the trial).
 */
class FailedStartTest {
  private static ApplyFailedException start(String script, Duration readyTimeout) {
    return catchThrowableOfType(
        ApplyFailedException.class,
        () ->
            HttpRuntimeAdapter.launch(Profiles.shell(script))
                .readyTimeout(readyTimeout)
                .stopGrace(Duration.ofSeconds(1))
                .build()
                .close());
  }

  private static ApplyFailedException start(String script) {
    return start(script, Duration.ofSeconds(20));
  }

  @Test
  void cudaOutOfMemoryInTheLogIsOutOfMemory() {
    ApplyFailedException e =
        start(
            "echo 'INFO loading weights'; echo 'torch.OutOfMemoryError: CUDA out of memory. Tried"
                + " to allocate 2.00 GiB' >&2; exit 1");
    assertThat(e.reason()).isEqualTo(Reason.OUT_OF_MEMORY);
    assertThat(e.getMessage())
        .contains("sh did not start with k=1")
        .contains("out of memory (exit 1): torch.OutOfMemoryError: CUDA out of memory")
        .contains("last log lines:\nINFO loading weights\ntorch.OutOfMemoryError");
  }

  @Test
  void aJavaOutOfMemoryErrorIsOutOfMemory() {
    ApplyFailedException e =
        start(
            "echo 'Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space'; exit 1");
    assertThat(e.reason()).isEqualTo(Reason.OUT_OF_MEMORY);
  }

  @Test
  void aKillBySigkillIsOutOfMemory() {
    ApplyFailedException e = start("echo loading; kill -9 $$");
    assertThat(e.reason()).isEqualTo(Reason.OUT_OF_MEMORY);
    assertThat(e.getMessage()).contains("SIGKILL (exit 137)");
  }

  @Test
  void anArgparseErrorIsABadFlag() {
    ApplyFailedException e =
        start(
            "echo 'usage: vllm serve [model_tag] [options]' >&2; echo \"vllm serve: error:"
                + " unrecognized arguments: $0 $1\" >&2; exit 2");
    assertThat(e.reason()).isEqualTo(Reason.REJECTED);
    assertThat(e.getMessage())
        .contains(
            "the command line was refused (exit 2): vllm serve: error: unrecognized arguments: --k 1");
  }

  @Test
  void anotherExitIsACrash() {
    ApplyFailedException e = start("echo 'Segmentation fault (core dumped)' >&2; exit 139");
    assertThat(e.reason()).isEqualTo(Reason.CRASH);
    assertThat(e.getMessage()).contains("exited with code 139").contains("Segmentation fault");
  }

  @Test
  void aServerThatNeverAnswersTimesOutAndIsStopped() {
    ApplyFailedException e = start("echo 'still loading'; exec sleep 30", Duration.ofMillis(700));
    assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(e.getMessage()).contains("not ready after 0.7 s").contains("still loading");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
        .as("the child is gone")
        .isEmpty();
  }

  @Test
  void aProgramThatDoesNotExistIsACrash() {
    LaunchProfile p =
        Profiles.read(
            "x.json",
            """
            {"name": "x", "command": ["/nonexistent/bin/vllm"],
             "knobs": [{"name": "k", "type": "int", "min": 1, "max": 4, "default": 1, "flag": "--k"}],
             "metrics": {"mapping": "vllm"}, "api": {"kind": "completions", "model": "m"}}
            """);
    ApplyFailedException e =
        catchThrowableOfType(
            ApplyFailedException.class, () -> HttpRuntimeAdapter.launch(p).build().close());
    assertThat(e.reason()).isEqualTo(Reason.CRASH);
    assertThat(e.getMessage()).contains("could not start /nonexistent/bin/vllm");
  }

  @Test
  void theClassifierKnowsTheParsersOfTheRuntimes() {
    FailureClassifier c = FailureClassifier.standard();
    assertThat(c.exited(1, List.of("error: invalid argument: --bogus")).kind())
        .as("llama.cpp")
        .isEqualTo(StartFailure.Kind.BAD_FLAG);
    assertThat(c.exited(2, List.of("error: unexpected argument '--bogus' found")).kind())
        .as("clap (TGI)")
        .isEqualTo(StartFailure.Kind.BAD_FLAG);
    assertThat(c.exited(2, List.of("Unknown option: '--bogus'")).kind())
        .as("picocli (infertune runtime)")
        .isEqualTo(StartFailure.Kind.BAD_FLAG);
    assertThat(
            c.exited(
                    1,
                    List.of(
                        "ggml_backend_cuda_buffer_type_alloc_buffer: allocating 9000.00 MiB on"
                            + " device 0: cudaMalloc failed: out of memory"))
                .kind())
        .as("llama.cpp on a GPU")
        .isEqualTo(StartFailure.Kind.OUT_OF_MEMORY);
    assertThat(c.exited(2, List.of("something")).kind())
        .as("exit 2 is a usage error")
        .isEqualTo(StartFailure.Kind.BAD_FLAG);
    assertThat(c.exited(1, List.of("ValueError: bad")).kind()).isEqualTo(StartFailure.Kind.CRASH);
    assertThat(c.exited(1, List.of()).exitCode()).isEqualTo(OptionalInt.of(1));
    FailureClassifier withProfile = c.with(Profiles.builtIn("vllm").failures());
    assertThat(
            withProfile
                .exited(
                    1, List.of("pydantic_core._pydantic_core.ValidationError: 1 validation error"))
                .kind())
        .as("a profile's own patterns")
        .isEqualTo(StartFailure.Kind.BAD_FLAG);
  }
}
