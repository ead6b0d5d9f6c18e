package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code infertune runtime}'s flags are checked against the knobs before anything loads. */
class RuntimeCommandTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new Main()).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void aKnobValueOutsideItsValuesIsAUsageErrorNamingTheFlagAndTheValues() {
    assertThat(run("runtime", "--batch-size", "3")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "Invalid value for option '--batch-size': parameter 'batch_size' must be one of [1, 2,"
                + " 4, 8, 16, 32, 64, 128], got '3'");
  }

  @Test
  void aWordWhereANumberBelongsIsAUsageError() {
    assertThat(run("runtime", "--batch-timeout-ms", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid value for option '--batch-timeout-ms'");
  }

  @Test
  void anUnknownQuantizationIsAUsageError() {
    assertThat(run("runtime", "--quantization", "int4")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Invalid value for option '--quantization'")
        .contains("int4");
  }

  @Test
  void moreReplicasThanCoresIsAUsageError() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(run("runtime", "--replicas", Integer.toString(cores + 1))).isEqualTo(2);
    assertThat(err.toString()).contains("'replicas' must be in [1, " + cores + "]");
  }

  @Test
  void anUnknownFlagIsAUsageError() {
    assertThat(run("runtime", "--max-num-seqs", "8")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option");
  }
}
