package io.infertune.runtime.prometheus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One histogram series of a page: the {@code _bucket}, {@code _sum} and {@code _count} samples that
 * share labels (apart from {@code le}).
 *
 * @param labels the series' labels, without {@code le}
 * @param buckets cumulative counts by upper bound, in increasing order of bound
 * @param sum the {@code _sum} sample, when the page has it
 * @param count the {@code _count} sample, when the page has it
 */
public record HistogramSeries(
    Map<String, String> labels, List<Bucket> buckets, OptionalDouble sum, OptionalDouble count) {

  /** Observations at most {@code upperBound}: {@code cumulativeCount}. */
  public record Bucket(double upperBound, double cumulativeCount) {}

  public HistogramSeries {
    labels = Map.copyOf(labels);
    buckets = List.copyOf(buckets);
    Objects.requireNonNull(sum, "sum");
    Objects.requireNonNull(count, "count");
  }

  /**
   * All observations: the {@code +Inf} bucket, or {@code _count} where a page leaves that bucket
   * out.
   */
  public OptionalDouble total() {
    if (!buckets.isEmpty()
        && buckets.get(buckets.size() - 1).upperBound() == Double.POSITIVE_INFINITY) {
      return OptionalDouble.of(buckets.get(buckets.size() - 1).cumulativeCount());
    }
    return count;
  }

  /**
   * Groups the samples named {@code base_bucket}, {@code base_sum} and {@code base_count} into
   * series, one per label set without {@code le}, in the order the series first appear. Buckets
   * whose {@code le} is missing or not a number are left out (the parser rejects them in typed
   * histograms).
   */
  static List<HistogramSeries> group(String base, Iterable<Sample> samples) {
    String bucketName = base + "_bucket";
    String sumName = base + "_sum";
    String countName = base + "_count";
    Map<Map<String, String>, Parts> byLabels = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (s.name().equals(bucketName)) {
        OptionalDouble le = s.numericLabel("le");
        if (le.isPresent()) {
          Map<String, String> key = new HashMap<>(s.labels());
          key.remove("le");
          byLabels
              .computeIfAbsent(key, k -> new Parts())
              .buckets
              .add(new Bucket(le.getAsDouble(), s.value()));
        }
      } else if (s.name().equals(sumName)) {
        byLabels.computeIfAbsent(s.labels(), k -> new Parts()).sum = OptionalDouble.of(s.value());
      } else if (s.name().equals(countName)) {
        byLabels.computeIfAbsent(s.labels(), k -> new Parts()).count = OptionalDouble.of(s.value());
      }
    }
    List<HistogramSeries> out = new ArrayList<>();
    byLabels.forEach(
        (labels, p) -> {
          p.buckets.sort(Comparator.comparingDouble(Bucket::upperBound));
          out.add(new HistogramSeries(labels, p.buckets, p.sum, p.count));
        });
    return out;
  }

  private static final class Parts {
    final List<Bucket> buckets = new ArrayList<>();
    OptionalDouble sum = OptionalDouble.empty();
    OptionalDouble count = OptionalDouble.empty();
  }
}
