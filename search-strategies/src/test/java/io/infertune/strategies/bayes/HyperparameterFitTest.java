package io.infertune.strategies.bayes;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.strategies.bayes.GaussianProcess.Hyperparameters;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HyperparameterFitTest {

  @Test
  void recoversALongLengthScaleForAnIrrelevantDimension() {
    for (long seed = 0; seed < 3; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      int n = 30;
      double[][] x = new double[n][2];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[i][0] = random.nextDouble();
        x[i][1] = random.nextDouble();
        // Only the first dimension matters.
        y[i] = Math.sin(6 * x[i][0]) + 0.01 * random.nextGaussian();
      }
      Hyperparameters initial = Hyperparameters.initial(2);
      HyperparameterFit.Result fit =
          HyperparameterFit.fit(
              x,
              y,
              new int[] {0, 1},
              List.of(initial, HyperparameterFit.randomStart(2, random)),
              200);
      Hyperparameters hp = fit.hyperparameters();
      assertThat(hp.lengthScale(0)).as("relevant, seed %d", seed).isLessThan(0.6);
      assertThat(hp.lengthScale(1)).as("irrelevant, seed %d", seed).isGreaterThan(2);
      assertThat(hp.noiseVariance()).as("noise, seed %d", seed).isLessThan(0.01);
      assertThat(fit.logMarginalLikelihood())
          .isGreaterThan(new GaussianProcess(x, y, initial).logMarginalLikelihood());
      assertThat(fit.logMarginalLikelihood())
          .isEqualTo(new GaussianProcess(x, y, hp).logMarginalLikelihood());
    }
  }

  @Test
  void staysWithinTheBounds() {
    // Constant targets: the likelihood wants infinite length scales and no noise.
    double[][] x = {{0.1}, {0.5}, {0.9}, {0.3}};
    double[] y = {2, 2, 2, 2};
    Hyperparameters hp =
        HyperparameterFit.fit(x, y, new int[] {0}, List.of(Hyperparameters.initial(1)), 100)
            .hyperparameters();
    assertThat(hp.lengthScale(0))
        .isBetween(HyperparameterFit.MIN_LENGTH_SCALE, HyperparameterFit.MAX_LENGTH_SCALE * 1.0001);
    assertThat(hp.noiseVariance())
        .isBetween(
            HyperparameterFit.MIN_NOISE_VARIANCE * 0.9999, HyperparameterFit.MAX_NOISE_VARIANCE);
  }
}
