package io.infertune.store;

import io.infertune.tuner.measure.Measurement;
import io.infertune.tuner.measure.MetricSummary;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.TrialStoreContract;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A child process for {@link H2CrashDurabilityTest}: saves trials into the H2 store of the data
 * directory {@code args[0]} as fast as it can, each first RUNNING then measured with {@link
 * #METRICS} metrics (one trial row and that many metric rows), printing {@code saved N} after each
 * final save, until it is killed. Started again on the same directory it goes on where it was, as
 * the service does: a trial left RUNNING becomes ABORTED and numbering continues.
 */
public final class TrialWriterChild {
  static final String CAMPAIGN = "crash";
  static final int METRICS = 24;

  private TrialWriterChild() {}

  /** The measurement every trial gets: what a reader checks it got back whole. */
  static Measurement measurement(int number) {
    Map<String, MetricSummary> metrics = new LinkedHashMap<>();
    for (int i = 0; i < METRICS; i++) {
      double v = number * 1000.0 + i;
      metrics.put("metric_" + i, new MetricSummary(v, v, v + 1, v + 2, 10 + i, Optional.empty()));
    }
    return new Measurement(metrics, Duration.ofSeconds(1));
  }

  public static void main(String[] args) {
    Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
    try (JdbcTrialStore store = TrialStores.openH2(Path.of(args[0]))) {
      if (store.campaign(CAMPAIGN).isEmpty()) {
        store.createCampaign(Campaign.created(CAMPAIGN, TrialStoreContract.spec(), "test", t0));
      }
      int next = 0;
      for (Trial t : store.trials(CAMPAIGN)) {
        if (t.status() == TrialStatus.RUNNING) {
          store.saveTrial(t.ended(TrialStatus.ABORTED, "interrupted", t0));
        }
        next = Math.max(next, t.number() + 1);
      }
      for (int n = next; ; n++) {
        Trial running =
            Trial.running(CAMPAIGN, n, Configuration.of("batch_size", n % 64 + 1), n == 0, t0);
        store.saveTrial(running);
        store.saveTrial(running.measured(measurement(n), n, Optional.empty(), t0.plusSeconds(1)));
        System.out.println("saved " + n);
        System.out.flush();
      }
    }
  }
}
