package io.infertune.strategies;

import io.infertune.strategies.bayes.GaussianProcess;
import io.infertune.strategies.bayes.GaussianProcess.Hyperparameters;
import io.infertune.strategies.bayes.GaussianProcess.Prediction;
import io.infertune.strategies.bayes.HyperparameterFit;
import io.infertune.strategies.bayes.LogAcquisition;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Direction;
import io.infertune.tuner.space.CategoricalParameter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.FloatParameter;
import io.infertune.tuner.space.IntParameter;
import io.infertune.tuner.space.OrdinalParameter;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.commons.math3.exception.OutOfRangeException;
import org.apache.commons.math3.random.SobolSequenceGenerator;

/**
 * Bayesian optimisation: a Gaussian-process model of the objective (and of each constrained metric,
 * and of where trials fail) proposes the configuration with the largest expected improvement,
 * weighed by the probability that it is feasible.
 *
 * <h2>The model</h2>
 *
 * Each configuration becomes a feature vector ({@code Encoding}): ordered parameters (int, float,
 * ordinal) at their unit coordinate, logarithmic for log parameters; categoricals one-hot at {@code
 * √½}; inactive conditional parameters at a fixed neutral value. The objective, oriented by its
 * {@link Direction} so that larger is better, is modelled by a {@link GaussianProcess} with a
 * Matérn-5/2 kernel and one length scale per parameter (ARD):
 *
 * <pre>
 *   k(x, x') = σf² (1 + √5 r + 5r²/3) e^{−√5 r},   r² = Σ_f ((x_f − x'_f)/ℓ_{p(f)})²
 * </pre>
 *
 * on standardised targets. The hyper-parameters {@code θ = (log ℓ, log σf², log σn²)} maximise the
 * log marginal likelihood {@code −½ yᵀ(K + σn²I)⁻¹y − ½ log|K + σn²I| − (n/2) log 2π} within bounds
 * ({@link HyperparameterFit}: BOBYQA from the previous fit and random restarts). A long fitted
 * length scale says a parameter hardly matters ({@link #state()} reports them).
 *
 * <h2>The acquisition</h2>
 *
 * With the incumbent {@code f*} the best objective among feasible (COMPLETED) trials and the
 * posterior {@code N(μ(x), σ²(x))}:
 *
 * <pre>
 *   a(x) = log EI(x) + Σ_c log P(lo_c ≤ m_c(x) ≤ hi_c) + log Φ(μ_s(x)/σ_s(x))
 *   log EI(x) = log σ(x) + log h((μ(x) − f*)/σ(x)),   h(z) = φ(z) + zΦ(z)
 * </pre>
 *
 * <ul>
 *   <li>{@code log h} is computed as in Ament et al. (2023), finite where {@code EI} underflows
 *       ({@link LogAcquisition}): far from the incumbent the acquisition still has a slope to
 *       climb, and its product with small feasibility probabilities is a sum, not {@code 0 · 0}.
 *   <li>Each constraint {@code c} has its own process {@code m_c} on the trials that measured its
 *       metric (COMPLETED and INFEASIBLE ones), and contributes the log of the posterior
 *       probability that its bounds hold.
 *   <li>Trials that produced no measurement (FAILED: a crash, an OOM), and INFEASIBLE trials that
 *       no measured bound of the known constraints explains (a missing metric, a constraint the
 *       strategy was not told about), are taught to a process on a ±1 success indicator {@code s};
 *       {@code Φ(μ_s/σ_s)} is the probability of success, so the search learns to avoid their
 *       region. It exists once a trial has failed.
 *   <li>INFEASIBLE trials train the objective process like any measured trial: what a violating
 *       configuration measured still tells about its neighbours. So do PRUNED trials (stopped early
 *       as clearly worse than the incumbent or clearly violating), with their partial values; they
 *       never become the incumbent.
 * </ul>
 *
 * <h2>Regimes</h2>
 *
 * <ul>
 *   <li><b>Initial design</b>: until {@code n0 = max(5, min(2d + 1, maxTrials/3))} configurations
 *       (d parameters) have been asked or told, and while fewer than 2 trials have been told,
 *       configurations come from a scrambled Sobol sequence ({@link SobolSearch}). Trials told from
 *       outside (a warm start) count towards it.
 *   <li><b>No feasible trial yet</b>: the acquisition is the log probability of feasibility alone,
 *       to find the feasible region first; when nothing models feasibility either (no constraint
 *       measured, nothing failed), expected improvement over the best measured value.
 *   <li><b>Model</b>: log EI plus log feasibility, maximised over {@link Options#candidates()}
 *       points of a scrambled Sobol sequence and {@link Options#neighboursPerSource()} neighbours
 *       of each of the {@link Options#neighbourSources()} best trials (numeric coordinates
 *       perturbed, categoricals flipped, ordinals stepped), then a short local search of neighbour
 *       moves from the best {@link Options#localSearchStarts()} candidates. A space with no more
 *       points than {@link Options#candidates()} is scored exhaustively instead.
 *   <li><b>Refits</b>: hyper-parameters are refitted at every new trial up to {@link
 *       Options#refitEveryTrialUpTo()} trials (from the previous fit and {@link
 *       Options#fitRestarts()} random starts), then every {@link Options#refitInterval()} trials
 *       from the previous fit only, so that {@code ask} stays fast with hundreds of trials: between
 *       refits it costs one Cholesky factorisation (O(n³/3)) per process and O(n²) per candidate.
 * </ul>
 *
 * <p>{@code ask(n)} with {@code n > 1} chooses a batch by the kriging believer: after each choice
 * the chosen point is added to every process as a pseudo-observation at its posterior mean (without
 * refitting: one O(n²) Cholesky update), which collapses the variance there so that the next choice
 * goes elsewhere.
 *
 * @apiNote follows the {@link SearchStrategy} contract: a configuration asked or told is never
 *     proposed again ({@code Visited}); deterministic for a seed and a sequence of told trials. A
 *     trial told while RUNNING is ignored; an ABORTED one marks its configuration visited and
 *     teaches nothing. When every candidate has been visited the next configuration is drawn
 *     uniformly from the unvisited ones; {@code ask} returns fewer than asked only when the space
 *     is exhausted.
 * @implNote not thread-safe: one campaign drives it from one thread. Memory is O(n²) per process
 *     for n trials told. Measured on a shared 2-core machine (JMH {@code AskBenchmark} in
 *     experiments, default options): median {@code ask(1)} 7, 15 and 45 ms with 50, 100 and 200
 *     trials told on the 6-parameter mixed serving space (3, 7 and 21 ms on Hartmann-6); p90 up to
 *     207 ms, the warm refits (one ask in five); the first ask after a warm start of 200 trials, a
 *     full fit with restarts, about 0.5 s. Scoring a candidate goes through {@code Encoding}'s
 *     points and keys, never a {@link Configuration}: building one costs more than a prediction
 *     with 200 trials.
 */
public final class BayesianSearch implements SearchStrategy {
  private static final double SOBOL_SCALE = 0x1p52;

  private final SearchSpace space;
  private final List<Parameter> parameters;
  private final Direction direction;
  private final List<Constraint> constraints;
  private final Options options;
  private final RandomGenerator random;
  private final Visited visited;
  private final SobolSearch design;
  private final int initialDesign;
  private final Encoding encoding;
  private final Optional<Lattice> enumerated;
  private final Optional<SobolSequenceGenerator> sobol;
  private final long[] sobolShift;

  /** The keys of the configurations in {@link #visited}, to check candidates cheaply. */
  private final Set<Encoding.Key> visitedKeys = new HashSet<>();

  private final List<Observation> observations = new ArrayList<>();
  private final ModelFit objectiveFit;
  private final List<ModelFit> constraintFits = new ArrayList<>();
  private final ModelFit successFit;

  private int asked;
  private int told;
  private OptionalDouble lastAcquisition = OptionalDouble.empty();

  /**
   * What tunes the search. The defaults suit a campaign of up to a few hundred trials; tests and
   * benchmarks may shrink the candidate counts.
   *
   * @param candidates quasi-random candidates scored per choice (and the size up to which a space
   *     is scored exhaustively)
   * @param neighbourSources best trials whose neighbours are scored
   * @param neighboursPerSource neighbours scored per such trial
   * @param localSearchStarts best candidates a local search starts from
   * @param localSearchSteps moves per local search, at most
   * @param localSearchNeighbours neighbours scored per move
   * @param fitRestarts random starting points of a full hyper-parameter fit, besides the previous
   *     fit
   * @param fitEvaluations log-likelihood evaluations per starting point, at most
   * @param refitEveryTrialUpTo up to this many observations, every new one triggers a full refit
   * @param refitInterval beyond, a refit from the previous fit every this many observations
   * @param initialDesign the size of the initial design, when not derived from the budget
   */
  public record Options(
      int candidates,
      int neighbourSources,
      int neighboursPerSource,
      int localSearchStarts,
      int localSearchSteps,
      int localSearchNeighbours,
      int fitRestarts,
      int fitEvaluations,
      int refitEveryTrialUpTo,
      int refitInterval,
      OptionalInt initialDesign) {
    public Options {
      Objects.requireNonNull(initialDesign, "initialDesign");
      positive("candidates", candidates);
      nonNegative("neighbourSources", neighbourSources);
      nonNegative("neighboursPerSource", neighboursPerSource);
      nonNegative("localSearchStarts", localSearchStarts);
      nonNegative("localSearchSteps", localSearchSteps);
      positive("localSearchNeighbours", localSearchNeighbours);
      nonNegative("fitRestarts", fitRestarts);
      if (fitEvaluations < 20) {
        throw new IllegalArgumentException("fitEvaluations must be >= 20, got " + fitEvaluations);
      }
      nonNegative("refitEveryTrialUpTo", refitEveryTrialUpTo);
      positive("refitInterval", refitInterval);
      if (initialDesign.isPresent()) {
        positive("initialDesign", initialDesign.getAsInt());
      }
    }

    /** 1024 candidates, 5 × 20 neighbours, 3 local searches of 8 moves × 12 neighbours. */
    public static Options defaults() {
      return builder().build();
    }

    public static Builder builder() {
      return new Builder();
    }

    public Builder toBuilder() {
      return new Builder()
          .candidates(candidates)
          .neighbours(neighbourSources, neighboursPerSource)
          .localSearch(localSearchStarts, localSearchSteps, localSearchNeighbours)
          .fit(fitRestarts, fitEvaluations)
          .refit(refitEveryTrialUpTo, refitInterval)
          .initialDesign(initialDesign);
    }

    private static void positive(String name, int v) {
      if (v < 1) {
        throw new IllegalArgumentException(name + " must be >= 1, got " + v);
      }
    }

    private static void nonNegative(String name, int v) {
      if (v < 0) {
        throw new IllegalArgumentException(name + " must be >= 0, got " + v);
      }
    }

    /** Builds {@link Options}; {@link #build} validates. */
    public static final class Builder {
      private int candidates = 1024;
      private int neighbourSources = 5;
      private int neighboursPerSource = 20;
      private int localSearchStarts = 3;
      private int localSearchSteps = 8;
      private int localSearchNeighbours = 12;
      private int fitRestarts = 2;
      private int fitEvaluations = 200;
      private int refitEveryTrialUpTo = 30;
      private int refitInterval = 5;
      private OptionalInt initialDesign = OptionalInt.empty();

      private Builder() {}

      public Builder candidates(int candidates) {
        this.candidates = candidates;
        return this;
      }

      public Builder neighbours(int sources, int perSource) {
        this.neighbourSources = sources;
        this.neighboursPerSource = perSource;
        return this;
      }

      public Builder localSearch(int starts, int steps, int neighbours) {
        this.localSearchStarts = starts;
        this.localSearchSteps = steps;
        this.localSearchNeighbours = neighbours;
        return this;
      }

      public Builder fit(int restarts, int evaluations) {
        this.fitRestarts = restarts;
        this.fitEvaluations = evaluations;
        return this;
      }

      public Builder refit(int everyTrialUpTo, int interval) {
        this.refitEveryTrialUpTo = everyTrialUpTo;
        this.refitInterval = interval;
        return this;
      }

      public Builder initialDesign(int size) {
        return initialDesign(OptionalInt.of(size));
      }

      public Builder initialDesign(OptionalInt size) {
        this.initialDesign = Objects.requireNonNull(size, "size");
        return this;
      }

      /**
       * @throws IllegalArgumentException naming the first invalid option
       */
      public Options build() {
        return new Options(
            candidates,
            neighbourSources,
            neighboursPerSource,
            localSearchStarts,
            localSearchSteps,
            localSearchNeighbours,
            fitRestarts,
            fitEvaluations,
            refitEveryTrialUpTo,
            refitInterval,
            initialDesign);
      }
    }
  }

  /** With {@link Options#defaults()}. */
  public BayesianSearch(StrategyContext context) {
    this(context, Options.defaults());
  }

  /**
   * @throws IllegalArgumentException when the context has several objectives: a Gaussian process
   *     models one ({@link StrategyContext#singleObjective})
   */
  public BayesianSearch(StrategyContext context, Options options) {
    this.space = context.space();
    this.parameters = space.parameters();
    this.direction = context.singleObjective("bayesian").direction();
    this.constraints = context.constraints();
    this.options = Objects.requireNonNull(options, "options");
    this.random = Seeded.random(context.seed());
    this.visited = new Visited(space);
    // A seed of its own, so that the design's digital shift and this search's draws differ.
    this.design =
        new SobolSearch(
            new StrategyContext(
                space,
                context.objective(),
                constraints,
                context.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L,
                context.maxTrials()));
    int d = space.dimension();
    this.initialDesign =
        options.initialDesign().orElse(Math.max(5, Math.min(2 * d + 1, context.maxTrials() / 3)));
    this.encoding = new Encoding(space);
    long size = space.cardinality();
    this.enumerated =
        size <= options.candidates() ? Optional.of(Lattice.ofDomains(space)) : Optional.empty();
    Optional<SobolSequenceGenerator> generator;
    try {
      generator = Optional.of(new SobolSequenceGenerator(d));
    } catch (OutOfRangeException e) {
      generator = Optional.empty(); // over 1000 parameters: uniform candidates instead
    }
    this.sobol = generator;
    this.sobolShift = new long[d];
    for (int i = 0; i < d; i++) {
      sobolShift[i] = random.nextLong() >>> 12;
    }
    this.objectiveFit = new ModelFit(encoding.groupCount());
    for (int i = 0; i < constraints.size(); i++) {
      constraintFits.add(new ModelFit(encoding.groupCount()));
    }
    this.successFit = new ModelFit(encoding.groupCount());
  }

  @Override
  public List<Configuration> ask(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    List<Configuration> out = new ArrayList<>(n);
    Models models = null;
    while (out.size() < n && !visited.exhausted()) {
      Optional<Configuration> next;
      if (inInitialDesign()) {
        next = nextDesignPoint();
      } else {
        if (models == null) {
          models = fitModels();
        }
        Optional<Scored> best = maximiseAcquisition(models);
        if (best.isPresent()) {
          lastAcquisition = OptionalDouble.of(best.get().score());
          Configuration c = encoding.configuration(best.get().point());
          markVisited(c);
          // Kriging believer: pretend the choice was observed at its posterior mean.
          models = out.size() + 1 < n ? models.believe(best.get().features()) : models;
          next = Optional.of(c);
        } else {
          next = visited.next(() -> space.fromUnit(Seeded.unitPoint(random, dims())), random);
          next.ifPresent(c -> visitedKeys.add(encoding.point(c).key()));
        }
      }
      if (next.isEmpty()) {
        break;
      }
      out.add(next.get());
    }
    asked += out.size();
    return List.copyOf(out);
  }

  @Override
  public void tell(Trial trial) {
    told++;
    if (trial.status() == TrialStatus.RUNNING) {
      return;
    }
    Optional<Configuration> projected = Visited.project(space, trial.configuration());
    if (projected.isEmpty()) {
      return;
    }
    Configuration c = projected.get();
    markVisited(c);
    design.tell(trial);
    if (trial.status() == TrialStatus.ABORTED) {
      return;
    }
    OptionalDouble objective = OptionalDouble.empty();
    if (trial.status().measured()
        && trial.objectiveValue().isPresent()
        && Double.isFinite(trial.objectiveValue().getAsDouble())) {
      objective = OptionalDouble.of(direction.oriented(trial.objectiveValue().getAsDouble()));
    }
    double[] metrics = new double[constraints.size()];
    boolean explained = false;
    for (int j = 0; j < constraints.size(); j++) {
      Constraint k = constraints.get(j);
      OptionalDouble v =
          trial.measurement().map(m -> m.value(k.metric())).orElse(OptionalDouble.empty());
      metrics[j] = v.isPresent() && Double.isFinite(v.getAsDouble()) ? v.getAsDouble() : Double.NaN;
      // A missing metric violates too, but no constraint process can learn it: the success
      // process does.
      explained |= !Double.isNaN(metrics[j]) && !k.admits(metrics[j]);
    }
    boolean success =
        switch (trial.status()) {
          case COMPLETED -> true;
          case INFEASIBLE -> explained; // a violation the constraint processes will learn
          // Stopped early as clearly worse or clearly violating: its partial values teach the
          // objective and constraint processes; it is no crash to steer away from.
          case PRUNED -> objective.isPresent();
          default -> false;
        };
    Encoding.Point point = encoding.point(c);
    observations.add(
        new Observation(
            point, encoding.features(point), trial.status(), objective, metrics, success));
  }

  /**
   * {@code told}, {@code asked}, {@code observations} (trials that teach the model), {@code phase}
   * ({@code initial-design} or {@code model}), {@code initialDesign} (its size), and once known:
   * {@code incumbent} (the best feasible objective value, in the objective's units), {@code
   * lastAcquisition} (the log acquisition value of the last choice), {@code lengthScales} (of the
   * objective's process, by parameter: long means the parameter hardly matters), {@code
   * signalVariance} and {@code noiseVariance} (of the standardised objective), {@code
   * logMarginalLikelihood}, {@code fittedAt} (observations at the last fit).
   */
  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("told", told);
    s.put("asked", asked);
    s.put("observations", observations.size());
    s.put("phase", inInitialDesign() ? "initial-design" : "model");
    s.put("initialDesign", initialDesign);
    incumbent().ifPresent(v -> s.put("incumbent", direction.oriented(v)));
    lastAcquisition.ifPresent(v -> s.put("lastAcquisition", v));
    if (objectiveFit.fittedAt > 0) {
      Hyperparameters hp = objectiveFit.hp;
      Map<String, Double> scales = new LinkedHashMap<>();
      for (int i = 0; i < parameters.size(); i++) {
        scales.put(parameters.get(i).name(), hp.lengthScale(i));
      }
      s.put("lengthScales", Collections.unmodifiableMap(scales));
      s.put("signalVariance", hp.signalVariance());
      s.put("noiseVariance", hp.noiseVariance());
      s.put("logMarginalLikelihood", objectiveFit.logMarginalLikelihood);
      s.put("fittedAt", objectiveFit.fittedAt);
    }
    return Collections.unmodifiableMap(s);
  }

  private int dims() {
    return space.dimension();
  }

  private void markVisited(Configuration c) {
    visited.add(c);
    visitedKeys.add(encoding.point(c).key());
  }

  private boolean inInitialDesign() {
    return visited.size() < initialDesign || observations.size() < 2;
  }

  private Optional<Configuration> nextDesignPoint() {
    for (int i = 0; i < Visited.MAX_DRAWS; i++) {
      List<Configuration> c = design.ask(1);
      if (c.isEmpty()) {
        break;
      }
      if (!visited.contains(c.get(0))) {
        markVisited(c.get(0));
        return Optional.of(c.get(0));
      }
    }
    Optional<Configuration> c =
        visited.next(() -> space.fromUnit(Seeded.unitPoint(random, dims())), random);
    c.ifPresent(v -> visitedKeys.add(encoding.point(v).key()));
    return c;
  }

  /** The best feasible oriented objective value told. */
  private OptionalDouble incumbent() {
    return observations.stream()
        .filter(o -> o.status() == TrialStatus.COMPLETED && o.objective().isPresent())
        .mapToDouble(o -> o.objective().getAsDouble())
        .max();
  }

  private Models fitModels() {
    List<Observation> measured =
        observations.stream().filter(o -> o.objective().isPresent()).toList();
    Optional<GaussianProcess> objective =
        measured.isEmpty()
            ? Optional.empty()
            : Optional.of(
                objectiveFit.update(
                    measured.stream().map(Observation::features).toArray(double[][]::new),
                    measured.stream().mapToDouble(o -> o.objective().getAsDouble()).toArray()));
    List<Optional<GaussianProcess>> constraintModels = new ArrayList<>();
    for (int j = 0; j < constraints.size(); j++) {
      int index = j;
      List<Observation> with =
          observations.stream().filter(o -> !Double.isNaN(o.metrics()[index])).toList();
      constraintModels.add(
          with.isEmpty()
              ? Optional.empty()
              : Optional.of(
                  constraintFits
                      .get(j)
                      .update(
                          with.stream().map(Observation::features).toArray(double[][]::new),
                          with.stream().mapToDouble(o -> o.metrics()[index]).toArray())));
    }
    Optional<GaussianProcess> success = Optional.empty();
    if (observations.stream().anyMatch(o -> !o.success())) {
      success =
          Optional.of(
              successFit.update(
                  observations.stream().map(Observation::features).toArray(double[][]::new),
                  observations.stream().mapToDouble(o -> o.success() ? 1 : -1).toArray()));
    }
    OptionalDouble incumbent = incumbent();
    OptionalDouble bestMeasured =
        measured.stream().mapToDouble(o -> o.objective().getAsDouble()).max();
    return new Models(objective, constraintModels, success, incumbent, bestMeasured);
  }

  /** The unvisited candidate with the largest acquisition value, if any candidate is unvisited. */
  private Optional<Scored> maximiseAcquisition(Models models) {
    Map<Encoding.Key, Scored> pool = new LinkedHashMap<>();
    if (enumerated.isPresent()) {
      Lattice all = enumerated.get();
      for (long i = 0; i < all.size(); i++) {
        consider(encoding.point(all.get(i)), models, pool);
      }
      return best(pool.values());
    }
    for (int q = 0; q < options.candidates(); q++) {
      consider(encoding.decode(candidatePoint()), models, pool);
    }
    List<Observation> sources =
        observations.stream()
            .filter(o -> o.objective().isPresent())
            .sorted(
                Comparator.comparing((Observation o) -> o.status() != TrialStatus.COMPLETED)
                    .thenComparing(o -> -o.objective().getAsDouble()))
            .limit(options.neighbourSources())
            .toList();
    for (Observation o : sources) {
      double[] base = encoding.unit(o.point());
      for (int j = 0; j < options.neighboursPerSource(); j++) {
        consider(encoding.decode(neighbour(base, 0.1)), models, pool);
      }
    }
    List<Scored> starts =
        pool.values().stream()
            .sorted(Comparator.comparingDouble(Scored::score).reversed())
            .limit(options.localSearchStarts())
            .toList();
    for (Scored start : starts) {
      Scored current = start;
      double sigma = 0.05;
      for (int step = 0; step < options.localSearchSteps(); step++) {
        Scored bestMove = current;
        double[] base = encoding.unit(current.point());
        for (int j = 0; j < options.localSearchNeighbours(); j++) {
          Scored s = consider(encoding.decode(neighbour(base, sigma)), models, pool);
          if (s != null && s.score() > bestMove.score()) {
            bestMove = s;
          }
        }
        if (bestMove == current) {
          sigma /= 2; // no better neighbour: look closer
        }
        current = bestMove;
      }
    }
    return best(pool.values());
  }

  /** Scores a point into the pool unless visited or already there; the new entry or null. */
  private Scored consider(Encoding.Point p, Models models, Map<Encoding.Key, Scored> pool) {
    if (visitedKeys.contains(p.key()) || pool.containsKey(p.key())) {
      return null;
    }
    double[] f = encoding.features(p);
    Scored s = new Scored(p, f, models.score(f));
    pool.put(p.key(), s);
    return s;
  }

  private static Optional<Scored> best(Iterable<Scored> pool) {
    Scored best = null;
    for (Scored s : pool) {
      if (best == null || s.score() > best.score() || Double.isNaN(best.score())) {
        best = s;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The next point of the digitally shifted candidate Sobol sequence, or a uniform one. */
  private double[] candidatePoint() {
    if (sobol.isEmpty()) {
      return Seeded.unitPoint(random, dims());
    }
    double[] x = sobol.get().nextVector();
    for (int i = 0; i < x.length; i++) {
      x[i] = (((long) (x[i] * SOBOL_SCALE)) ^ sobolShift[i]) / SOBOL_SCALE;
    }
    return x;
  }

  /**
   * A neighbour in unit coordinates: one parameter chosen for sure, each other with probability
   * 1/d; a real (or an integer, half the time) moves by a Gaussian step of {@code sigma} (of its
   * unit range), an integer otherwise and an ordinal step to an adjacent value, a categorical flips
   * to another value.
   */
  private double[] neighbour(double[] base, double sigma) {
    double[] u = base.clone();
    int d = u.length;
    int forced = random.nextInt(d);
    for (int i = 0; i < d; i++) {
      if (i != forced && random.nextDouble() * d >= 1) {
        continue;
      }
      switch (parameters.get(i)) {
        case CategoricalParameter k -> {
          int m = k.values().size();
          if (m > 1) {
            int next = random.nextInt(m - 1);
            u[i] = ((next >= cell(u[i], m) ? next + 1 : next) + 0.5) / m;
          }
        }
        case OrdinalParameter o -> u[i] = step(u[i], o.values().size());
        case IntParameter p -> {
          if (p.cardinality() <= 16 || random.nextBoolean()) {
            long v = p.fromUnit(u[i]);
            long next = v + (random.nextBoolean() ? p.step() : -p.step());
            if (next < p.min() || next > p.max()) {
              next = v + (next < p.min() ? p.step() : -p.step());
            }
            if (next >= p.min() && next <= p.max()) {
              u[i] = p.toUnit(next);
            }
          } else {
            u[i] = clamp(u[i] + sigma * random.nextGaussian());
          }
        }
        case FloatParameter f -> u[i] = clamp(u[i] + sigma * random.nextGaussian());
      }
    }
    return u;
  }

  private double step(double u, int m) {
    if (m < 2) {
      return u;
    }
    int cur = cell(u, m);
    int next = cur + (random.nextBoolean() ? 1 : -1);
    if (next < 0 || next >= m) {
      next = cur + (next < 0 ? 1 : -1);
    }
    return (next + 0.5) / m;
  }

  private static int cell(double u, int m) {
    return Math.min(m - 1, Math.max(0, (int) Math.floor(u * m)));
  }

  private static double clamp(double u) {
    return Math.min(1, Math.max(0, u));
  }

  /**
   * What one told trial teaches.
   *
   * @param objective oriented (larger is better), when measured
   * @param metrics the constrained metrics' values, NaN where not measured
   * @param success false for a FAILED trial and an INFEASIBLE one no known constraint explains
   */
  private record Observation(
      Encoding.Point point,
      double[] features,
      TrialStatus status,
      OptionalDouble objective,
      double[] metrics,
      boolean success) {}

  private record Scored(Encoding.Point point, double[] features, double score) {}

  /** The hyper-parameters of one process and when they were fitted. */
  private final class ModelFit {
    Hyperparameters hp;
    int fittedAt;
    double logMarginalLikelihood = Double.NaN;

    ModelFit(int lengthScales) {
      this.hp = Hyperparameters.initial(lengthScales);
    }

    /** A process on the data, refitting the hyper-parameters when the schedule says so. */
    GaussianProcess update(double[][] x, double[] y) {
      int n = y.length;
      boolean full = n <= options.refitEveryTrialUpTo() || fittedAt == 0;
      boolean due = full ? n != fittedAt : n - fittedAt >= options.refitInterval();
      if (n >= 3 && due) {
        List<Hyperparameters> starts = new ArrayList<>();
        starts.add(hp);
        for (int i = 0; full && i < options.fitRestarts(); i++) {
          starts.add(HyperparameterFit.randomStart(hp.lengthScaleCount(), random));
        }
        HyperparameterFit.Result r =
            HyperparameterFit.fit(
                x,
                y,
                encoding.groups(),
                starts,
                options.fitEvaluations(),
                full ? HyperparameterFit.COLD_RADIUS : HyperparameterFit.WARM_RADIUS);
        hp = r.hyperparameters();
        logMarginalLikelihood = r.logMarginalLikelihood();
        fittedAt = n;
      }
      return new GaussianProcess(x, y, hp, encoding.groups());
    }
  }

  /** The processes of one choice (or one batch, with believed observations added). */
  private final class Models {
    private final Optional<GaussianProcess> objective;
    private final List<Optional<GaussianProcess>> constraintModels;
    private final Optional<GaussianProcess> success;
    private final OptionalDouble incumbent;
    private final OptionalDouble bestMeasured;

    Models(
        Optional<GaussianProcess> objective,
        List<Optional<GaussianProcess>> constraintModels,
        Optional<GaussianProcess> success,
        OptionalDouble incumbent,
        OptionalDouble bestMeasured) {
      this.objective = objective;
      this.constraintModels = constraintModels;
      this.success = success;
      this.incumbent = incumbent;
      this.bestMeasured = bestMeasured;
    }

    /** The log acquisition value at features {@code f}. */
    double score(double[] f) {
      double logFeasible = 0;
      boolean feasibilityModelled = false;
      for (int j = 0; j < constraintModels.size(); j++) {
        if (constraintModels.get(j).isPresent()) {
          Constraint k = constraints.get(j);
          Prediction p = constraintModels.get(j).get().predict(f);
          logFeasible +=
              LogAcquisition.logProbabilityBetween(
                  p.mean(),
                  p.std(),
                  k.min().orElse(Double.NEGATIVE_INFINITY),
                  k.max().orElse(Double.POSITIVE_INFINITY));
          feasibilityModelled = true;
        }
      }
      if (success.isPresent()) {
        Prediction p = success.get().predict(f);
        logFeasible += LogAcquisition.logCdf(p.mean() / p.std());
        feasibilityModelled = true;
      }
      if (objective.isPresent() && incumbent.isPresent()) {
        return logEi(f, incumbent.getAsDouble()) + logFeasible;
      }
      if (feasibilityModelled) {
        return logFeasible;
      }
      return objective.isPresent() ? logEi(f, bestMeasured.getAsDouble()) : 0;
    }

    private double logEi(double[] f, double best) {
      Prediction p = objective.get().predict(f);
      return LogAcquisition.logExpectedImprovement(p.mean(), p.std(), best);
    }

    /** These models with a pseudo-observation at {@code f}, each at its own posterior mean. */
    Models believe(double[] f) {
      return new Models(
          objective.map(g -> believe(g, f)),
          constraintModels.stream().map(m -> m.map(g -> believe(g, f))).toList(),
          success.map(g -> believe(g, f)),
          incumbent,
          bestMeasured);
    }

    private static GaussianProcess believe(GaussianProcess g, double[] f) {
      try {
        return g.condition(f, g.predict(f).mean());
      } catch (IllegalArgumentException e) {
        return g; // numerically on top of an observation: nothing to believe
      }
    }
  }
}
