package io.infertune.strategies.bayes;

import java.util.Arrays;
import java.util.Objects;

/**
 * Gaussian-process regression with a Matérn-5/2 kernel, one length scale per group of input
 * features (automatic relevance determination), a signal variance and a noise variance. Targets are
 * standardised internally (mean 0, variance 1), so hyper-parameters live on one scale whatever the
 * metric's units.
 *
 * <p>With {@code r² = Σ_f ((x_f − x'_f) / ℓ_{g(f)})²}, where {@code g(f)} is the group of feature
 * {@code f} (a categorical parameter's one-hot columns share one length scale):
 *
 * <pre>
 *   k(x, x') = σf² (1 + √5 r + 5r²/3) e^{−√5 r}
 *   L Lᵀ = K + σn² I                        (Cholesky; jitter added if K is not positive definite)
 *   α = (K + σn² I)⁻¹ y = L⁻ᵀ L⁻¹ y
 *   mean(x*)     = k*ᵀ α
 *   variance(x*) = k(x*, x*) − vᵀv,  v = L⁻¹ k*   (latent: the noise σn² is not included)
 *   log p(y | θ) = −½ yᵀα − Σ_i log L_ii − (n/2) log 2π
 * </pre>
 *
 * Means and variances are returned in the units of the targets ({@code yMean + yStd · mean}, {@code
 * yStd² · variance}).
 *
 * <p>{@link #condition} adds one observation in O(n²) by extending the Cholesky factor, keeping the
 * hyper-parameters and the standardisation: what the kriging believer needs to choose a batch.
 *
 * @implNote immutable after construction and thread-safe. Memory is O(n²) for the Cholesky factor
 *     (its rows are shared, never copied, between a process and its {@link #condition}ed
 *     successors); construction costs O(n² d) for the kernel and O(n³/3) for the factorisation, a
 *     prediction O(n d + n²).
 */
public final class GaussianProcess {
  private static final double SQRT5 = Math.sqrt(5);
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  /** Jitter tried on the diagonal, in order, when the factorisation fails. */
  private static final double[] JITTER = {0, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4};

  private final double[][] x;
  private final double[] ys;
  private final double yMean;
  private final double yStd;
  private final Hyperparameters hp;
  private final int[] groups;
  private final double[] invLengthSquared;
  private final double signalVariance;
  private final double diagonal;

  /** Ragged lower-triangular Cholesky factor: row i holds i + 1 entries. */
  private final double[][] lower;

  private final double[] z;
  private final double[] alpha;
  private final double logMarginalLikelihood;

  /**
   * The kernel's hyper-parameters, in log space so that any real vector is valid.
   *
   * @param logLengthScales one per group of input features
   * @param logSignalVariance {@code log σf²}, of the standardised targets
   * @param logNoiseVariance {@code log σn²}, of the standardised targets
   */
  public record Hyperparameters(
      double[] logLengthScales, double logSignalVariance, double logNoiseVariance) {
    public Hyperparameters {
      logLengthScales = logLengthScales.clone();
      if (logLengthScales.length == 0) {
        throw new IllegalArgumentException("at least one length scale is needed");
      }
      for (double v : toArray(logLengthScales, logSignalVariance, logNoiseVariance)) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("hyper-parameters must be finite");
        }
      }
    }

    /** Length scales 0.3 (of the unit cube), signal variance 1, noise variance 0.01. */
    public static Hyperparameters initial(int lengthScales) {
      double[] l = new double[lengthScales];
      Arrays.fill(l, Math.log(0.3));
      return new Hyperparameters(l, 0.0, Math.log(1e-2));
    }

    @Override
    public double[] logLengthScales() {
      return logLengthScales.clone();
    }

    public int lengthScaleCount() {
      return logLengthScales.length;
    }

    public double lengthScale(int group) {
      return Math.exp(logLengthScales[group]);
    }

    public double signalVariance() {
      return Math.exp(logSignalVariance);
    }

    public double noiseVariance() {
      return Math.exp(logNoiseVariance);
    }

    /** {@code [log ℓ_1 .. log ℓ_G, log σf², log σn²]}. */
    public double[] toArray() {
      return toArray(logLengthScales, logSignalVariance, logNoiseVariance);
    }

    /** The inverse of {@link #toArray}. */
    public static Hyperparameters fromArray(double[] a) {
      if (a.length < 3) {
        throw new IllegalArgumentException("need at least 3 values, got " + a.length);
      }
      int d = a.length - 2;
      return new Hyperparameters(Arrays.copyOf(a, d), a[d], a[d + 1]);
    }

    private static double[] toArray(double[] logLengthScales, double signal, double noise) {
      double[] a = Arrays.copyOf(logLengthScales, logLengthScales.length + 2);
      a[logLengthScales.length] = signal;
      a[logLengthScales.length + 1] = noise;
      return a;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hyperparameters h && Arrays.equals(toArray(), h.toArray());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(toArray());
    }

    @Override
    public String toString() {
      return "Hyperparameters" + Arrays.toString(toArray());
    }
  }

  /**
   * A posterior prediction in the units of the targets.
   *
   * @param variance of the latent function, noise excluded
   */
  public record Prediction(double mean, double variance) {
    public double std() {
      return Math.sqrt(Math.max(variance, 0));
    }
  }

  /**
   * Conditions the process on observations, each input feature with a length scale of its own.
   *
   * @throws IllegalArgumentException when the kernel matrix is not positive definite even with
   *     jitter, or the shapes disagree
   */
  public GaussianProcess(double[][] x, double[] y, Hyperparameters hp) {
    this(x, y, hp, identity(x.length == 0 ? 0 : x[0].length));
  }

  /**
   * Conditions the process on observations.
   *
   * @param x inputs, each of the same dimension (typically in [0, 1])
   * @param y targets, finite
   * @param groups for each input feature, the index of its length scale in {@code hp}
   * @throws IllegalArgumentException when the kernel matrix is not positive definite even with
   *     jitter, or the shapes disagree
   */
  public GaussianProcess(double[][] x, double[] y, Hyperparameters hp, int[] groups) {
    Objects.requireNonNull(hp, "hp");
    if (x.length == 0 || x.length != y.length) {
      throw new IllegalArgumentException("need as many targets as inputs, and at least one");
    }
    this.groups = groups.clone();
    for (int g : this.groups) {
      if (g < 0 || g >= hp.lengthScaleCount()) {
        throw new IllegalArgumentException(
            "feature group " + g + " has no length scale (" + hp.lengthScaleCount() + ")");
      }
    }
    int n = x.length;
    this.x = new double[n][];
    for (int i = 0; i < n; i++) {
      if (x[i].length != groups.length) {
        throw new IllegalArgumentException(
            "input " + i + " has " + x[i].length + " features, expected " + groups.length);
      }
      this.x[i] = x[i].clone();
    }
    this.hp = hp;
    double mean = 0;
    for (double v : y) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("targets must be finite, got " + v);
      }
      mean += v;
    }
    mean /= n;
    double var = 0;
    for (double v : y) {
      var += (v - mean) * (v - mean);
    }
    double std = n > 1 ? Math.sqrt(var / (n - 1)) : 1;
    this.yMean = mean;
    this.yStd = std > 1e-12 * Math.max(1, Math.abs(mean)) ? std : 1;
    this.ys = new double[n];
    for (int i = 0; i < n; i++) {
      ys[i] = (y[i] - yMean) / yStd;
    }
    this.invLengthSquared = inverseSquared(hp, this.groups);
    this.signalVariance = hp.signalVariance();
    double[][] k = new double[n][];
    for (int i = 0; i < n; i++) {
      k[i] = new double[i + 1];
      for (int j = 0; j <= i; j++) {
        k[i][j] = signalVariance * matern(r(this.x[i], this.x[j], invLengthSquared));
      }
    }
    double[][] l = null;
    double used = 0;
    for (double jitter : JITTER) {
      used = hp.noiseVariance() + jitter;
      l = cholesky(k, used);
      if (l != null) {
        break;
      }
    }
    if (l == null) {
      throw new IllegalArgumentException("kernel matrix is not positive definite");
    }
    this.diagonal = used;
    this.lower = l;
    this.z = forward(l, ys);
    this.alpha = backward(l, z);
    double logDet = 0;
    double quad = 0;
    for (int i = 0; i < n; i++) {
      logDet += Math.log(l[i][i]);
      quad += z[i] * z[i];
    }
    this.logMarginalLikelihood = -0.5 * quad - logDet - 0.5 * n * LOG_2PI;
  }

  private GaussianProcess(
      GaussianProcess base, double[] point, double standardised, double[] row, double[] z) {
    int n = base.x.length;
    this.x = Arrays.copyOf(base.x, n + 1);
    this.x[n] = point.clone();
    this.ys = Arrays.copyOf(base.ys, n + 1);
    this.ys[n] = standardised;
    this.yMean = base.yMean;
    this.yStd = base.yStd;
    this.hp = base.hp;
    this.groups = base.groups;
    this.invLengthSquared = base.invLengthSquared;
    this.signalVariance = base.signalVariance;
    this.diagonal = base.diagonal;
    this.lower = Arrays.copyOf(base.lower, n + 1);
    this.lower[n] = row;
    this.z = z;
    this.alpha = backward(lower, z);
    double quad = 0;
    double logDet = 0;
    for (int i = 0; i <= n; i++) {
      quad += z[i] * z[i];
      logDet += Math.log(lower[i][i]);
    }
    this.logMarginalLikelihood = -0.5 * quad - logDet - 0.5 * (n + 1) * LOG_2PI;
  }

  /**
   * This process with one more observation, the hyper-parameters and the standardisation kept: the
   * Cholesky factor grows by one row, in O(n²).
   *
   * @throws IllegalArgumentException when the point duplicates an observation so closely that the
   *     factor cannot grow (only possible with a noise variance near zero)
   */
  public GaussianProcess condition(double[] point, double value) {
    if (point.length != groups.length) {
      throw new IllegalArgumentException(
          "point has " + point.length + " features, expected " + groups.length);
    }
    int n = x.length;
    double[] ks = kernelVector(point);
    double[] v = forward(lower, ks);
    double d = signalVariance + diagonal;
    for (double vi : v) {
      d -= vi * vi;
    }
    if (!(d > 0)) {
      throw new IllegalArgumentException("the point is too close to an observation");
    }
    double[] row = Arrays.copyOf(v, n + 1);
    row[n] = Math.sqrt(d);
    double s = (value - yMean) / yStd;
    double[] z2 = Arrays.copyOf(z, n + 1);
    double t = s;
    for (int j = 0; j < n; j++) {
      t -= v[j] * z[j];
    }
    z2[n] = t / row[n];
    return new GaussianProcess(this, point, s, row, z2);
  }

  /** The posterior at {@code point}, in the units of the targets. */
  public Prediction predict(double[] point) {
    double[] ks = kernelVector(point);
    double mean = dot(ks, alpha, ks.length);
    double[] v = forward(lower, ks);
    double var = signalVariance - dot(v, v, v.length);
    var = Math.max(var, 1e-12 * signalVariance);
    return new Prediction(yMean + yStd * mean, var * yStd * yStd);
  }

  /** The prior (no observations) mean and variance, in the units of the targets. */
  public Prediction prior() {
    return new Prediction(yMean, signalVariance * yStd * yStd);
  }

  /** Log marginal likelihood of the standardised targets under the hyper-parameters. */
  public double logMarginalLikelihood() {
    return logMarginalLikelihood;
  }

  public Hyperparameters hyperparameters() {
    return hp;
  }

  /** The number of observations. */
  public int size() {
    return x.length;
  }

  /** The number of input features. */
  public int features() {
    return groups.length;
  }

  private double[] kernelVector(double[] point) {
    int n = x.length;
    double[] ks = new double[n];
    for (int i = 0; i < n; i++) {
      ks[i] = signalVariance * matern(r(point, x[i], invLengthSquared));
    }
    return ks;
  }

  /** The Matérn-5/2 correlation at scaled distance {@code r}. */
  static double matern(double r) {
    double s = SQRT5 * r;
    return (1 + s + s * s / 3) * Math.exp(-s);
  }

  static double r(double[] a, double[] b, double[] invLengthSquared) {
    double sum = 0;
    for (int d = 0; d < a.length; d++) {
      double diff = a[d] - b[d];
      sum += diff * diff * invLengthSquared[d];
    }
    return Math.sqrt(sum);
  }

  private static double[] inverseSquared(Hyperparameters hp, int[] groups) {
    double[] log = hp.logLengthScales;
    double[] out = new double[groups.length];
    for (int f = 0; f < out.length; f++) {
      out[f] = Math.exp(-2 * log[groups[f]]);
    }
    return out;
  }

  private static int[] identity(int n) {
    int[] g = new int[n];
    for (int i = 0; i < n; i++) {
      g[i] = i;
    }
    return g;
  }

  /**
   * The ragged lower Cholesky factor of {@code k + diag·I} ({@code k} given by its lower triangle,
   * row i with i + 1 entries), or null when the matrix is not (numerically) positive definite.
   */
  static double[][] cholesky(double[][] k, double diag) {
    int n = k.length;
    double[][] l = new double[n][];
    for (int i = 0; i < n; i++) {
      double[] li = new double[i + 1];
      double[] ki = k[i];
      for (int j = 0; j < i; j++) {
        double[] lj = l[j];
        li[j] = (ki[j] - dot(li, lj, j)) / lj[j];
      }
      double s = ki[i] + diag - dot(li, li, i);
      if (!(s > 0) || !Double.isFinite(s)) {
        return null;
      }
      li[i] = Math.sqrt(s);
      l[i] = li;
    }
    return l;
  }

  /**
   * {@code Σ_{i<n} a_i b_i} with four partial sums: the sums are independent chains, so the
   * processor overlaps them (a single running sum waits for each addition to finish). Every O(n²)
   * and O(n³) loop of the process is such a dot product.
   */
  static double dot(double[] a, double[] b, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Solves {@code L z = b} for lower-triangular {@code L} (ragged rows). */
  static double[] forward(double[][] l, double[] b) {
    int n = b.length;
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      double[] li = l[i];
      z[i] = (b[i] - dot(li, z, i)) / li[i];
    }
    return z;
  }

  /** Solves {@code Lᵀ a = z} for lower-triangular {@code L} (ragged rows). */
  static double[] backward(double[][] l, double[] z) {
    int n = z.length;
    double[] a = z.clone();
    // Column-oriented: once a[i] is known, remove its contribution from the rows above, reading
    // row i of L contiguously.
    for (int i = n - 1; i >= 0; i--) {
      double[] li = l[i];
      a[i] /= li[i];
      double ai = a[i];
      for (int j = 0; j < i; j++) {
        a[j] -= li[j] * ai;
      }
    }
    return a;
  }
}
