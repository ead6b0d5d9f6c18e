package io.infertune.strategies;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The configurations of one space that a strategy has asked or been told, and, for a space small
 * enough to enumerate, what is left of it.
 *
 * @implNote not thread-safe: owned by one strategy.
 */
final class Visited {
  /**
   * Spaces with at most this many points (by the plain product of the parameters' cardinalities, an
   * upper bound of the exact count) are enumerated, so that exhaustion is detected exactly and the
   * last unvisited points are found without luck. Larger spaces would need more trials than any
   * campaign runs before a rejection sampler starts to miss.
   */
  static final long ENUMERABLE = 1 << 16;

  /**
   * How many candidates a sampler may draw for one new point before the remainder is enumerated.
   * When a fraction f of the space is visited, a fresh draw repeats with probability about f, so
   * 256 misses in a row mean the space is nearly exhausted (or f > 0.97).
   */
  static final int MAX_DRAWS = 256;

  private final Set<Configuration> seen = new HashSet<>();
  private final Optional<Lattice> all;

  Visited(SearchSpace space) {
    this.all =
        space.cardinality() <= ENUMERABLE
            ? Optional.of(Lattice.ofDomains(space))
            : Optional.empty();
  }

  /**
   * The configuration of {@code space} that {@code c} applied: knobs outside the space and
   * parameters that are inactive given the others are dropped (a runtime reports every knob it has,
   * active or not), values are canonicalised. Empty when an active parameter is missing or out of
   * its domain: such a trial tells nothing about a point of this space.
   */
  static Optional<Configuration> project(SearchSpace space, Configuration c) {
    Configuration restricted = c.restrictTo(space);
    Map<String, Object> chosen = new LinkedHashMap<>();
    for (Parameter p : space.parameters()) {
      if (!space.isActive(p, chosen)) {
        continue;
      }
      Optional<Object> v = restricted.find(p.name());
      if (v.isEmpty() || !p.contains(v.get())) {
        return Optional.empty();
      }
      chosen.put(p.name(), p.canonical(v.get()));
    }
    return Optional.of(new Configuration(chosen));
  }

  /** Marks a configuration (valid in the space, canonical) visited; whether it was new. */
  boolean add(Configuration c) {
    return seen.add(c);
  }

  boolean contains(Configuration c) {
    return seen.contains(c);
  }

  /** The number of distinct configurations of the space visited. */
  int size() {
    return seen.size();
  }

  /** The number of configurations in the space, when the space is enumerated. */
  OptionalLong total() {
    return all.map(l -> OptionalLong.of(l.size())).orElse(OptionalLong.empty());
  }

  /** Whether every configuration of an enumerated space has been visited. */
  boolean exhausted() {
    return all.isPresent() && seen.size() >= all.get().size();
  }

  /**
   * The next configuration not yet visited, marked visited: the first new one among up to {@link
   * #MAX_DRAWS} candidates, else one picked from the remainder. Empty only when the space is
   * exhausted (or, for a space too large to enumerate, when every draw repeated).
   *
   * @param candidates draws in the space, canonical (as {@link SearchSpace#fromUnit} makes them)
   * @param random picks from the remainder
   */
  Optional<Configuration> next(Supplier<Configuration> candidates, RandomGenerator random) {
    if (exhausted()) {
      return Optional.empty();
    }
    for (int i = 0; i < MAX_DRAWS; i++) {
      Configuration c = candidates.get();
      if (seen.add(c)) {
        return Optional.of(c);
      }
    }
    Optional<Configuration> c = pickUnvisited(random);
    c.ifPresent(seen::add);
    return c;
  }

  /**
   * A configuration not yet visited, uniform over the remainder, when the space is enumerated and
   * not exhausted. Costs a pass over the space: for when a sampler keeps hitting visited points.
   */
  Optional<Configuration> pickUnvisited(RandomGenerator random) {
    if (all.isEmpty() || exhausted()) {
      return Optional.empty();
    }
    Lattice lattice = all.get();
    long left = lattice.size() - seen.size();
    long k = random.nextLong(left);
    for (long i = 0; i < lattice.size(); i++) {
      Configuration c = lattice.get(i);
      if (!seen.contains(c) && k-- == 0) {
        return Optional.of(c);
      }
    }
    throw new IllegalStateException("visited set holds configurations outside the space");
  }
}
