package io.infertune.strategies;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.jenetics.DoubleChromosome;
import io.jenetics.DoubleGene;
import io.jenetics.Genotype;
import io.jenetics.Phenotype;
import io.jenetics.engine.Engine;
import io.jenetics.engine.EvolutionStart;
import io.jenetics.util.ISeq;
import io.jenetics.util.MSeq;
import io.jenetics.util.RandomRegistry;
import io.jenetics.util.Seq;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * The bridge between a Jenetics {@link Engine}, which pulls fitness values, and ask/tell, which
 * pushes them: the engine runs on a thread of its own, with a same-thread executor, and an
 * evaluator whose fitness futures {@link #tell} completes.
 *
 * <h2>Protocol</h2>
 *
 * The state below is guarded by one lock. The engine thread, in {@link #evaluate}, turns each
 * unevaluated phenotype into a configuration and a future: completed at once from {@link #memory}
 * (a configuration told before), shared with an identical request, or new and {@link #posted} for
 * {@link #ask} to hand out. It then marks itself <em>quiescent</em> and blocks, outside the lock,
 * until every future of the generation is complete. {@link #tell} completes a future; when the last
 * one of a generation completes the engine is no longer quiescent, and runs to its next
 * generation's requests.
 *
 * <p>Determinism: every public operation first waits until the engine is quiescent, so that the
 * engine's progress between two calls, and hence its use of its seeded generator, depends only on
 * the calls, never on thread timing.
 *
 * <p>When the posted requests are all handed out (the engine waits on trials not yet told), or the
 * engine is <em>stalled</em> (it ran {@value #STALL_GENERATIONS} generations in a row without
 * needing a new configuration: its population has converged onto told ones), {@code ask} fills up
 * with configurations drawn uniformly from the unvisited ones. A stalled engine resumes at the next
 * {@code tell}.
 *
 * <p>Shutdown: {@link #shutdown} completes every pending future exceptionally; the engine thread's
 * wait throws, and the thread ends.
 *
 * <h2>What varies</h2>
 *
 * The protocol is the same for every evolutionary strategy; an {@link Evolution} supplies what is
 * not: the fitness type {@code C} and how a trial maps to it, the engine's selectors and alterers,
 * and which known configurations seed the first population. {@code GeneticSearch} uses a scalar
 * fitness ({@code GeneticFitness}), {@code Nsga2Search} a Pareto one ({@code ParetoFitness}).
 *
 * @param <C> the fitness type; Jenetics reports a best phenotype by its natural order, and the
 *     {@link Evolution}'s selectors may rank by any other
 * @implNote thread-safe by the lock; the caller side is meant to be driven from one thread.
 */
final class EngineBridge<C extends Comparable<? super C>> {
  /**
   * What one evolutionary strategy chooses. {@link #configure} is called on the engine thread, the
   * others under the bridge's lock.
   *
   * @param <C> the fitness type
   */
  interface Evolution<C extends Comparable<? super C>> {
    /** The fitness of a told trial (COMPLETED, INFEASIBLE or FAILED, never ABORTED). */
    C fitness(Trial trial);

    /**
     * Sets the selectors, alterers and optimisation direction of an engine whose genotype is one
     * {@code DoubleChromosome} of {@code dimension} unit genes, one per parameter.
     */
    Engine.Builder<DoubleGene, C> configure(Engine.Builder<DoubleGene, C> builder, int dimension);

    /**
     * Of the configurations told before the first ask, those that seed the initial population, at
     * most {@code size}, best first.
     */
    List<Configuration> warmStart(Map<Configuration, C> known, int size);
  }

  /** Generations without a new configuration before the engine waits for new information. */
  static final int STALL_GENERATIONS = 50;

  private static final AtomicLong THREADS = new AtomicLong();
  private static final long JOIN_TIMEOUT_MS = 10_000;

  private final String name;
  private final SearchSpace space;
  private final Evolution<C> evolution;
  private final int populationSize;
  private final long seed;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Guarded by lock.
  private final Map<Configuration, C> memory = new LinkedHashMap<>();
  private final Map<Configuration, CompletableFuture<C>> awaiting = new HashMap<>();
  private final ArrayDeque<Configuration> posted = new ArrayDeque<>();
  private final Set<Configuration> handedOut = new HashSet<>();
  private final Visited visited;
  private final RandomGenerator fillRandom;
  private Thread thread;
  private boolean quiescent = true;
  private boolean stalled;
  private boolean closed;
  private Throwable failure;
  private long generation;
  private int staleGenerations;
  private int asked;
  private int told;
  private int requests;
  private int fills;

  /**
   * @param name the strategy's wire name, for the engine thread's name and error messages
   */
  EngineBridge(
      String name, SearchSpace space, Evolution<C> evolution, int populationSize, long seed) {
    this.name = name;
    this.space = space;
    this.evolution = evolution;
    this.populationSize = populationSize;
    this.seed = seed;
    this.visited = new Visited(space);
    // The engine thread owns Seeded.random(seed); fills draw from a stream of their own.
    this.fillRandom = Seeded.random(~seed);
  }

  List<Configuration> ask(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the " + name + " search is closed");
      }
      start();
      List<Configuration> out = new ArrayList<>(n);
      while (out.size() < n) {
        awaitQuiescent();
        if (failure != null) {
          throw new IllegalStateException("the " + name + " engine failed", failure);
        }
        Configuration c = posted.poll();
        if (c == null) {
          Optional<Configuration> fill =
              visited.next(
                  () -> space.fromUnit(Seeded.unitPoint(fillRandom, space.dimension())),
                  fillRandom);
          if (fill.isEmpty()) {
            break;
          }
          fills++;
          c = fill.get();
        }
        handedOut.add(c);
        out.add(c);
      }
      asked += out.size();
      return List.copyOf(out);
    } finally {
      lock.unlock();
    }
  }

  void tell(Trial trial) {
    lock.lock();
    try {
      told++;
      if (trial.status() == TrialStatus.RUNNING) {
        return;
      }
      Optional<Configuration> projected = Visited.project(space, trial.configuration());
      if (projected.isEmpty()) {
        return;
      }
      Configuration c = projected.get();
      awaitQuiescent();
      handedOut.remove(c);
      if (trial.status() == TrialStatus.ABORTED) {
        // No outcome: if the engine waits for it, ask for it again.
        if (awaiting.containsKey(c) && !posted.contains(c)) {
          posted.addLast(c);
        }
        return;
      }
      C fitness = evolution.fitness(trial);
      memory.put(c, fitness);
      visited.add(c);
      posted.remove(c);
      CompletableFuture<C> f = awaiting.remove(c);
      if (f != null) {
        f.complete(fitness);
        if (awaiting.isEmpty()) {
          quiescent = false; // the generation is complete: the engine runs on
        }
      }
      if (stalled) {
        stalled = false;
        quiescent = false;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  Map<String, Object> state() {
    lock.lock();
    try {
      awaitQuiescent();
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("generation", generation);
      s.put("populationSize", populationSize);
      s.put("asked", asked);
      s.put("told", told);
      s.put("requests", requests);
      s.put("fills", fills);
      s.put("remembered", memory.size());
      s.put("stalled", stalled);
      return Collections.unmodifiableMap(s);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The configurations told so far (projected onto the space) with their fitness, in the order they
   * were first told; one told twice holds its latest fitness. A copy.
   */
  Map<Configuration, C> known() {
    lock.lock();
    try {
      awaitQuiescent();
      return Collections.unmodifiableMap(new LinkedHashMap<>(memory));
    } finally {
      lock.unlock();
    }
  }

  /** The engine thread, once started. */
  Optional<Thread> thread() {
    lock.lock();
    try {
      return Optional.ofNullable(thread);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the engine: pending fitness futures complete exceptionally, the engine thread ends (this
   * waits for it, up to 10 s). Idempotent.
   */
  void shutdown() {
    Thread t;
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        CancellationException stop =
            new CancellationException("the " + name + " search was closed");
        for (CompletableFuture<C> f : awaiting.values()) {
          f.completeExceptionally(stop);
        }
        awaiting.clear();
        posted.clear();
        stalled = false;
        changed.signalAll();
      }
      t = thread;
    } finally {
      lock.unlock();
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(JOIN_TIMEOUT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Registers {@link #shutdown} to run once {@code owner} (the strategy that holds this bridge) has
   * become unreachable; {@code clean()} on the result shuts down at once, idempotently.
   */
  Cleaner.Cleanable shutdownWhenUnreachable(Object owner) {
    // The action holds this bridge, never the owner, so that the owner can become unreachable.
    return CleanerHolder.CLEANER.register(owner, this::shutdown);
  }

  private void awaitQuiescent() {
    // Bounded: the engine computes for at most STALL_GENERATIONS generations between waits.
    while (!quiescent) {
      changed.awaitUninterruptibly();
    }
  }

  /** Starts the engine thread on first use, seeding its population from the trials told so far. */
  private void start() {
    if (thread != null) {
      return;
    }
    List<Map.Entry<Configuration, C>> seeds =
        evolution.warmStart(Collections.unmodifiableMap(memory), populationSize).stream()
            .limit(populationSize)
            .map(c -> Map.entry(c, memory.get(c)))
            .toList();
    thread = new Thread(() -> run(seeds), "infertune-" + name + "-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    quiescent = false;
    thread.start();
  }

  private void run(List<Map.Entry<Configuration, C>> seeds) {
    try {
      RandomRegistry.using(Seeded.random(seed), r -> evolve(seeds));
    } catch (RuntimeException | Error e) {
      // After shutdown this is the cancellation of a pending fitness future: the normal end.
      recordUnlessClosed(e);
    } finally {
      lock.lock();
      try {
        quiescent = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void recordUnlessClosed(Throwable e) {
    lock.lock();
    try {
      if (!closed) {
        failure = e;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The engine loop, on the engine thread, inside the seeded random scope. */
  private void evolve(List<Map.Entry<Configuration, C>> seeds) {
    int d = space.dimension();
    Genotype<DoubleGene> template = Genotype.of(DoubleChromosome.of(0, 1, d));
    Engine.Builder<DoubleGene, C> builder =
        new Engine.Builder<DoubleGene, C>(this::evaluate, template)
            .executor(Runnable::run)
            .populationSize(populationSize);
    Engine<DoubleGene, C> engine = evolution.configure(builder, d).build();
    MSeq<Phenotype<DoubleGene, C>> population = MSeq.ofLength(populationSize);
    for (int i = 0; i < populationSize; i++) {
      population.set(
          i,
          i < seeds.size()
              ? Phenotype.of(encode(seeds.get(i).getKey()), 1, seeds.get(i).getValue())
              : Phenotype.of(template.newInstance(), 1));
    }
    EvolutionStart<DoubleGene, C> start = EvolutionStart.of(population.toISeq(), 1);
    while (!isClosed()) {
      start = engine.evolve(start).next();
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** The evaluator: futures for the unevaluated phenotypes, completed by {@link #tell}. */
  private ISeq<Phenotype<DoubleGene, C>> evaluate(Seq<Phenotype<DoubleGene, C>> population) {
    List<CompletableFuture<C>> futures = new ArrayList<>(population.size());
    lock.lock();
    try {
      if (closed) {
        throw new CancellationException("the " + name + " search was closed");
      }
      generation++;
      boolean waiting = false;
      for (Phenotype<DoubleGene, C> pt : population) {
        if (pt.isEvaluated()) {
          futures.add(null);
          continue;
        }
        Configuration c = space.fromUnit(decode(pt.genotype()));
        C known = memory.get(c);
        CompletableFuture<C> f;
        if (known != null) {
          f = CompletableFuture.completedFuture(known);
        } else {
          f = awaiting.get(c);
          if (f == null) {
            f = new CompletableFuture<>();
            awaiting.put(c, f);
            visited.add(c);
            // A configuration already handed out (a fill) is awaited, not asked again.
            if (!handedOut.contains(c)) {
              posted.addLast(c);
              requests++;
            }
          }
          waiting = true;
        }
        futures.add(f);
      }
      if (waiting) {
        staleGenerations = 0;
        quiescent = true;
        changed.signalAll();
      } else if (++staleGenerations >= STALL_GENERATIONS) {
        stalled = true;
        quiescent = true;
        changed.signalAll();
        while (stalled && !closed) {
          changed.awaitUninterruptibly();
        }
        if (closed) {
          throw new CancellationException("the " + name + " search was closed");
        }
        staleGenerations = 0;
      }
    } finally {
      lock.unlock();
    }
    // Outside the lock: tell() completes these.
    MSeq<Phenotype<DoubleGene, C>> out = MSeq.ofLength(population.size());
    for (int i = 0; i < population.size(); i++) {
      Phenotype<DoubleGene, C> pt = population.get(i);
      out.set(i, pt.isEvaluated() ? pt : pt.withFitness(futures.get(i).join()));
    }
    return out.toISeq();
  }

  private static double[] decode(Genotype<DoubleGene> genotype) {
    return genotype.chromosome().as(DoubleChromosome.class).toArray();
  }

  /** One cleaner (and its thread) for every evolutionary search, created on first use. */
  private static final class CleanerHolder {
    static final Cleaner CLEANER = Cleaner.create();
  }

  private Genotype<DoubleGene> encode(Configuration c) {
    double[] u = space.toUnit(c);
    DoubleGene[] genes = new DoubleGene[u.length];
    for (int i = 0; i < u.length; i++) {
      genes[i] = DoubleGene.of(Math.min(Math.max(u[i], 0), Math.nextDown(1.0)), 0, 1);
    }
    return Genotype.of(DoubleChromosome.of(genes));
  }
}
