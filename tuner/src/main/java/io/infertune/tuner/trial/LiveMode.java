package io.infertune.tuner.trial;

/**
 * A campaign measured under the runtime's real traffic instead of Infertune's load generator
 * (ARCHITECTURE.md, "Continuous tuning"). Production requests see every trial, so the campaign
 * stays close to what is known to work:
 *
 * <ul>
 *   <li>only configurations in a trust region around the configuration in force at the start (the
 *       incumbent) are tried: each numeric knob within {@code trustRegion} of its range on either
 *       side (in the knob's own scale, logarithmic where the knob is), each ordinal knob within as
 *       many levels (at least one), and categorical knobs (device placement, say) held at the
 *       incumbent's value, since a switch there is no small step;
 *   <li>every interval of a trial, warm-up included, is checked against the campaign's constraints
 *       (its SLO); the first interval that breaks one ends the trial (PRUNED with what it measured,
 *       or FAILED when its objective was not measured) and the incumbent is put back at once.
 * </ul>
 *
 * Trials should be short (a few sample intervals): the measurement spec says how short.
 *
 * @param trustRegion half-width of the region around the incumbent, as a fraction of each knob's
 *     range, in (0, 1]; 1 lets numeric and ordinal knobs take any value
 */
public record LiveMode(double trustRegion) {
  /** A region of ±20 % of each knob's range. */
  public static final LiveMode DEFAULT = new LiveMode(0.2);

  public LiveMode {
    if (!(trustRegion > 0 && trustRegion <= 1)) {
      throw new IllegalArgumentException("trustRegion must be in (0, 1], got " + trustRegion);
    }
  }
}
