package io.infertune.runtime.workload;

import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.trial.WorkloadSpec;

/** Workloads from campaign specs. */
public final class Workloads {
  private Workloads() {}

  /**
   * The load {@code spec} describes, over the standard corpus, on the system clock and virtual
   * threads.
   *
   * @throws IllegalArgumentException when the spec asks for more distinct inputs than the corpus
   *     can give ({@link DistinctInputs#capacity})
   */
  public static Workload from(WorkloadSpec spec) {
    return CorpusWorkload.builder(spec).build();
  }
}
