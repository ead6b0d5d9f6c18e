package io.infertune.tuner.study;

import io.infertune.tuner.space.Names;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** What a caller reports for a trial it evaluated. */
public sealed interface TrialOutcome {
  /**
   * The evaluation succeeded.
   *
   * @param values the value of every objective, by metric name
   * @param metrics other metrics, e.g. those the study's constraints bound
   */
  record Measured(Map<String, Double> values, Map<String, Double> metrics) implements TrialOutcome {
    public Measured {
      values = checked("values", values);
      metrics = checked("metrics", metrics);
      for (String name : values.keySet()) {
        if (metrics.containsKey(name)) {
          throw new IllegalArgumentException(
              "metrics." + name + " repeats values." + name + "; report it once");
        }
      }
    }

    private static Map<String, Double> checked(String field, Map<String, Double> in) {
      var out = new TreeMap<String, Double>();
      in.forEach(
          (name, v) -> {
            Names.require(field + " metric", name);
            if (v == null || !Double.isFinite(v)) {
              throw new IllegalArgumentException(field + "." + name + " must be a finite number");
            }
            out.put(name, v);
          });
      return java.util.Collections.unmodifiableMap(out);
    }
  }

  /**
   * The evaluation failed (a crash, an out-of-memory, a timeout): the strategy learns to avoid the
   * region.
   */
  record Failed(String reason) implements TrialOutcome {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      if (reason.isBlank() || reason.length() > 2000) {
        throw new IllegalArgumentException("reason must be 1-2000 characters");
      }
    }
  }
}
