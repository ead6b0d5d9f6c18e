package io.infertune.strategies;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.strategy.StrategyContext;
import io.infertune.tuner.trial.Trial;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Grid search: every combination of each parameter's {@link Parameter#gridValues grid values}
 * (every value of a discrete parameter, {@code levels} evenly spaced values in its own scale of a
 * continuous one), with conditions honoured: a conditional parameter multiplies only the branches
 * where it is active.
 *
 * <p>The points are visited in an order shuffled from the seed, not lexicographically, so that a
 * campaign stopped early (by its budget, usually) has seen a spread of the whole grid rather than
 * one corner of it. Points already told are skipped.
 *
 * @apiNote follows the {@link SearchStrategy} contract, where "the space" is the grid: {@code ask}
 *     returns fewer than asked (and then none) once every grid point has been asked or told. A grid
 *     of more than {@value #MAX_POINTS} points is refused at construction.
 * @implNote not thread-safe: one campaign drives it from one thread. Memory is one int per grid
 *     point (the shuffled order) plus the configurations visited; points are decoded on demand.
 */
public final class GridSearch implements SearchStrategy {
  /** The levels of a continuous parameter unless told otherwise. */
  public static final int DEFAULT_LEVELS = 5;

  /** The largest grid accepted: beyond it, exhaustive search is the wrong tool. */
  public static final long MAX_POINTS = 1_000_000;

  private final SearchSpace space;
  private final Lattice grid;
  private final RandomGenerator random;
  private final int[] order;
  private final Set<Configuration> seen = new HashSet<>();

  /** Points before it in {@link #order} have been handled (asked, or skipped as told). */
  private int cursor;

  private int gridPointsVisited;
  private int asked;
  private int told;

  /** A grid of {@value #DEFAULT_LEVELS} levels per continuous parameter. */
  public GridSearch(StrategyContext context) {
    this(context, DEFAULT_LEVELS);
  }

  /**
   * @param levels values per continuous parameter (and per integer parameter with more values)
   * @throws IllegalArgumentException when {@code levels < 1} or the grid has more than {@value
   *     #MAX_POINTS} points
   */
  public GridSearch(StrategyContext context, int levels) {
    if (levels < 1) {
      throw new IllegalArgumentException("grid levels must be >= 1, got " + levels);
    }
    this.space = context.space();
    this.grid = Lattice.ofGrid(space, levels);
    if (grid.size() > MAX_POINTS) {
      throw new IllegalArgumentException(
          "a grid of "
              + (grid.size() == Long.MAX_VALUE ? "more than 2^63" : grid.size())
              + " points at "
              + levels
              + " levels exceeds "
              + MAX_POINTS
              + ": use the random or sobol strategy, fewer levels, or fewer parameters");
    }
    this.random = Seeded.random(context.seed());
    this.order = new int[(int) grid.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
  }

  /** The number of points in the grid. */
  public long size() {
    return grid.size();
  }

  @Override
  public List<Configuration> ask(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    List<Configuration> out = new ArrayList<>(Math.min(n, order.length - cursor));
    while (out.size() < n && cursor < order.length) {
      // Fisher–Yates one step at a time: a campaign that stops after k trials pays for k swaps,
      // and the order is still a uniformly random permutation of the grid.
      int j = cursor + random.nextInt(order.length - cursor);
      int point = order[j];
      order[j] = order[cursor];
      order[cursor] = point;
      cursor++;
      Configuration c = grid.get(point);
      if (seen.add(c)) {
        gridPointsVisited++;
        out.add(c);
      }
    }
    asked += out.size();
    return List.copyOf(out);
  }

  @Override
  public void tell(Trial trial) {
    told++;
    Visited.project(space, trial.configuration())
        .filter(grid::contains)
        .ifPresent(
            c -> {
              if (seen.add(c)) {
                gridPointsVisited++;
              }
            });
  }

  /**
   * {@code asked}, {@code told} (every trial, foreign ones too), {@code size} (grid points) and
   * {@code remaining} (grid points neither asked nor told).
   */
  @Override
  public Map<String, Object> state() {
    return Map.of(
        "asked",
        asked,
        "told",
        told,
        "size",
        grid.size(),
        "remaining",
        grid.size() - gridPointsVisited);
  }
}
