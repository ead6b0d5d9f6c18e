package io.infertune.runtime.prometheus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One summary series of a page: the quantile samples, {@code _sum} and {@code _count} that share
 * labels (apart from {@code quantile}).
 *
 * @param labels the series' labels, without {@code quantile}
 * @param quantiles the precomputed quantiles, in increasing order of {@code quantile}
 */
public record SummarySeries(
    Map<String, String> labels,
    List<Quantile> quantiles,
    OptionalDouble sum,
    OptionalDouble count) {

  /** The {@code quantile}-quantile (0..1) of the observations was {@code value}. */
  public record Quantile(double quantile, double value) {}

  public SummarySeries {
    labels = Map.copyOf(labels);
    quantiles = List.copyOf(quantiles);
    Objects.requireNonNull(sum, "sum");
    Objects.requireNonNull(count, "count");
  }

  /** Groups the samples of summary {@code base} into series, one per label set. */
  static List<SummarySeries> group(String base, Iterable<Sample> samples) {
    Map<Map<String, String>, Parts> byLabels = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (s.name().equals(base)) {
        OptionalDouble q = s.numericLabel("quantile");
        if (q.isPresent()) {
          Map<String, String> key = new LinkedHashMap<>(s.labels());
          key.remove("quantile");
          byLabels
              .computeIfAbsent(Map.copyOf(key), k -> new Parts())
              .quantiles
              .add(new Quantile(q.getAsDouble(), s.value()));
        }
      } else if (s.name().equals(base + "_sum")) {
        byLabels.computeIfAbsent(s.labels(), k -> new Parts()).sum = OptionalDouble.of(s.value());
      } else if (s.name().equals(base + "_count")) {
        byLabels.computeIfAbsent(s.labels(), k -> new Parts()).count = OptionalDouble.of(s.value());
      }
    }
    List<SummarySeries> out = new ArrayList<>();
    byLabels.forEach(
        (labels, p) -> {
          p.quantiles.sort(Comparator.comparingDouble(Quantile::quantile));
          out.add(new SummarySeries(labels, p.quantiles, p.sum, p.count));
        });
    return out;
  }

  private static final class Parts {
    final List<Quantile> quantiles = new ArrayList<>();
    OptionalDouble sum = OptionalDouble.empty();
    OptionalDouble count = OptionalDouble.empty();
  }
}
