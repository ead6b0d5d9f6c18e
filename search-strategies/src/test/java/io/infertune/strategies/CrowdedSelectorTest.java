package io.infertune.strategies;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenetics.DoubleChromosome;
import io.jenetics.DoubleGene;
import io.jenetics.Genotype;
import io.jenetics.Optimize;
import io.jenetics.Phenotype;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CrowdedSelectorTest {
  private static final ParetoFitness A = ParetoFitness.feasible(0, 10);
  private static final ParetoFitness B = ParetoFitness.feasible(4, 6);
  private static final ParetoFitness C = ParetoFitness.feasible(5, 5);
  private static final ParetoFitness D = ParetoFitness.feasible(10, 0);
  private static final ParetoFitness DOMINATED = ParetoFitness.feasible(3, 4);
  private static final ParetoFitness INFEASIBLE = ParetoFitness.infeasible(0.1);
  private static final ParetoFitness FAILED = ParetoFitness.failed();

  @Test
  void ranksByConstrainedDominationThenCrowdingWithinTheFront() {
    List<ParetoFitness> f = List.of(FAILED, C, INFEASIBLE, A, DOMINATED, B, D);
    CrowdedSelector.Ranking r = CrowdedSelector.Ranking.of(f, Optimize.MAXIMUM);
    assertThat(r.rank()).containsExactly(3, 0, 2, 0, 1, 0, 0);
    // The front's ends are never crowded. Along each objective (range 10) B's neighbours are A
    // and C, C's are B and D: the sum of the normalised gaps.
    assertThat(r.crowding()[3]).isInfinite();
    assertThat(r.crowding()[6]).isInfinite();
    assertThat(r.crowding()[5]).isEqualTo((5 - 0) / 10.0 + (10 - 5) / 10.0);
    assertThat(r.crowding()[1]).isEqualTo((10 - 4) / 10.0 + (6 - 0) / 10.0);
    assertThat(r.order(f)).containsExactly(3, 6, 1, 5, 4, 2, 0);
  }

  @Test
  void truncationKeepsTheFrontAndItsEndsAndTakesDistinctPointsBeforeCopies() {
    ISeq<Phenotype<DoubleGene, ParetoFitness>> population =
        population(FAILED, C, C, C, A, DOMINATED, D);
    List<ParetoFitness> survivors =
        CrowdedSelector.truncation().select(population, 4, Optimize.MAXIMUM).stream()
            .map(Phenotype::fitness)
            .toList();
    // A and D (the ends), C once, then the dominated point before a second copy of C.
    assertThat(survivors).containsExactly(A, D, C, DOMINATED);
  }

  @Test
  void tournamentsFavourBetterRanksOverManySeeds() {
    ISeq<Phenotype<DoubleGene, ParetoFitness>> population =
        population(A, B, C, D, DOMINATED, INFEASIBLE, FAILED, FAILED);
    int front = 0;
    int failed = 0;
    int draws = 0;
    for (long seed = 0; seed < 20; seed++) {
      List<ParetoFitness> picked = new ArrayList<>();
      RandomRegistry.using(
          new SplittableRandom(seed),
          r ->
              CrowdedSelector.tournament().select(population, 40, Optimize.MAXIMUM).stream()
                  .map(Phenotype::fitness)
                  .forEach(picked::add));
      front += (int) picked.stream().filter(p -> List.of(A, B, C, D).contains(p)).count();
      failed += (int) picked.stream().filter(FAILED::equals).count();
      draws += picked.size();
    }
    // Binary tournaments: a front member (half the population) wins unless drawn against itself
    // or another front member and lost: expected share 1 − (1/2)² = 3/4; a failed one (a quarter)
    // only against the other failed one: (1/4)² = 1/16.
    assertThat(front / (double) draws).isBetween(0.65, 0.85);
    assertThat(failed / (double) draws).isBetween(0.02, 0.11);
  }

  private static ISeq<Phenotype<DoubleGene, ParetoFitness>> population(ParetoFitness... fitness) {
    List<Phenotype<DoubleGene, ParetoFitness>> out = new ArrayList<>();
    for (int i = 0; i < fitness.length; i++) {
      Genotype<DoubleGene> g = Genotype.of(DoubleChromosome.of(DoubleGene.of(i / 10.0, 0, 1)));
      out.add(Phenotype.of(g, 1, fitness[i]));
    }
    return ISeq.of(out);
  }
}
