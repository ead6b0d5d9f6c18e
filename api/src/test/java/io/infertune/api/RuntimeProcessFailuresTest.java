package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.infertune.runtime.http.HttpRuntimeAdapter;
import io.infertune.runtime.http.LaunchProfile;
import io.infertune.runtime.http.LaunchProfiles;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.ApplyFailedException.Reason;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.space.Configuration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A push the real {@code infertune runtime} refuses: a profile written for a bigger machine asks
 * for more replicas than this one has cores; the child exits with its usage error, the apply fails
 * as REJECTED with the child's own message, and the previous flags serve again.
 */
class RuntimeProcessFailuresTest {
  @Test
  void aFlagValueTheChildRefusesIsRejectedWithItsMessageAndThePreviousFlagsServeAgain()
      throws Exception {
    LaunchProfile bigMachine =
        LaunchProfiles.load(Optional.empty(), Map.of(LaunchProfiles.CORES, 64L))
            .get("infertune-runtime");
    try (HttpRuntimeAdapter a =
        ChildRuntime.builder(bigMachine).initial(Configuration.of("intra_op_threads", 1)).build()) {
      long pid = a.process().orElseThrow().pid();
      ApplyFailedException e =
          catchThrowableOfType(
              ApplyFailedException.class, () -> a.apply(Configuration.of("replicas", 64)));
      assertThat(e.reason()).isEqualTo(Reason.REJECTED);
      int cores = Runtime.getRuntime().availableProcessors();
      assertThat(e.getMessage())
          .contains("replicas=64")
          .contains(
              "Invalid value for option '--replicas': parameter 'replicas' must be in [1, "
                  + cores
                  + "], got 64");
      assertThat(a.current().get("replicas")).isEqualTo(1L);
      assertThat(a.process().orElseThrow().pid()).isNotEqualTo(pid);
      assertThat(String.join(" ", a.process().orElseThrow().command())).contains("--replicas 1 ");
      a.requests()
          .submit(InferenceRequest.embed("still serving"))
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    }
  }
}
