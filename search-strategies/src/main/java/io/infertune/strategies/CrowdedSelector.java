package io.infertune.strategies;

import io.jenetics.DoubleGene;
import io.jenetics.Optimize;
import io.jenetics.Phenotype;
import io.jenetics.Selector;
import io.jenetics.ext.moea.Pareto;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import io.jenetics.util.Seq;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * NSGA-II's selection (Deb et al., 2002) over {@link ParetoFitness}: individuals ordered by
 * non-domination rank (constrained domination), then, within a rank, by decreasing crowding
 * distance; as a truncation (the survivors: the best of the population) or as binary tournaments
 * (the parents of the offspring).
 *
 * <p>Jenetics' MOEA module supplies the two computations, {@link Pareto#rank} (fast non-dominated
 * sorting, with our dominance) and {@link Pareto#crowdingDistance}. Its own {@code NSGA2Selector}
 * and {@code UFTournamentSelector} (8.3) are not used: they compute one crowding distance over the
 * whole population, so that failed and infeasible individuals, which have no objective values,
 * would take part in the crowding of the feasible fronts. Here the crowding distance is computed
 * per feasible front, as in the paper, over the front's <em>distinct</em> points (Fortin and
 * Parizeau, 2013: copies of one point, common when a converged population keeps re-finding a
 * configuration, would otherwise give each other a distance of zero on one side); individuals of
 * infeasible or failed ranks have none.
 *
 * <p>The truncation takes one individual of each distinct fitness, in crowded order, before any
 * copy: survivors that are all the same point would end the search's spread.
 *
 * @implNote immutable and thread-safe; tournaments draw from Jenetics' {@link RandomRegistry},
 *     which the engine thread seeds.
 */
final class CrowdedSelector implements Selector<DoubleGene, ParetoFitness> {
  private final boolean tournament;

  private CrowdedSelector(boolean tournament) {
    this.tournament = tournament;
  }

  /** The best {@code count}, in crowded order, distinct points first (cycling if too few). */
  static CrowdedSelector truncation() {
    return new CrowdedSelector(false);
  }

  /** {@code count} winners of binary tournaments by crowded comparison, ties drawn at random. */
  static CrowdedSelector tournament() {
    return new CrowdedSelector(true);
  }

  @Override
  public ISeq<Phenotype<DoubleGene, ParetoFitness>> select(
      Seq<Phenotype<DoubleGene, ParetoFitness>> population, int count, Optimize opt) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, got " + count);
    }
    if (count == 0) {
      return ISeq.empty();
    }
    if (population.isEmpty()) {
      throw new IllegalArgumentException("cannot select from an empty population");
    }
    List<ParetoFitness> fitness = population.stream().map(Phenotype::fitness).toList();
    Ranking ranking = Ranking.of(fitness, opt);
    List<Phenotype<DoubleGene, ParetoFitness>> out = new ArrayList<>(count);
    if (tournament) {
      RandomGenerator random = RandomRegistry.random();
      int n = population.size();
      while (out.size() < count) {
        int a = random.nextInt(n);
        int b = random.nextInt(n);
        int c = ranking.compare(a, b);
        out.add(population.get(c > 0 || c == 0 && random.nextBoolean() ? a : b));
      }
    } else {
      int[] order = ranking.order(fitness);
      for (int i = 0; out.size() < count; i = (i + 1) % order.length) {
        out.add(population.get(order[i]));
      }
    }
    return ISeq.of(out);
  }

  /**
   * The non-domination rank (0 for the first front) and crowding distance of each of a list of
   * fitness values.
   */
  record Ranking(int[] rank, double[] crowding) {
    /** With the dominance of {@code opt}: {@link Optimize#MINIMUM} reverses it. */
    static Ranking of(List<ParetoFitness> fitness, Optimize opt) {
      Comparator<ParetoFitness> dominance = ParetoFitness::dominance;
      int[] rank =
          Pareto.rank(ISeq.of(fitness), opt == Optimize.MAXIMUM ? dominance : dominance.reversed());
      double[] crowding = new double[fitness.size()];
      Map<Integer, Map<ParetoFitness, List<Integer>>> fronts = new LinkedHashMap<>();
      for (int i = 0; i < fitness.size(); i++) {
        if (fitness.get(i).feasible()) {
          fronts
              .computeIfAbsent(rank[i], r -> new LinkedHashMap<>())
              .computeIfAbsent(fitness.get(i), f -> new ArrayList<>())
              .add(i);
        }
      }
      for (Map<ParetoFitness, List<Integer>> front : fronts.values()) {
        List<ParetoFitness> distinct = List.copyOf(front.keySet());
        double[] d =
            Pareto.crowdingDistance(
                ISeq.of(distinct),
                ParetoFitness.ELEMENTS,
                ParetoFitness.DISTANCE,
                ParetoFitness::dimension);
        for (int k = 0; k < distinct.size(); k++) {
          for (int i : front.get(distinct.get(k))) {
            crowding[i] = d[k];
          }
        }
      }
      return new Ranking(rank, crowding);
    }

    /** Positive when {@code i} is better than {@code j} in crowded order, 0 when tied. */
    int compare(int i, int j) {
      int c = Integer.compare(rank[j], rank[i]);
      return c != 0 ? c : Double.compare(crowding[i], crowding[j]);
    }

    /**
     * Every index, best first in crowded order (ties by index), one per distinct fitness before any
     * copy.
     */
    int[] order(List<ParetoFitness> fitness) {
      Integer[] sorted = new Integer[rank.length];
      Arrays.setAll(sorted, i -> i);
      Arrays.sort(
          sorted,
          Comparator.<Integer>comparingInt(i -> rank[i])
              .thenComparing(i -> crowding[i], Comparator.reverseOrder())
              .thenComparingInt(i -> i));
      int[] out = new int[sorted.length];
      int k = 0;
      Set<ParetoFitness> seen = new HashSet<>();
      List<Integer> copies = new ArrayList<>();
      for (int i : sorted) {
        if (seen.add(fitness.get(i))) {
          out[k++] = i;
        } else {
          copies.add(i);
        }
      }
      for (int i : copies) {
        out[k++] = i;
      }
      return out;
    }
  }
}
