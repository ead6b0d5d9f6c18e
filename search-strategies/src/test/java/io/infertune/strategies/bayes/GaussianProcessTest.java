package io.infertune.strategies.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.infertune.strategies.bayes.GaussianProcess.Hyperparameters;
import io.infertune.strategies.bayes.GaussianProcess.Prediction;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

class GaussianProcessTest {
  private static final Hyperparameters SHARP =
      new Hyperparameters(new double[] {Math.log(0.2)}, 0, Math.log(1e-6));

  @Test
  void posteriorInterpolatesObservedPointsAndRevertsToThePriorFarAway() {
    double[][] x = {{0.1}, {0.3}, {0.5}, {0.7}, {0.9}};
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 10 + 3 * Math.sin(6 * x[i][0]);
    }
    GaussianProcess gp = new GaussianProcess(x, y, SHARP);
    Prediction prior = gp.prior();
    for (int i = 0; i < x.length; i++) {
      Prediction p = gp.predict(x[i]);
      assertThat(p.mean()).as("mean at x%d", i).isCloseTo(y[i], within(1e-3));
      assertThat(p.variance()).as("variance at x%d", i).isLessThan(1e-4 * prior.variance());
    }
    // Between observations: uncertain, but less than the prior.
    Prediction between = gp.predict(new double[] {0.2});
    assertThat(between.variance()).isBetween(1e-4 * prior.variance(), prior.variance());
    // Far away (50 length scales): the prior, whose mean is the targets' mean.
    Prediction far = gp.predict(new double[] {10});
    double mean = java.util.Arrays.stream(y).average().orElseThrow();
    assertThat(far.mean()).isCloseTo(mean, within(1e-9));
    assertThat(prior.mean()).isCloseTo(mean, within(1e-12));
    assertThat(far.variance()).isCloseTo(prior.variance(), within(1e-9 * prior.variance()));
  }

  @Test
  void predictionsAndLikelihoodMatchADenseSolve() {
    SplittableRandom random = new SplittableRandom(1);
    int n = 12;
    double[][] x = new double[n][3];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int d = 0; d < 3; d++) {
        x[i][d] = random.nextDouble();
      }
      y[i] = 5 * x[i][0] - 2 * x[i][1] * x[i][1] + random.nextGaussian() * 0.1;
    }
    // Features 0 and 1 share a length scale, feature 2 has its own.
    int[] groups = {0, 0, 1};
    Hyperparameters hp =
        new Hyperparameters(new double[] {Math.log(0.4), Math.log(1.5)}, 0.3, Math.log(0.02));
    GaussianProcess gp = new GaussianProcess(x, y, hp, groups);

    double mean = java.util.Arrays.stream(y).average().orElseThrow();
    double ss = 0;
    for (double v : y) {
      ss += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(ss / (n - 1));
    RealVector ys = new ArrayRealVector(n);
    for (int i = 0; i < n; i++) {
      ys.setEntry(i, (y[i] - mean) / std);
    }
    RealMatrix k = new Array2DRowRealMatrix(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        k.setEntry(i, j, kernel(x[i], x[j], hp, groups) + (i == j ? hp.noiseVariance() : 0));
      }
    }
    CholeskyDecomposition chol = new CholeskyDecomposition(k);
    DecompositionSolver solver = chol.getSolver();
    RealVector alpha = solver.solve(ys);
    double lml =
        -0.5 * ys.dotProduct(alpha)
            - 0.5 * Math.log(chol.getDeterminant())
            - 0.5 * n * Math.log(2 * Math.PI);
    assertThat(gp.logMarginalLikelihood()).isCloseTo(lml, within(1e-9));

    for (int t = 0; t < 5; t++) {
      double[] p = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
      RealVector ks = new ArrayRealVector(n);
      for (int i = 0; i < n; i++) {
        ks.setEntry(i, kernel(p, x[i], hp, groups));
      }
      double m = mean + std * ks.dotProduct(alpha);
      double v = (hp.signalVariance() - ks.dotProduct(solver.solve(ks))) * std * std;
      Prediction got = gp.predict(p);
      assertThat(got.mean()).isCloseTo(m, within(1e-9));
      assertThat(got.variance()).isCloseTo(v, within(1e-9));
    }
  }

  @Test
  void conditioningOnAPointEqualsADenseSolveWithTheSameStandardisation() {
    double[][] x = {{0.1, 0.2}, {0.4, 0.9}, {0.8, 0.5}, {0.3, 0.3}};
    double[] y = {1, 3, 2, 0.5};
    Hyperparameters hp =
        new Hyperparameters(new double[] {Math.log(0.3), Math.log(0.6)}, 0, Math.log(1e-3));
    GaussianProcess gp = new GaussianProcess(x, y, hp);
    double[] added = {0.6, 0.1};
    double believed = gp.predict(added).mean();
    GaussianProcess more = gp.condition(added, believed + 1);
    assertThat(more.size()).isEqualTo(5);
    assertThat(gp.size()).isEqualTo(4);

    // The reference keeps the first process's standardisation (prior mean and scale).
    double mean = gp.prior().mean();
    double std = Math.sqrt(gp.prior().variance() / hp.signalVariance());
    double[][] all = {x[0], x[1], x[2], x[3], added};
    double[] ally = {y[0], y[1], y[2], y[3], believed + 1};
    int n = 5;
    RealMatrix k = new Array2DRowRealMatrix(n, n);
    RealVector ys = new ArrayRealVector(n);
    int[] groups = {0, 1};
    for (int i = 0; i < n; i++) {
      ys.setEntry(i, (ally[i] - mean) / std);
      for (int j = 0; j < n; j++) {
        k.setEntry(i, j, kernel(all[i], all[j], hp, groups) + (i == j ? hp.noiseVariance() : 0));
      }
    }
    DecompositionSolver solver = new CholeskyDecomposition(k).getSolver();
    RealVector alpha = solver.solve(ys);
    for (double[] p : new double[][] {{0.5, 0.5}, {0.6, 0.1}, {0.0, 1.0}}) {
      RealVector ks = new ArrayRealVector(n);
      for (int i = 0; i < n; i++) {
        ks.setEntry(i, kernel(p, all[i], hp, groups));
      }
      assertThat(more.predict(p).mean()).isCloseTo(mean + std * ks.dotProduct(alpha), within(1e-9));
      double v = (hp.signalVariance() - ks.dotProduct(solver.solve(ks))) * std * std;
      assertThat(more.predict(p).variance()).isCloseTo(v, within(1e-9));
    }
    // The kriging believer: observing the posterior mean leaves the mean there and shrinks the
    // variance to about the noise.
    GaussianProcess believer = gp.condition(added, believed);
    assertThat(believer.predict(added).mean()).isCloseTo(believed, within(1e-9));
    assertThat(believer.predict(added).variance()).isLessThan(gp.predict(added).variance() / 10);
  }

  @Test
  void hyperparametersRoundTripThroughTheirArray() {
    Hyperparameters hp = new Hyperparameters(new double[] {0.1, -0.2}, 0.5, -3);
    assertThat(Hyperparameters.fromArray(hp.toArray())).isEqualTo(hp);
    double[] scales = hp.logLengthScales();
    scales[0] = 99;
    assertThat(hp.logLengthScales()[0]).isEqualTo(0.1);
    assertThat(hp.lengthScale(1)).isCloseTo(Math.exp(-0.2), within(1e-15));
  }

  private static double kernel(double[] a, double[] b, Hyperparameters hp, int[] groups) {
    double r2 = 0;
    for (int f = 0; f < a.length; f++) {
      double l = hp.lengthScale(groups[f]);
      r2 += (a[f] - b[f]) * (a[f] - b[f]) / (l * l);
    }
    double r = Math.sqrt(r2);
    return hp.signalVariance() * (1 + Math.sqrt(5) * r + 5 * r2 / 3) * Math.exp(-Math.sqrt(5) * r);
  }
}
