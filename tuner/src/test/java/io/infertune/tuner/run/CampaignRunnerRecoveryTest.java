package io.infertune.tuner.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.MetricSource;
import io.infertune.tuner.measure.MetricSourceException;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.runtime.ApplyFailedException;
import io.infertune.tuner.runtime.RequestSink;
import io.infertune.tuner.runtime.RuntimeAdapter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.testkit.InMemoryTrialStore;
import io.infertune.tuner.testkit.ListStrategy;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.SimulatedRuntime;
import io.infertune.tuner.testkit.TrickleWorkload;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A runtime that dies under a trial (its metrics cannot be read while it runs one configuration):
 * the trial is FAILED with the reason, the runtime is recovered on the configuration of the last
 * trial that completed (not the one that failed, nor necessarily the original), and the campaign
 * goes on.
 */
class CampaignRunnerRecoveryTest {
  private static final Configuration B4_FP32 =
      Configuration.of("batch_size", 4, "quantization", "fp32");
  private static final Configuration B16_INT8 =
      Configuration.of("batch_size", 16, "quantization", "int8");
  private static final Configuration B16_FP32 =
      Configuration.of("batch_size", 16, "quantization", "fp32");

  private final ManualTicker ticker = new ManualTicker();
  private final SimulatedRuntime simulated = new SimulatedRuntime(ticker);
  private final InMemoryTrialStore store = new InMemoryTrialStore();

  /** The simulated runtime, whose page cannot be read while it runs {@code dies}. */
  private final class DiesOn implements RuntimeAdapter {
    private final Configuration dies;
    final List<Configuration> recoveredOn = new ArrayList<>();

    DiesOn(Configuration dies) {
      this.dies = dies;
    }

    @Override
    public String id() {
      return simulated.id();
    }

    @Override
    public String kind() {
      return simulated.kind();
    }

    @Override
    public SearchSpace knobs() {
      return simulated.knobs();
    }

    @Override
    public Configuration defaults() {
      return simulated.defaults();
    }

    @Override
    public Configuration current() {
      return simulated.current();
    }

    @Override
    public void apply(Configuration configuration) throws ApplyFailedException {
      simulated.apply(configuration);
    }

    @Override
    public void recover(Configuration lastKnownGood) throws ApplyFailedException {
      recoveredOn.add(lastKnownGood);
      simulated.apply(lastKnownGood);
    }

    @Override
    public MetricSource metrics() {
      MetricSource page = simulated.metrics();
      return () -> {
        if (simulated.current().values().entrySet().containsAll(dies.values().entrySet())) {
          throw new MetricSourceException("connection refused: the runtime process is gone");
        }
        return page.sample();
      };
    }

    @Override
    public RequestSink requests() {
      return simulated.requests();
    }

    @Override
    public boolean liveReconfigurable() {
      return simulated.liveReconfigurable();
    }

    @Override
    public void close() {
      simulated.close();
    }
  }

  @Test
  void aRuntimeThatDiesUnderATrialIsRecoveredOnTheLastCompletedConfiguration() {
    DiesOn runtime = new DiesOn(B16_INT8);
    CampaignSpec spec =
        new CampaignSpec(
            "test",
            runtime.id(),
            runtime.knobs(),
            Objective.maximize("throughput_rps"),
            List.of(),
            new StrategySpec("list", 1),
            new Budget(4, Optional.empty()),
            new MeasurementSpec(
                Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(1)),
            WorkloadSpec.closedLoop(1, 1));
    Campaign c = Campaign.created("c1", spec, "operator", ticker.now());
    store.createCampaign(c);
    ListStrategy strategy = new ListStrategy(List.of(B4_FP32, B16_INT8, B16_FP32));
    CampaignOutcome o =
        CampaignRunner.builder()
            .store(store)
            .runtime(runtime)
            .strategies((type, ctx) -> strategy)
            .workload(new TrickleWorkload())
            .ticker(ticker)
            .cores(2)
            .deploymentIds(() -> "d")
            .build()
            .run(c);

    List<Trial> trials = store.trials("c1");
    assertThat(trials)
        .extracting(Trial::status)
        .containsExactly(
            TrialStatus.COMPLETED,
            TrialStatus.COMPLETED,
            TrialStatus.FAILED,
            TrialStatus.COMPLETED);
    assertThat(trials.get(2).reason().orElseThrow())
        .contains("measurement failed")
        .contains("the runtime process is gone")
        .contains("runtime recovered on the last known-good configuration");
    Configuration lastCompleted = trials.get(1).configuration();
    assertThat(runtime.recoveredOn).containsExactly(lastCompleted);
    assertThat(lastCompleted.values()).containsAllEntriesOf(B4_FP32.values());
    assertThat(o.campaign().status()).isEqualTo(CampaignStatus.COMPLETED);
  }
}
