package io.infertune.runtime.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.trial.WorkloadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Workloads from campaign specs. */
public final class Workloads {
  private Workloads() {}

  /**
   * The load {@code spec} describes, over the standard corpus, on the system clock and virtual
   * threads: {@link #generative} requests when the spec gives token lengths, else the corpus'
   * inputs as they are. A trace is read from wherever its path points, relative to the working
   * directory: for local tools run by the trace's owner ({@code infertune demo}, experiments); the
   * service reads specs from its callers and uses {@link #from(WorkloadSpec, TraceDirectory)}.
   *
   * @throws IllegalArgumentException when the spec asks for more distinct inputs than the corpus
   *     can give ({@link DistinctInputs#capacity}), a length distribution is invalid, or the trace
   *     cannot be read (naming the field)
   */
  public static Workload from(WorkloadSpec spec) {
    if (spec.trace().isPresent()) {
      return trace(spec, anywhere(spec.trace().orElseThrow()));
    }
    return fromCorpus(spec);
  }

  /**
   * As {@link #from(WorkloadSpec)}, reading a trace only from {@code traces} ({@link
   * TraceDirectory#locate}): a path outside it, or a link that leads out, is refused with the same
   * message as a missing file.
   */
  public static Workload from(WorkloadSpec spec, TraceDirectory traces) {
    if (spec.trace().isPresent()) {
      return trace(spec, traces.locate(spec.trace().orElseThrow()));
    }
    return fromCorpus(spec);
  }

  private static Workload fromCorpus(WorkloadSpec spec) {
    if (spec.generative()) {
      return generative(
          spec,
          lengths("promptTokens", spec.promptTokens().orElseThrow()),
          lengths("outputTokens", spec.outputTokens().orElseThrow()));
    }
    return CorpusWorkload.builder(spec).build();
  }

  /** The file {@code trace} names, wherever it is. */
  private static Path anywhere(String trace) {
    Path file;
    try {
      file = Path.of(trace);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("trace: not a path: " + e.getMessage(), e);
    }
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException("trace: " + file.toAbsolutePath() + " is a directory");
    }
    return file;
  }

  /**
   * The spec's trace, read now: a missing or malformed file fails here, naming the field. A line
   * that is not JSON is reported by its number only: the parser's message quotes the text, and a
   * path to a file that is no trace must not show its content to whoever named it.
   */
  private static TraceWorkload trace(WorkloadSpec spec, Path file) {
    try {
      return trace(file, spec.traceSpeedUp());
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("trace: no file " + file.toAbsolutePath(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("trace: cannot read " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof JsonProcessingException) {
        String where = e.getMessage().replaceFirst("^(.* line \\d+): .*$", "$1");
        throw new IllegalArgumentException(
            "trace: " + where + ": not a JSON object (one trace entry per line)", e);
      }
      throw new IllegalArgumentException("trace: " + e.getMessage(), e);
    }
  }

  private static LengthDistribution lengths(String field, String text) {
    try {
      return LengthDistribution.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  /**
   * Load for a generative runtime: {@code spec}'s arrivals (closed or open loop) of prompts over
   * the standard corpus with lengths from {@code promptTokens}, each asking for a length from
   * {@code outputTokens}; the prompt's key repeats as the spec's Zipf law over its distinct inputs.
   */
  public static CorpusWorkload generative(
      WorkloadSpec spec, LengthDistribution promptTokens, LengthDistribution outputTokens) {
    return CorpusWorkload.builder(spec)
        .requests(
            new GenerativeRequests(
                SizedPrompts.standard(spec.seed()),
                promptTokens,
                outputTokens,
                spec.distinctInputs(),
                spec.zipfExponent()))
        .build();
  }

  /**
   * Replays the JSON Lines trace in {@code file} ({@link Trace}) {@code speedUp} times faster than
   * recorded, starting over at its end, on the system clock.
   *
   * @throws IllegalArgumentException naming the line of a malformed entry
   */
  public static TraceWorkload trace(Path file, double speedUp) throws IOException {
    return TraceWorkload.builder(Trace.read(file)).speedUp(speedUp).repeat(true).build();
  }
}
