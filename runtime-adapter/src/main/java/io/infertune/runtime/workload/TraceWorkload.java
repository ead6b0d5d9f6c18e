package io.infertune.runtime.workload;

import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a recorded {@link Trace} open-loop: entry {@code i} is sent {@code (t_i - t_0) / speedUp}
 * seconds after the session starts, whatever the answers do. One dispatcher sleeps on the injected
 * {@link Ticker} until each arrival (arrivals already due go out back to back, so the schedule is
 * kept on average even when sleeps overshoot); arrivals that find {@code maxOutstanding} requests
 * unanswered are dropped and counted, as in {@link CorpusWorkload}.
 *
 * <p>With {@link Builder#repeat} the trace starts over after its span plus one mean gap (so the
 * last and first entries do not arrive together), and round {@code r} asks for fresh prompts (keys
 * offset by {@code r * size}) so that a runtime's cache does not see the rounds as repeats;
 * otherwise the session stops sending after the last entry ({@link Session#awaitReplayed}).
 *
 * <p>An entry with a recorded prompt sends it; one with only {@code input_tokens} sends a prompt of
 * about that many tokens from {@link SizedPrompts}, keyed by the entry's position.
 *
 * @implNote thread-safe; a session runs one dispatcher thread (from the injected factory).
 */
public final class TraceWorkload implements Workload {
  private static final Logger log = LoggerFactory.getLogger(TraceWorkload.class);

  private final Trace trace;
  private final double speedUp;
  private final boolean repeat;
  private final SizedPrompts prompts;
  private final Ticker ticker;
  private final ThreadFactory threads;
  private final int maxOutstanding;
  private final Duration drainTimeout;
  private final long[] offsetNanos;
  private final long periodNanos;

  private TraceWorkload(Builder b) {
    this.trace = b.trace;
    this.speedUp = b.speedUp;
    this.repeat = b.repeat;
    this.prompts = b.prompts.orElseGet(() -> SizedPrompts.standard(0));
    this.ticker = b.ticker;
    this.threads =
        b.threadFactory.orElseGet(() -> Thread.ofVirtual().name("infertune-trace-", 0).factory());
    this.maxOutstanding = b.maxOutstanding;
    this.drainTimeout = b.drainTimeout;
    List<Trace.Entry> entries = trace.entries();
    double t0 = entries.getFirst().timestamp();
    offsetNanos = new long[entries.size()];
    for (int i = 0; i < offsetNanos.length; i++) {
      offsetNanos[i] = Math.round((entries.get(i).timestamp() - t0) * 1e9 / speedUp);
    }
    long span = offsetNanos[offsetNanos.length - 1];
    // A one-entry trace has no gaps: it repeats once per (scaled) second.
    long meanGap =
        offsetNanos.length > 1 ? span / (offsetNanos.length - 1) : Math.round(1e9 / speedUp);
    this.periodNanos = span + Math.max(1, meanGap);
  }

  /** A builder replaying {@code trace} at recorded speed, once, on the system clock. */
  public static Builder builder(Trace trace) {
    return new Builder(trace);
  }

  public Trace trace() {
    return trace;
  }

  /** Nanoseconds after the session's start at which entry {@code i} of round 0 is sent. */
  public long offsetNanos(int i) {
    return offsetNanos[i];
  }

  /** Nanoseconds between the starts of two rounds when repeating. */
  public long periodNanos() {
    return periodNanos;
  }

  @Override
  public Session start(RequestSink sink) {
    Objects.requireNonNull(sink, "sink");
    Session s = new Session(sink);
    s.dispatcher.start();
    return s;
  }

  private InferenceRequest request(int round, int i) {
    Trace.Entry e = trace.entries().get(i);
    String prompt =
        e.prompt()
            .orElseGet(
                () -> prompts.prompt((long) round * offsetNanos.length + i, e.inputTokens()));
    return new InferenceRequest(prompt, e.outputTokens());
  }

  /** A running replay. */
  public final class Session implements LoadSession {
    private final RequestSink sink;
    private final InFlight inFlight = new InFlight(maxOutstanding);
    private final CountDownLatch replayed = new CountDownLatch(1);
    private final Thread dispatcher;
    private volatile boolean stopped;

    private Session(RequestSink sink) {
      this.sink = sink;
      this.dispatcher = threads.newThread(this::dispatch);
    }

    private void dispatch() {
      long origin = ticker.nanos();
      try {
        for (int round = 0; !stopped; round++) {
          for (int i = 0; i < offsetNanos.length; i++) {
            long wait = origin + round * periodNanos + offsetNanos[i] - ticker.nanos();
            if (wait > 0) {
              ticker.sleep(Duration.ofNanos(wait));
            }
            if (stopped) {
              return;
            }
            if (!inFlight.dropIfFull()) {
              int r = round;
              int k = i;
              inFlight.submit(sink, () -> request(r, k));
            }
          }
          if (!repeat) {
            return;
          }
        }
      } catch (InterruptedException e) {
        // Closed while asleep.
      } finally {
        replayed.countDown();
      }
    }

    /**
     * Waits until the dispatcher has sent (or dropped) every entry, or was stopped; for a replay
     * without repeat. Real time, not the ticker's: it bounds a test or a caller's patience.
     *
     * @return false when {@code timeout} passed first
     */
    public boolean awaitReplayed(Duration timeout) throws InterruptedException {
      return replayed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public long submitted() {
      return inFlight.submitted();
    }

    @Override
    public long failed() {
      return inFlight.failed();
    }

    /** Requests answered successfully so far. */
    public long completed() {
      return inFlight.completed();
    }

    /** Arrivals dropped because too many requests were unanswered. */
    public long dropped() {
      return inFlight.dropped();
    }

    /** Requests submitted and not yet answered. */
    public long outstanding() {
      return inFlight.outstanding();
    }

    /**
     * Stops sending and waits up to the drain timeout for the requests in flight (which are then
     * left to the runtime). Idempotent.
     */
    @Override
    public void close() {
      stopped = true;
      // The dispatcher may be asleep until a far arrival: wake it.
      dispatcher.interrupt();
      long deadline = System.nanoTime() + drainTimeout.toNanos();
      try {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          dispatcher.join(Duration.ofNanos(left));
        }
        inFlight.awaitDrained(deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (inFlight.dropped() > 0) {
        log.warn(
            "trace replay dropped {} arrivals: more than {} requests were unanswered",
            inFlight.dropped(),
            maxOutstanding);
      }
    }
  }

  /** Builds a {@link TraceWorkload}; every setting but the trace has a default. */
  public static final class Builder {
    private final Trace trace;
    private double speedUp = 1;
    private boolean repeat;
    private Optional<SizedPrompts> prompts = Optional.empty();
    private Ticker ticker = Ticker.system();
    private Optional<ThreadFactory> threadFactory = Optional.empty();
    private int maxOutstanding = 10_000;
    private Duration drainTimeout = Duration.ofSeconds(10);

    private Builder(Trace trace) {
      this.trace = Objects.requireNonNull(trace, "trace");
    }

    /** Replays {@code factor} times faster than recorded (default 1; 2 halves every gap). */
    public Builder speedUp(double factor) {
      if (!(factor > 0) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException("speedUp must be positive and finite, got " + factor);
      }
      this.speedUp = factor;
      return this;
    }

    /** Starts the trace over after its end, until the session is closed (default: once). */
    public Builder repeat(boolean repeat) {
      this.repeat = repeat;
      return this;
    }

    /** Where prompts of entries without one come from (default: the standard corpus, seed 0). */
    public Builder prompts(SizedPrompts prompts) {
      this.prompts = Optional.of(prompts);
      return this;
    }

    /** The clock the dispatcher sleeps on (default {@link Ticker#system()}). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Makes the dispatcher thread (default: a virtual thread). */
    public Builder threadFactory(ThreadFactory threads) {
      this.threadFactory = Optional.of(threads);
      return this;
    }

    /** The most unanswered requests before arrivals are dropped (default 10000). */
    public Builder maxOutstanding(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxOutstanding must be >= 1, got " + max);
      }
      this.maxOutstanding = max;
      return this;
    }

    /** How long {@link LoadSession#close} waits for requests in flight (default 10 s). */
    public Builder drainTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout must not be negative");
      }
      this.drainTimeout = timeout;
      return this;
    }

    public TraceWorkload build() {
      return new TraceWorkload(this);
    }
  }
}
