package io.infertune.tuner.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.HostCpu;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.testkit.InMemoryTrialStore;
import io.infertune.tuner.testkit.ListStrategy;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.ShapedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Trials measured while other processes took much of the machine say so. */
class CampaignRunnerNoisyWindowTest {
  @Test
  void aTrialWhoseWindowOthersCrowdedCarriesANoteAndAQuietOneNone() {
    ManualTicker ticker = new ManualTicker();
    InMemoryTrialStore store = new InMemoryTrialStore();
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).build();
    // Other processes take 10 % of both CPUs until the manual clock passes 5.5 s, then 60 %:
    // the baseline's window is 1-5 s, the proposal's 6-10 s.
    AtomicLong busyNanos = new AtomicLong();
    AtomicLong lastNanos = new AtomicLong(ticker.nanos());
    HostCpu host =
        () -> {
          long now = ticker.nanos();
          double share = now > 5_500_000_000L ? 0.6 : 0.1;
          busyNanos.addAndGet((long) (2 * share * (now - lastNanos.getAndSet(now))));
          return Optional.of(new HostCpu.Reading(now, busyNanos.get() / 1e9, 2, 0));
        };
    CampaignSpec spec =
        new CampaignSpec(
            "noisy",
            runtime.id(),
            runtime.knobs(),
            Objective.maximize("throughput_rps"),
            List.of(),
            new StrategySpec("list", 1),
            new Budget(2, Optional.empty()),
            new MeasurementSpec(
                Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(1)),
            WorkloadSpec.closedLoop(1, 1));
    Campaign c = Campaign.created("c", spec, "test", ticker.now());
    store.createCampaign(c);
    CampaignRunner.builder()
        .store(store)
        .runtime(runtime)
        .strategies(
            (type, ctx) ->
                new ListStrategy(
                    List.of(Configuration.of("batch_size", 4, "quantization", "int8"))))
        .workload(new TrickleWorkload())
        .ticker(ticker)
        .hostCpu(host)
        .cores(2)
        .build()
        .run(c);

    List<Trial> trials = store.trials(c.id());
    assertThat(trials.get(0).reason()).isEmpty();
    assertThat(trials.get(0).measurement().orElseThrow().report().orElseThrow().noisy()).isFalse();
    assertThat(trials.get(1).reason())
        .contains(
            "noisy window: other processes used 60 % and this service's API 0 % of the machine's"
                + " CPUs");
    assertThat(trials.get(1).status()).isEqualTo(io.infertune.tuner.trial.TrialStatus.COMPLETED);
  }
}
