package io.infertune.tuner.measure;

/**
 * A two-sided confidence interval for a mean.
 *
 * @param level the coverage, e.g. 0.95
 */
public record ConfidenceInterval(double low, double high, double level) {
  public ConfidenceInterval {
    if (!(low <= high)) {
      throw new IllegalArgumentException("interval low " + low + " must be <= high " + high);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
  }

  public double halfWidth() {
    return (high - low) / 2;
  }

  /** Half-width relative to the centre's magnitude; infinite when the centre is 0. */
  public double relativeHalfWidth() {
    double centre = Math.abs((high + low) / 2);
    return centre == 0 ? Double.POSITIVE_INFINITY : halfWidth() / centre;
  }
}
