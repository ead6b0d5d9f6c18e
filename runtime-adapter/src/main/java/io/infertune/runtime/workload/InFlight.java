package io.infertune.runtime.workload;

import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The bookkeeping of a load session: requests submitted, answered, failed and dropped, and those
 * still unanswered, which {@link #awaitDrained} waits for.
 *
 * @implNote thread-safe.
 */
final class InFlight {
  private final int maxOutstanding;
  private final LongAdder submitted = new LongAdder();
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final Object lock = new Object();
  private long outstanding;

  InFlight(int maxOutstanding) {
    this.maxOutstanding = maxOutstanding;
  }

  /**
   * True, and the arrival counted as dropped, when {@code maxOutstanding} requests are unanswered:
   * an open-loop load must not let an overloaded runtime exhaust memory.
   */
  boolean dropIfFull() {
    synchronized (lock) {
      if (outstanding < maxOutstanding) {
        return false;
      }
    }
    dropped.increment();
    return true;
  }

  /**
   * Submits the next request of {@code requests} to {@code sink} and counts its outcome when it
   * completes; empty when making or submitting it threw (counted as failed).
   */
  Optional<CompletionStage<?>> submit(RequestSink sink, Supplier<InferenceRequest> requests) {
    synchronized (lock) {
      outstanding++;
    }
    submitted.increment();
    CompletionStage<?> stage;
    try {
      stage = Objects.requireNonNull(sink.submit(requests.get()), "stage");
    } catch (RuntimeException e) {
      failed.increment();
      done();
      return Optional.empty();
    }
    stage.whenComplete(
        (r, e) -> {
          if (e == null) {
            completed.increment();
          } else {
            failed.increment();
          }
          done();
        });
    return Optional.of(stage);
  }

  private void done() {
    synchronized (lock) {
      outstanding--;
      if (outstanding == 0) {
        lock.notifyAll();
      }
    }
  }

  /** Waits until nothing is unanswered or {@link System#nanoTime()} passes {@code deadline}. */
  void awaitDrained(long deadlineNanos) throws InterruptedException {
    synchronized (lock) {
      long left;
      while (outstanding > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  long submitted() {
    return submitted.sum();
  }

  long completed() {
    return completed.sum();
  }

  long failed() {
    return failed.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  long outstanding() {
    synchronized (lock) {
      return outstanding;
    }
  }

  int maxOutstanding() {
    return maxOutstanding;
  }
}
