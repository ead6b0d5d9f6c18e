package io.infertune.api;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * An executor that runs nothing until told: a campaign handed to it stays active (its runtime busy)
 * until {@link #runAll} runs it on the test's thread. Not thread-safe: for one test thread.
 */
final class QueuedExecutor extends AbstractExecutorService {
  private final Deque<Runnable> queue = new ArrayDeque<>();
  private boolean shutdown;

  @Override
  public void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("shut down");
    }
    queue.add(task);
  }

  /** Runs every queued task, and those they queue, in order; returns how many ran. */
  int runAll() {
    int ran = 0;
    while (!queue.isEmpty()) {
      queue.poll().run();
      ran++;
    }
    return ran;
  }

  int queued() {
    return queue.size();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = List.copyOf(queue);
    queue.clear();
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }
}
