package io.infertune.strategies;

import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.jenetics.DoubleChromosome;
import io.jenetics.DoubleGene;
import io.jenetics.EliteSelector;
import io.jenetics.Genotype;
import io.jenetics.Phenotype;
import io.jenetics.TournamentSelector;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Engine;
import io.jenetics.engine.EvolutionStart;
import io.jenetics.util.ISeq;
import io.jenetics.util.MSeq;
import io.jenetics.util.RandomRegistry;
import io.jenetics.util.Seq;
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
 * @implNote thread-safe by the lock; the caller side is meant to be driven from one thread.
 */
final class GeneticEngine {
  /** Generations without a new configuration before the engine waits for new information. */
  static final int STALL_GENERATIONS = 50;

  private static final AtomicLong THREADS = new AtomicLong();
  private static final long JOIN_TIMEOUT_MS = 10_000;

  private final SearchSpace space;
  private final Direction direction;
  private final List<Constraint> constraints;
  private final int populationSize;
  private final long seed;
  private final double mutationProbability;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  // Guarded by lock.
  private final Map<Configuration, GeneticFitness> memory = new LinkedHashMap<>();
  private final Map<Configuration, CompletableFuture<GeneticFitness>> awaiting = new HashMap<>();
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
  private Optional<Configuration> best = Optional.empty();

  GeneticEngine(
      SearchSpace space,
      Direction direction,
      List<Constraint> constraints,
      int populationSize,
      long seed) {
    this.space = space;
    this.direction = direction;
    this.constraints = List.copyOf(constraints);
    this.populationSize = populationSize;
    this.seed = seed;
    this.mutationProbability = Math.max(0.2, 1.0 / space.dimension());
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
        throw new IllegalStateException("the genetic search is closed");
      }
      start();
      List<Configuration> out = new ArrayList<>(n);
      while (out.size() < n) {
        awaitQuiescent();
        if (failure != null) {
          throw new IllegalStateException("the genetic engine failed", failure);
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
      GeneticFitness fitness = GeneticFitness.of(trial, direction, constraints);
      memory.put(c, fitness);
      visited.add(c);
      posted.remove(c);
      if (best.isEmpty() || fitness.compareTo(memory.get(best.get())) > 0) {
        best = Optional.of(c);
      }
      CompletableFuture<GeneticFitness> f = awaiting.remove(c);
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
      best.ifPresent(
          c -> {
            GeneticFitness f = memory.get(c);
            if (f.tier() == GeneticFitness.FEASIBLE) {
              s.put("best", direction.oriented(f.primary()));
              s.put("bestConfiguration", c.toString());
            }
          });
      return Collections.unmodifiableMap(s);
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
        CancellationException stop = new CancellationException("the genetic search was closed");
        for (CompletableFuture<GeneticFitness> f : awaiting.values()) {
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
    List<Map.Entry<Configuration, GeneticFitness>> seeds =
        memory.entrySet().stream()
            .sorted(Map.Entry.<Configuration, GeneticFitness>comparingByValue().reversed())
            .limit(populationSize)
            .map(e -> Map.entry(e.getKey(), e.getValue()))
            .toList();
    thread = new Thread(() -> run(seeds), "infertune-genetic-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    quiescent = false;
    thread.start();
  }

  private void run(List<Map.Entry<Configuration, GeneticFitness>> seeds) {
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
  private void evolve(List<Map.Entry<Configuration, GeneticFitness>> seeds) {
    int d = space.dimension();
    Genotype<DoubleGene> template = Genotype.of(DoubleChromosome.of(0, 1, d));
    Engine<DoubleGene, GeneticFitness> engine =
        new Engine.Builder<>(this::evaluate, template)
            .executor(Runnable::run)
            .populationSize(populationSize)
            .offspringSelector(new TournamentSelector<>(3))
            .survivorsSelector(
                new EliteSelector<DoubleGene, GeneticFitness>(1, new TournamentSelector<>(3)))
            .alterers(
                new UniformCrossover<>(0.5, 0.5), new UnitMutator<>(mutationProbability, 0.1, 0.1))
            .maximizing()
            .build();
    MSeq<Phenotype<DoubleGene, GeneticFitness>> population = MSeq.ofLength(populationSize);
    for (int i = 0; i < populationSize; i++) {
      population.set(
          i,
          i < seeds.size()
              ? Phenotype.of(encode(seeds.get(i).getKey()), 1, seeds.get(i).getValue())
              : Phenotype.of(template.newInstance(), 1));
    }
    EvolutionStart<DoubleGene, GeneticFitness> start = EvolutionStart.of(population.toISeq(), 1);
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
  private ISeq<Phenotype<DoubleGene, GeneticFitness>> evaluate(
      Seq<Phenotype<DoubleGene, GeneticFitness>> population) {
    List<CompletableFuture<GeneticFitness>> futures = new ArrayList<>(population.size());
    lock.lock();
    try {
      if (closed) {
        throw new CancellationException("the genetic search was closed");
      }
      generation++;
      boolean waiting = false;
      for (Phenotype<DoubleGene, GeneticFitness> pt : population) {
        if (pt.isEvaluated()) {
          futures.add(null);
          continue;
        }
        Configuration c = space.fromUnit(decode(pt.genotype()));
        GeneticFitness known = memory.get(c);
        CompletableFuture<GeneticFitness> f;
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
          throw new CancellationException("the genetic search was closed");
        }
        staleGenerations = 0;
      }
    } finally {
      lock.unlock();
    }
    // Outside the lock: tell() completes these.
    MSeq<Phenotype<DoubleGene, GeneticFitness>> out = MSeq.ofLength(population.size());
    for (int i = 0; i < population.size(); i++) {
      Phenotype<DoubleGene, GeneticFitness> pt = population.get(i);
      out.set(i, pt.isEvaluated() ? pt : pt.withFitness(futures.get(i).join()));
    }
    return out.toISeq();
  }

  private static double[] decode(Genotype<DoubleGene> genotype) {
    return genotype.chromosome().as(DoubleChromosome.class).toArray();
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
