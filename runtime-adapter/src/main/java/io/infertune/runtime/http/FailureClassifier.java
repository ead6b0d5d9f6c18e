package io.infertune.runtime.http;

import io.infertune.runtime.http.LaunchProfile.FailurePatterns;
import io.infertune.runtime.http.StartFailure.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Tells why a server's start failed, from its exit code and the last lines of its log.
 *
 * <p>In order: a line matching an out-of-memory pattern (CUDA's and cudaMalloc's "out of memory",
 * PyTorch's and Java's {@code OutOfMemoryError}, vLLM's "No available memory for the cache blocks",
 * a shell's "Killed"), then a line matching a bad-flag pattern (argparse's "unrecognized arguments"
 * and "invalid choice", clap's "unexpected argument", picocli's "Unknown option" and "Invalid value
 * for option", llama.cpp's "invalid argument"); then the exit code: 137 (SIGKILL, which is how the
 * kernel's OOM killer ends a process) is out of memory, 2 (the usage-error code of argparse, clap
 * and picocli) a bad flag; anything else is a crash. Memory comes first: a refused flag stops a
 * server before it allocates anything, so a log that shows both got past its flags.
 *
 * @implNote immutable; thread-safe.
 */
public final class FailureClassifier {
  static final List<Pattern> OUT_OF_MEMORY =
      List.of(
          Pattern.compile("(?i)out of memory"),
          Pattern.compile("OutOfMemoryError"),
          Pattern.compile("No available memory for the cache blocks"),
          Pattern.compile("(?i)not enough memory"),
          Pattern.compile("std::bad_alloc"),
          Pattern.compile("^\\s*Killed\\s*$"));

  static final List<Pattern> BAD_FLAG =
      List.of(
          Pattern.compile("unrecognized arguments"),
          Pattern.compile("invalid choice"),
          Pattern.compile("error: argument \\S+: invalid"),
          Pattern.compile("the following arguments are required"),
          Pattern.compile("error: unexpected argument"),
          Pattern.compile("error: invalid value"),
          Pattern.compile("Unknown option"),
          Pattern.compile("Invalid value for option"),
          Pattern.compile("Missing required option"),
          Pattern.compile("error: invalid argument"));

  /** The exit code of a process killed by SIGKILL (128 + 9). */
  static final int KILLED = 137;

  /** The usage-error exit code of argparse, clap and picocli. */
  static final int USAGE = 2;

  private final List<Pattern> outOfMemory;
  private final List<Pattern> badFlag;

  private FailureClassifier(List<Pattern> outOfMemory, List<Pattern> badFlag) {
    this.outOfMemory = List.copyOf(outOfMemory);
    this.badFlag = List.copyOf(badFlag);
  }

  /** The built-in patterns. */
  public static FailureClassifier standard() {
    return new FailureClassifier(OUT_OF_MEMORY, BAD_FLAG);
  }

  /** A classifier that also knows {@code extra} (a profile's own patterns). */
  public FailureClassifier with(FailurePatterns extra) {
    List<Pattern> oom = new ArrayList<>(outOfMemory);
    oom.addAll(extra.outOfMemory());
    List<Pattern> bad = new ArrayList<>(badFlag);
    bad.addAll(extra.badFlag());
    return new FailureClassifier(oom, bad);
  }

  /** Why a process that exited with {@code exitCode} during its start failed. */
  public StartFailure exited(int exitCode, List<String> logTail) {
    OptionalInt code = OptionalInt.of(exitCode);
    Optional<String> line = lastMatch(logTail, outOfMemory);
    if (line.isPresent()) {
      return new StartFailure(
          Kind.OUT_OF_MEMORY,
          "out of memory (exit " + exitCode + "): " + line.get(),
          code,
          logTail);
    }
    line = lastMatch(logTail, badFlag);
    if (line.isPresent()) {
      return new StartFailure(
          Kind.BAD_FLAG,
          "the command line was refused (exit " + exitCode + "): " + line.get(),
          code,
          logTail);
    }
    if (exitCode == KILLED) {
      return new StartFailure(
          Kind.OUT_OF_MEMORY,
          "killed by SIGKILL (exit 137), as the kernel's out-of-memory killer does",
          code,
          logTail);
    }
    if (exitCode == USAGE) {
      return new StartFailure(
          Kind.BAD_FLAG, "exit 2, the usage-error code of command-line parsers", code, logTail);
    }
    return new StartFailure(Kind.CRASH, "exited with code " + exitCode, code, logTail);
  }

  /** A process still running, but not ready, after {@code waited}. */
  public StartFailure timedOut(Duration waited, List<String> logTail) {
    return new StartFailure(
        Kind.TIMEOUT,
        "not ready after " + waited.toMillis() / 1000.0 + " s",
        OptionalInt.empty(),
        logTail);
  }

  private static Optional<String> lastMatch(List<String> lines, List<Pattern> patterns) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i);
      for (Pattern p : patterns) {
        if (p.matcher(line).find()) {
          return Optional.of(line.strip());
        }
      }
    }
    return Optional.empty();
  }
}
