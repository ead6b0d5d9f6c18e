package io.infertune.runtime.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The one directory a service reads traces from ({@code serve --trace-dir}). A campaign spec's
 * {@code workload.trace} comes from whoever may start campaigns, so it must not make the service
 * open any file it can read: a relative path is resolved against this directory, and the file, once
 * normalised and with every symbolic link resolved ({@link Path#toRealPath}), must lie inside the
 * directory's own real path.
 *
 * <p>A path that is outside, or that does not exist, gets one and the same message: whether a file
 * outside exists is not the caller's to learn. Links inside the directory are followed wherever
 * they lead, and then refused if that is outside.
 *
 * @implNote immutable and thread-safe. The directory's real path is looked up on every call, so
 *     that it may be created (or moved behind a link) while the service runs. Whoever can write in
 *     the directory can place links in it between the check and the read; the directory is the
 *     operator's, and only they should.
 */
public final class TraceDirectory {
  private final Path dir;

  private TraceDirectory(Path dir) {
    this.dir = dir;
  }

  /** Traces under {@code dir} (made absolute and normalised; it need not exist yet). */
  public static TraceDirectory at(Path dir) {
    Objects.requireNonNull(dir, "dir");
    return new TraceDirectory(dir.toAbsolutePath().normalize());
  }

  public Path dir() {
    return dir;
  }

  /**
   * The real path of the trace file {@code trace} names: relative to this directory, or absolute,
   * and inside it either way.
   *
   * @throws IllegalArgumentException starting {@code "trace: "}: the same message for a file that
   *     is missing or outside the directory, another for a directory or what is no regular file
   */
  public Path locate(String trace) {
    Objects.requireNonNull(trace, "trace");
    Path real;
    try {
      Path realDir = dir.toRealPath();
      real = dir.resolve(trace).normalize().toRealPath();
      if (!real.startsWith(realDir)) {
        throw notHere(trace);
      }
    } catch (InvalidPathException | IOException e) {
      // Missing, unreadable on the way, or not a path: said as "outside" is, and the exception's
      // message (which names the real path) stays here.
      throw notHere(trace);
    }
    if (Files.isDirectory(real)) {
      throw new IllegalArgumentException("trace: '" + trace + "' is a directory, not a trace file");
    }
    if (!Files.isRegularFile(real)) {
      throw new IllegalArgumentException("trace: '" + trace + "' is not a regular file");
    }
    return real;
  }

  private IllegalArgumentException notHere(String trace) {
    return new IllegalArgumentException(
        "trace: no trace file '"
            + trace
            + "' in the traces directory "
            + dir
            + " (a relative path is resolved against it; no file outside it is read)");
  }
}
