package io.infertune.runtime.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process Infertune started (a server, or an attached server's reconfiguration command):
 * its output, stdout and stderr merged, is kept as the last lines of a log tail; it is stopped
 * gracefully (SIGTERM, then SIGKILL after a grace period), together with the processes it started;
 * and a JVM shutdown hook stops it if its owner never does, so that a server does not outlive the
 * Infertune that launched it (short of Infertune being killed outright).
 *
 * @implNote thread-safe.
 */
public final class ManagedProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);

  /** Longer lines are cut: one runaway line must not hold the tail's memory. */
  static final int MAX_LINE_CHARS = 4000;

  /** How long the output is read after an exit, for the last words of a dying process. */
  private static final Duration DRAIN = Duration.ofSeconds(2);

  /** How long a kill may take to show as an exit. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final String name;
  private final List<String> command;
  private final Process process;
  private final int tailLines;
  private final ArrayDeque<String> tail;
  private final Thread pump;
  private final Thread shutdownHook;
  private boolean stopped;

  /** How a stop ended. */
  public record Stopped(OptionalInt exitCode, boolean killed) {}

  private ManagedProcess(String name, List<String> command, Process process, int tailLines) {
    this.name = name;
    this.command = List.copyOf(command);
    this.process = process;
    this.tailLines = tailLines;
    this.tail = new ArrayDeque<>(Math.min(tailLines, 1024));
    this.pump =
        Thread.ofPlatform()
            .name("process-log-" + name + "-" + process.pid())
            .daemon(true)
            .unstarted(this::pumpLog);
    this.shutdownHook =
        Thread.ofPlatform()
            .name("process-stop-" + name + "-" + process.pid())
            .unstarted(() -> killTree(Duration.ofSeconds(5)));
  }

  /**
   * Starts {@code command}.
   *
   * @param name names the process in logs and thread names
   * @param environment variables added to this process's environment
   * @param tailLines how many of the last output lines to keep
   * @throws IOException when the program cannot be started (not found, not executable)
   */
  public static ManagedProcess start(
      String name,
      List<String> command,
      Map<String, String> environment,
      Optional<Path> directory,
      int tailLines)
      throws IOException {
    Objects.requireNonNull(name, "name");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    if (tailLines < 1) {
      throw new IllegalArgumentException("tailLines must be >= 1");
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(environment);
    directory.ifPresent(d -> pb.directory(d.toFile()));
    Process p = pb.start();
    // Its stdin stays open and unused: some servers stop at end of input.
    ManagedProcess mp = new ManagedProcess(name, command, p, tailLines);
    mp.pump.start();
    Runtime.getRuntime().addShutdownHook(mp.shutdownHook);
    log.info("started {} (pid {}): {}", name, p.pid(), String.join(" ", command));
    return mp;
  }

  public String name() {
    return name;
  }

  /** The arguments it was started with. */
  public List<String> command() {
    return command;
  }

  public long pid() {
    return process.pid();
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, once it has exited. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /**
   * Writes {@code input} to its stdin and closes it, for a program that reads its configuration
   * from stdin (it sees end of input after it, so that it can stop reading).
   *
   * @throws IOException when the program no longer reads (it exited)
   */
  public void sendInput(byte[] input) throws IOException {
    try (var in = process.getOutputStream()) {
      in.write(input);
    }
  }

  /** The last lines of its output, oldest first. */
  public List<String> logTail() {
    synchronized (tail) {
      return List.copyOf(tail);
    }
  }

  /**
   * Waits until it exits or {@code timeout} passes, and once it exited, until its output is read
   * (bounded), so that {@link #logTail} has its last words.
   *
   * @return the exit code, or empty when it is still running
   */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return OptionalInt.empty();
    }
    // Grandchildren that inherited the pipe can keep it open after the exit: bounded.
    pump.join(DRAIN);
    return OptionalInt.of(process.exitValue());
  }

  /**
   * Stops it: SIGTERM, then SIGKILL when it has not exited after {@code grace}; the processes it
   * started and left behind are killed too (a server's workers must not keep a GPU or a port).
   * Idempotent; does not throw, and keeps an interrupt for the caller.
   */
  public synchronized Stopped stop(Duration grace) {
    if (!stopped) {
      stopped = true;
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook is doing this stop too, harmlessly.
      }
    }
    boolean killed = killTree(grace);
    try {
      pump.join(DRAIN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Stopped(exitCode(), killed);
  }

  /** Stops it with a 10 s grace period. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }

  /** SIGTERM, wait up to {@code grace}, SIGKILL; whether the kill was needed. */
  private boolean killTree(Duration grace) {
    // Taken first: once the process is gone its children are re-parented and out of reach.
    List<ProcessHandle> descendants = process.descendants().toList();
    boolean killed = false;
    boolean interrupted = false;
    if (process.isAlive()) {
      // Through the handle: Process.destroy() also closes our end of its output pipe, and a server
      // that logs while it shuts down then dies of SIGPIPE instead, its last words lost.
      process.toHandle().destroy();
      try {
        if (!process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
          log.warn("{} (pid {}) did not stop within {}; killing it", name, pid(), grace);
          killed = true;
        }
      } catch (InterruptedException e) {
        interrupted = true;
        killed = true;
      }
      if (killed) {
        process.toHandle().destroyForcibly();
        try {
          process.waitFor(KILL_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    for (ProcessHandle d : descendants) {
      if (d.isAlive()) {
        log.info("killing {} (pid {})'s leftover child {}", name, pid(), d.pid());
        d.destroyForcibly();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return killed;
  }

  private void pumpLog() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.length() > MAX_LINE_CHARS) {
          line = line.substring(0, MAX_LINE_CHARS) + " [cut]";
        }
        log.debug("[{}] {}", name, line);
        synchronized (tail) {
          if (tail.size() == tailLines) {
            tail.removeFirst();
          }
          tail.addLast(line);
        }
      }
    } catch (IOException e) {
      // The stream closes under us when the process is killed: nothing more to read.
      log.debug("output of {} ended: {}", name, e.toString());
    }
  }

  @Override
  public String toString() {
    return "ManagedProcess[" + name + ", pid " + pid() + (isAlive() ? "" : ", exited") + "]";
  }
}
