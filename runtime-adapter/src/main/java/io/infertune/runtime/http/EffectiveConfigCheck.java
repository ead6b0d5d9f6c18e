package io.infertune.runtime.http;

import io.infertune.runtime.http.LaunchProfile.EffectiveConfig;
import io.infertune.runtime.prometheus.MetricFamily;
import io.infertune.runtime.prometheus.Sample;
import io.infertune.tuner.space.Configuration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a runtime runs the configuration pushed to it, read back from an info metric whose labels
 * are its effective settings ({@code vllm:cache_config_info{cache_dtype="fp8",
 * gpu_memory_utilization="0.85",enable_prefix_caching="True",...} 1}).
 *
 * <p>Values are compared as the runtime writes them: Python's {@code str()} of a bool is {@code
 * True}, of a float {@code 0.85}; so booleans compare by meaning ({@code on}, {@code true}, {@code
 * yes} alike), numbers by value, and other text exactly, case aside. A knob whose value was not
 * rendered ({@code omit}) left the runtime its own default and is not compared; neither is a label
 * the page lacks. Every series of the metric must agree (one per engine with data parallelism).
 */
final class EffectiveConfigCheck {
  private static final Set<String> TRUE = Set.of("true", "on", "yes", "enabled");
  private static final Set<String> FALSE = Set.of("false", "off", "no", "disabled");

  private EffectiveConfigCheck() {}

  /**
   * What differs between {@code pushed} and what {@code page} reports, or empty when they agree or
   * the page does not have the metric.
   */
  static Optional<String> mismatch(
      LaunchProfile profile, EffectiveConfig spec, List<MetricFamily> page, Configuration pushed) {
    List<Sample> series = new ArrayList<>();
    for (MetricFamily f : page) {
      for (Sample s : f.samples()) {
        if (s.name().equals(spec.series())) {
          series.add(s);
        }
      }
    }
    List<String> differences = new ArrayList<>();
    for (Map.Entry<String, String> e : spec.labels().entrySet()) {
      String knob = e.getKey();
      LaunchProfile.Knob k =
          profile.knobs().stream().filter(x -> x.name().equals(knob)).findFirst().orElseThrow();
      Object value = pushed.get(knob);
      if (k.omit().contains(value)) {
        continue;
      }
      String expected = LaunchProfile.text(value);
      for (Sample s : series) {
        String reported = s.labels().get(e.getValue());
        if (reported != null && !same(expected, reported)) {
          differences.add(
              knob + " was pushed as " + expected + ", " + e.getValue() + "=" + reported);
          break;
        }
      }
    }
    return differences.isEmpty()
        ? Optional.empty()
        : Optional.of(spec.series() + " says " + String.join("; ", differences));
  }

  static boolean same(String pushed, String reported) {
    String a = normal(pushed);
    String b = normal(reported);
    if (a.equals(b)) {
      return true;
    }
    try {
      double x = Double.parseDouble(a);
      double y = Double.parseDouble(b);
      return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String normal(String s) {
    String t = s.strip().toLowerCase(Locale.ROOT);
    if (TRUE.contains(t)) {
      return "true";
    }
    if (FALSE.contains(t)) {
      return "false";
    }
    return t;
  }
}
