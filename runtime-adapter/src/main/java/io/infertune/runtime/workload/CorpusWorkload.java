package io.infertune.runtime.workload;

import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.runtime.InferenceRequest;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load made of corpus sentences with Zipf-distributed repeats ({@link WorkloadSpec#zipfExponent()}
 * over {@link WorkloadSpec#distinctInputs()} inputs, the most popular being input 0).
 *
 * <ul>
 *   <li>{@link WorkloadSpec.Mode#CLOSED_LOOP}: {@code concurrency} clients, each submitting a
 *       request and waiting for its answer before the next. Throughput is what the runtime gives.
 *   <li>{@link WorkloadSpec.Mode#OPEN_LOOP}: Poisson arrivals at {@code ratePerSecond}, whatever
 *       the answers do: one dispatcher sleeps (on the injected {@link Ticker}) until each arrival
 *       and never waits for responses. Arrivals that find {@code maxOutstanding} requests
 *       unanswered are dropped and counted, so an overloaded runtime cannot exhaust memory.
 * </ul>
 *
 * <p>Each {@link #start} replays the same sequence of inputs (and arrival gaps): the seed of the
 * spec fixes them, so that trials see the same traffic. What is sent is pluggable ({@link
 * Builder#requests}): inputs to embed by default, prompts with output lengths for generative
 * runtimes ({@link GenerativeRequests}).
 *
 * @implNote thread-safe; a session runs its own threads (from the injected factory) until closed.
 */
public final class CorpusWorkload implements Workload {
  private static final Logger log = LoggerFactory.getLogger(CorpusWorkload.class);

  private final WorkloadSpec spec;
  private final DistinctInputs inputs;
  private final Ticker ticker;
  private final ThreadFactory threads;
  private final int maxOutstanding;
  private final Duration drainTimeout;
  private final RequestFactory requests;

  private CorpusWorkload(Builder b) {
    this.spec = b.spec;
    this.inputs =
        b.inputs.orElseGet(
            () -> new DistinctInputs(Corpus.standard(), b.spec.distinctInputs(), b.spec.seed()));
    if (inputs.size() != spec.distinctInputs()) {
      throw new IllegalArgumentException(
          "the spec asks for "
              + spec.distinctInputs()
              + " distinct inputs, the input set has "
              + inputs.size());
    }
    this.ticker = b.ticker;
    this.threads =
        b.threadFactory.orElseGet(() -> Thread.ofVirtual().name("infertune-load-", 0).factory());
    this.maxOutstanding = b.maxOutstanding;
    this.drainTimeout = b.drainTimeout;
    this.requests = b.requests.orElse(this::corpusStream);
  }

  /** A builder for {@code spec}'s load, with the standard corpus and the system clock. */
  public static Builder builder(WorkloadSpec spec) {
    return new Builder(spec);
  }

  public WorkloadSpec spec() {
    return spec;
  }

  public DistinctInputs inputs() {
    return inputs;
  }

  @Override
  public Session start(RequestSink sink) {
    Objects.requireNonNull(sink, "sink");
    Session s = new Session(sink);
    s.launch();
    return s;
  }

  /** Seeds for independent streams: client {@code i}'s inputs, the arrival gaps. */
  private long streamSeed(long stream) {
    // SplitMix64's finaliser spreads nearby seeds apart.
    long z = spec.seed() + (stream + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private Supplier<InferenceRequest> requests(long stream) {
    return requests.stream(streamSeed(stream));
  }

  /** The default requests: inputs to embed, ranked by popularity and drawn from Zipf. */
  private Supplier<InferenceRequest> corpusStream(long seed) {
    ZipfSampler sampler = ZipfSampler.seeded(inputs.size(), spec.zipfExponent(), seed);
    return () -> InferenceRequest.embed(inputs.get(sampler.next() - 1));
  }

  /** A running load. */
  public final class Session implements LoadSession {
    private final RequestSink sink;
    private final InFlight inFlight = new InFlight(maxOutstanding);
    private final List<Thread> running = new ArrayList<>();
    private volatile boolean stopped;

    private Session(RequestSink sink) {
      this.sink = sink;
    }

    private void launch() {
      if (spec.mode() == WorkloadSpec.Mode.CLOSED_LOOP) {
        for (int i = 0; i < spec.concurrency(); i++) {
          Supplier<InferenceRequest> s = requests(i);
          running.add(threads.newThread(() -> client(s)));
        }
      } else {
        Supplier<InferenceRequest> s = requests(0);
        PoissonArrivals gaps = PoissonArrivals.seeded(spec.ratePerSecond(), streamSeed(-2));
        running.add(threads.newThread(() -> dispatch(s, gaps)));
      }
      running.forEach(Thread::start);
    }

    /** A closed-loop client: submit, wait for the answer, repeat. */
    private void client(Supplier<InferenceRequest> requests) {
      while (!stopped) {
        Optional<CompletionStage<?>> stage = inFlight.submit(sink, requests);
        if (stage.isEmpty()) {
          continue;
        }
        try {
          stage.get().toCompletableFuture().get();
        } catch (ExecutionException e) {
          // Counted by inFlight; the client goes on with its next request.
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** The open-loop dispatcher: sleep until the next arrival, submit, never wait. */
    private void dispatch(Supplier<InferenceRequest> requests, PoissonArrivals gaps) {
      long next = ticker.nanos();
      while (!stopped) {
        next += gaps.nextGapNanos();
        long wait = next - ticker.nanos();
        try {
          // Behind schedule (wait <= 0), arrivals go out back to back: the rate is kept on
          // average even when sleeps overshoot.
          if (wait > 0) {
            ticker.sleep(Duration.ofNanos(wait));
          }
        } catch (InterruptedException e) {
          return;
        }
        if (stopped) {
          return;
        }
        if (!inFlight.dropIfFull()) {
          inFlight.submit(sink, requests);
        }
      }
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

    /** Open-loop arrivals dropped because too many requests were unanswered. */
    public long dropped() {
      return inFlight.dropped();
    }

    /** Requests submitted and not yet answered. */
    public long outstanding() {
      return inFlight.outstanding();
    }

    /**
     * Stops sending and waits up to the drain timeout for the requests in flight; clients still
     * waiting then are interrupted (their requests are left to the runtime). Idempotent.
     */
    @Override
    public void close() {
      stopped = true;
      long deadline = System.nanoTime() + drainTimeout.toNanos();
      try {
        for (Thread t : running) {
          if (spec.mode() == WorkloadSpec.Mode.OPEN_LOOP) {
            // The dispatcher may be asleep until a far arrival: wake it.
            t.interrupt();
          }
          long left = deadline - System.nanoTime();
          if (left > 0) {
            t.join(Duration.ofNanos(left));
          }
        }
        inFlight.awaitDrained(deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (Thread t : running) {
        t.interrupt();
      }
      long dropCount = inFlight.dropped();
      if (dropCount > 0) {
        log.warn(
            "open-loop load dropped {} arrivals: more than {} requests were unanswered",
            dropCount,
            maxOutstanding);
      }
    }
  }

  /** Builds a {@link CorpusWorkload}; every setting but the spec has a default. */
  public static final class Builder {
    private final WorkloadSpec spec;
    private Optional<DistinctInputs> inputs = Optional.empty();
    private Ticker ticker = Ticker.system();
    private Optional<ThreadFactory> threadFactory = Optional.empty();
    private int maxOutstanding = 10_000;
    private Duration drainTimeout = Duration.ofSeconds(10);
    private Optional<RequestFactory> requests = Optional.empty();

    private Builder(WorkloadSpec spec) {
      this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** The inputs (default: the standard corpus, expanded to the spec's distinct inputs). */
    public Builder inputs(DistinctInputs inputs) {
      this.inputs = Optional.of(inputs);
      return this;
    }

    /** The clock the open-loop dispatcher sleeps on (default {@link Ticker#system()}). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Makes the client and dispatcher threads (default: virtual threads). */
    public Builder threadFactory(ThreadFactory threads) {
      this.threadFactory = Optional.of(threads);
      return this;
    }

    /** The most unanswered open-loop requests before arrivals are dropped (default 10000). */
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

    /**
     * What each client or the dispatcher sends (default: {@linkplain #inputs inputs} to embed, with
     * Zipf-distributed repeats). Each stream gets a seed derived from the spec's, so every start
     * sends the same requests; {@link GenerativeRequests} makes prompts and output lengths.
     */
    public Builder requests(RequestFactory requests) {
      this.requests = Optional.of(requests);
      return this;
    }

    public CorpusWorkload build() {
      return new CorpusWorkload(this);
    }
  }
}
