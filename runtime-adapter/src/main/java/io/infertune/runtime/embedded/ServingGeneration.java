package io.infertune.runtime.embedded;

import ai.onnxruntime.OrtException;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.space.Configuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The workers of one configuration: {@code replicas} threads, each with its own session, taking
 * batches from the runtime's shared queue (the dynamic batcher).
 *
 * <p>A reconfiguration starts a new generation on the same queue, then retires the old one. A
 * retired worker finishes the batch in hand, puts back at the head of the queue a request it took
 * after retirement, and exits, releasing its session. So no request is lost or failed by a swap,
 * and none waits for longer than a batch of the old configuration.
 *
 * @implNote thread-safe; {@link #start} is called once, by the runtime under its apply lock.
 */
final class ServingGeneration {
  /** How often an idle worker looks up from the queue to see whether it was retired. */
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  final Configuration configuration;
  final ServingSettings settings;
  final ResultCache cache;
  final List<SharedModel> models;

  private final BlockingDeque<PendingRequest> queue;
  private final RuntimeMetrics metrics;
  private final Ticker ticker;
  private final CountDownLatch finished;
  private volatile boolean retired;

  ServingGeneration(
      Configuration configuration,
      ServingSettings settings,
      ResultCache cache,
      List<SharedModel> models,
      BlockingDeque<PendingRequest> queue,
      RuntimeMetrics metrics,
      Ticker ticker) {
    if (models.size() != settings.replicas()) {
      throw new IllegalArgumentException("one session per replica");
    }
    this.configuration = configuration;
    this.settings = settings;
    this.cache = cache;
    this.models = List.copyOf(models);
    this.queue = queue;
    this.metrics = metrics;
    this.ticker = ticker;
    this.finished = new CountDownLatch(models.size());
  }

  /** Starts one worker per session; each holds a reference to its session until it exits. */
  void start(ThreadFactory threads) {
    int started = 0;
    try {
      for (SharedModel m : models) {
        m.retain();
        Thread t;
        try {
          t = threads.newThread(() -> work(m));
          t.start();
        } catch (RuntimeException | Error e) {
          m.release();
          throw e;
        }
        started++;
      }
    } catch (RuntimeException | Error e) {
      // Whatever started must not serve on as an orphan: the caller keeps the old generation.
      retire();
      for (int i = started; i < models.size(); i++) {
        finished.countDown();
      }
      throw e;
    }
  }

  /** Asks the workers to stop after the batch in hand; returns at once. */
  void retire() {
    retired = true;
  }

  boolean isFinished() {
    return finished.getCount() == 0;
  }

  /** Waits until every worker has exited; returns whether they all did within {@code timeout}. */
  boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void work(SharedModel model) {
    List<PendingRequest> batch = new ArrayList<>(settings.batchSize());
    try {
      while (!retired) {
        PendingRequest first;
        try {
          first = queue.pollFirst(IDLE_POLL_NANOS, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          // Nobody interrupts these threads on purpose; retirement is the way to stop them.
          continue;
        }
        if (first == null) {
          continue;
        }
        if (retired) {
          // Taken just as the generation was retired: the next generation serves it, first.
          queue.offerFirst(first);
          break;
        }
        batch.add(first);
        fill(batch);
        serve(model.model(), batch);
        batch.clear();
      }
    } finally {
      model.release();
      finished.countDown();
    }
  }

  /**
   * Adds queued requests to {@code batch} up to the batch size, waiting at most the batch timeout
   * (measured from now, when the worker holds the first request) for more to arrive.
   */
  private void fill(List<PendingRequest> batch) {
    int max = settings.batchSize();
    if (batch.size() >= max) {
      return;
    }
    queue.drainTo(batch, max - batch.size());
    long timeout = settings.batchTimeout().toNanos();
    if (timeout <= 0) {
      return;
    }
    long deadline = System.nanoTime() + timeout;
    while (batch.size() < max && !retired) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return;
      }
      PendingRequest next;
      try {
        next = queue.pollFirst(remaining, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (next == null) {
        return;
      }
      batch.add(next);
      queue.drainTo(batch, max - batch.size());
    }
  }

  private void serve(EmbeddingModel model, List<PendingRequest> batch) {
    try {
      List<int[]> tokens = new ArrayList<>(batch.size());
      for (PendingRequest p : batch) {
        tokens.add(model.tokenizer().encode(p.input()));
      }
      float[][] vectors = model.embedTokens(tokens);
      metrics.batch(batch.size());
      long now = ticker.nanos();
      for (int i = 0; i < batch.size(); i++) {
        PendingRequest p = batch.get(i);
        int n = tokens.get(i).length;
        // The cache keeps its own copy: callers may write into the array they receive.
        cache.put(p.input(), new ResultCache.Entry(vectors[i].clone(), n));
        // Counted before completion, so that a caller who saw its answer also sees it counted.
        metrics.completed(now - p.arrivalNanos(), n);
        p.result().complete(vectors[i]);
      }
    } catch (OrtException | RuntimeException | Error e) {
      // Fail the batch, not the worker: the next batch may well succeed, and a caller must never
      // wait forever for an answer that a dead worker will not give.
      int failed = 0;
      for (PendingRequest p : batch) {
        if (p.result().completeExceptionally(e)) {
          failed++;
        }
      }
      metrics.failed(failed);
    }
  }
}
