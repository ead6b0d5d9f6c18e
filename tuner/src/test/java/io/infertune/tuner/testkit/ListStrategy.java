package io.infertune.tuner.testkit;

import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.strategy.SearchStrategy;
import io.infertune.tuner.trial.Trial;
import java.util.ArrayList;
import java.util.List;

/** Proposes a fixed list of configurations in order and remembers what it was told. */
public final class ListStrategy implements SearchStrategy {
  private final List<Configuration> proposals;
  private final List<Trial> told = new ArrayList<>();
  private int next;

  public ListStrategy(List<Configuration> proposals) {
    this.proposals = List.copyOf(proposals);
  }

  @Override
  public List<Configuration> ask(int n) {
    List<Configuration> out = new ArrayList<>();
    while (out.size() < n && next < proposals.size()) {
      out.add(proposals.get(next++));
    }
    return out;
  }

  @Override
  public void tell(Trial trial) {
    told.add(trial);
  }

  public List<Trial> told() {
    return List.copyOf(told);
  }
}
