package io.infertune.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code infertune serve} in a child JVM (this JVM's java and class path, main class {@link Main})
 * on a free port: what a crash test kills with SIGKILL. The child's output is kept (its last lines)
 * for failure messages; its port comes from the line the service prints once it listens.
 */
final class ChildService implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("Infertune listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static final int TAIL_LINES = 60;

  private final Process process;
  private final int port;
  private final Deque<String> tail = new ArrayDeque<>();

  private ChildService(Path dataDir, List<String> flags, Duration readyTimeout) throws Exception {
    // -Xss4m: run from the build's class directories (not the jar) with the JVM's default 1 MB
    // stack, the service's start-up died of SIGSEGV in native code here, without an hs_err file.
    List<String> argv = new ArrayList<>(HttpRuntimes.infertune(List.of("-Xmx768m", "-Xss4m")));
    argv.addAll(List.of("serve", "--port", "0", "--data-dir", dataDir.toString()));
    argv.addAll(flags);
    process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name("child-service-output").start(() -> readOutput(listening));
    try {
      port = listening.get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
      awaitHealthy(readyTimeout);
    } catch (ExecutionException | TimeoutException | AssertionError e) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("infertune serve did not come up; its output:\n" + output(), e);
    }
  }

  /** Starts {@code infertune serve --data-dir dataDir} with {@code flags}; returns once healthy. */
  static ChildService start(Path dataDir, String... flags) throws Exception {
    return new ChildService(dataDir, List.of(flags), Duration.ofSeconds(90));
  }

  private void readOutput(CompletableFuture<Integer> listening) {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          listening.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // The child died: its pipe closed.
    }
    listening.completeExceptionally(new IOException("the child's output ended"));
  }

  private void awaitHealthy(Duration timeout) throws Exception {
    HttpJson http = new HttpJson(port);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (http.get("/health").status() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not answering yet.
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new AssertionError("no healthy /health within " + timeout);
      }
      // Polling a real child process against a deadline.
      Thread.sleep(100);
    }
  }

  int port() {
    return port;
  }

  HttpJson http() {
    return new HttpJson(port);
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL (on Unix {@link Process#destroyForcibly} is SIGKILL): no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("pid " + process.pid() + " survived SIGKILL for 30 s");
    }
  }

  String output() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
