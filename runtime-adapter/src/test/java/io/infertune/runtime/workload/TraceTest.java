package io.infertune.runtime.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {
  private static Trace read(String jsonl) throws IOException {
    return Trace.read(new StringReader(jsonl), "t.jsonl");
  }

  @Test
  void entriesAreReadInTimestampOrderWithPromptsOrLengths() throws IOException {
    Trace t =
        read(
            """
            {"timestamp": 1700000002.5, "input_tokens": 512, "output_tokens": 128}

            {"timestamp": 1700000001, "prompt": "Tell me a story about a cat", "output_tokens": 64,\
             "session": "a", "extra": {"nested": [1, 2]}}
            {"timestamp": 1700000002.5, "input_tokens": 7}
            """);

    assertThat(t.size()).isEqualTo(3);
    assertThat(t.spanSeconds()).isEqualTo(1.5);
    assertThat(t.entries().get(0))
        .isEqualTo(new Trace.Entry(1700000001, Optional.of("Tell me a story about a cat"), 9, 64));
    // Equal timestamps keep their order in the file.
    assertThat(t.entries().get(1))
        .isEqualTo(new Trace.Entry(1700000002.5, Optional.empty(), 512, 128));
    assertThat(t.entries().get(2)).isEqualTo(new Trace.Entry(1700000002.5, Optional.empty(), 7, 0));
  }

  @Test
  void aMalformedEntryIsReportedWithItsLine() {
    assertThatThrownBy(() -> read("{\"timestamp\": 0, \"input_tokens\": 1}\n{\"input_tokens\": 1}"))
        .hasMessage("t.jsonl line 2: timestamp is missing");
    assertThatThrownBy(() -> read("{\"timestamp\": 0, \"output_tokens\": 3}"))
        .hasMessage("t.jsonl line 1: an entry needs input_tokens or prompt");
    assertThatThrownBy(() -> read("{\"timestamp\": 0, \"input_tokens\": -4}"))
        .hasMessageContaining("line 1: input_tokens must be an integer");
    assertThatThrownBy(() -> read("{\"timestamp\": \"noon\", \"input_tokens\": 4}"))
        .hasMessageContaining("line 1: timestamp must be a number");
    assertThatThrownBy(() -> read("\n\n{\"timestamp\": 0, \"input_tokens\": 4"))
        .hasMessageStartingWith("t.jsonl line 3: ");
    assertThatThrownBy(() -> read("[1, 2]")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> read("\n")).hasMessage("t.jsonl: the trace has no entries");
  }

  @Test
  void aTraceFileIsReadAsUtf8(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("trace.jsonl");
    Files.writeString(
        file, "{\"timestamp\": 3, \"prompt\": \"¿Qué tal? ☕\", \"output_tokens\": 2}\n");

    assertThat(Trace.read(file).entries().getFirst().prompt()).hasValue("¿Qué tal? ☕");
  }
}
