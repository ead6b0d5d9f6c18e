package io.infertune.runtime.workload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A recorded request trace to replay ({@link TraceWorkload}), read from JSON Lines: one object per
 * line,
 *
 * <pre>{@code
 * {"timestamp": 12.250, "input_tokens": 512, "output_tokens": 128}
 * {"timestamp": 12.301, "prompt": "Summarise ...", "output_tokens": 64}
 * }</pre>
 *
 * <p>{@code timestamp} is in seconds from any origin (epoch seconds or seconds since the trace
 * began: only the differences are used); {@code prompt} is sent as it is, {@code input_tokens} asks
 * for a generated prompt of about that many tokens (at least one of the two is required; with both,
 * the prompt is sent and the count kept); {@code output_tokens} defaults to 0 (embeddings). Other
 * members are ignored; blank lines are skipped. Entries are sorted by timestamp (stably), so a
 * trace merged from several logs replays in time order.
 *
 * @param entries in timestamp order, at least one
 */
public record Trace(List<Entry> entries) {
  private static final JsonFactory JSON = new JsonFactory();

  public Trace {
    entries = entries.stream().sorted(Comparator.comparingDouble(Entry::timestamp)).toList();
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a trace needs at least one entry");
    }
  }

  /**
   * One recorded request.
   *
   * @param timestamp seconds, from the trace's origin
   * @param prompt the prompt to send, when the trace recorded it
   * @param inputTokens the prompt's length in tokens: as recorded, or estimated from the prompt
   *     ({@link SizedPrompts#estimateTokens})
   * @param outputTokens tokens to generate (0 for an embedding)
   */
  public record Entry(
      double timestamp, Optional<String> prompt, int inputTokens, int outputTokens) {
    public Entry {
      Objects.requireNonNull(prompt, "prompt");
      if (!Double.isFinite(timestamp)) {
        throw new IllegalArgumentException("timestamp must be finite, got " + timestamp);
      }
      if (inputTokens < 0 || outputTokens < 0) {
        throw new IllegalArgumentException("token counts must be >= 0");
      }
    }
  }

  /** Seconds from the first entry to the last. */
  public double spanSeconds() {
    return entries.getLast().timestamp() - entries.getFirst().timestamp();
  }

  public int size() {
    return entries.size();
  }

  /** Reads a JSON Lines file (UTF-8). */
  public static Trace read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString());
    }
  }

  /**
   * Reads JSON Lines.
   *
   * @param origin names the trace in error messages
   * @throws IllegalArgumentException naming the line of an entry that is malformed
   */
  public static Trace read(Reader in, String origin) throws IOException {
    BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
    List<Entry> entries = new ArrayList<>();
    String line;
    int number = 0;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(entry(line));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            origin + " line " + number + ": " + e.getOriginalMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(origin + " line " + number + ": " + e.getMessage(), e);
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(origin + ": the trace has no entries");
    }
    return new Trace(entries);
  }

  private static Entry entry(String line) throws IOException {
    Double timestamp = null;
    String prompt = null;
    Integer input = null;
    int output = 0;
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("an entry must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "timestamp" -> timestamp = number(p, t, name);
          case "prompt" -> {
            if (t != JsonToken.VALUE_STRING) {
              throw new IllegalArgumentException("prompt must be a string");
            }
            prompt = p.getText();
          }
          case "input_tokens" -> input = count(p, t, name);
          case "output_tokens" -> output = count(p, t, name);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("one JSON object per line");
      }
    }
    if (timestamp == null) {
      throw new IllegalArgumentException("timestamp is missing");
    }
    if (prompt == null && input == null) {
      throw new IllegalArgumentException("an entry needs input_tokens or prompt");
    }
    int tokens = input != null ? input : SizedPrompts.estimateTokens(prompt);
    return new Entry(timestamp, Optional.ofNullable(prompt), tokens, output);
  }

  private static double number(JsonParser p, JsonToken t, String name) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new IllegalArgumentException(name + " must be a number");
    }
    return p.getDoubleValue();
  }

  private static int count(JsonParser p, JsonToken t, String name) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() > 1 << 24) {
      throw new IllegalArgumentException(name + " must be an integer in [0, 16777216]");
    }
    return p.getIntValue();
  }
}
