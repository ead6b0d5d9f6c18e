package io.infertune.tuner.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.WindowReport;
import io.infertune.tuner.objective.Constraint;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.runtime.Workload;
import io.infertune.tuner.space.CategoricalParameter;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.OrdinalParameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.testkit.InMemoryTrialStore;
import io.infertune.tuner.testkit.ListStrategy;
import io.infertune.tuner.testkit.ManualTicker;
import io.infertune.tuner.testkit.ShapedRuntime;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.LiveMode;
import io.infertune.tuner.trial.PromotionPolicy;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Live campaigns: measured under the runtime's own traffic ({@link ShapedRuntime} serves requests
 * whatever Infertune sends), in a trust region around the incumbent, each interval checked against
 * the SLO.
 */
class CampaignRunnerLiveTest {
  private static final Configuration B1 = Configuration.of("batch_size", 1, "quantization", "fp32");
  private static final Configuration B4 = Configuration.of("batch_size", 4, "quantization", "fp32");
  private static final Configuration B16 =
      Configuration.of("batch_size", 16, "quantization", "fp32");
  private static final Configuration B64 =
      Configuration.of("batch_size", 64, "quantization", "fp32");

  private final ManualTicker ticker = new ManualTicker();
  private final InMemoryTrialStore store = new InMemoryTrialStore();
  private final AtomicReference<SearchSpace> searched = new AtomicReference<>();
  private final AtomicInteger loadStarts = new AtomicInteger();

  /** Short live trials: 2 s warm-up, 5 s window, 1 s intervals. */
  private static MeasurementSpec shortTrials() {
    return MeasurementSpec.builder()
        .warmup(Duration.ofSeconds(2))
        .sampleInterval(Duration.ofSeconds(1))
        .adaptiveWindow(Duration.ofSeconds(5), Duration.ofSeconds(5), 0)
        .build();
  }

  private Campaign campaign(ShapedRuntime runtime, int maxTrials, List<Constraint> slo) {
    CampaignSpec spec =
        new CampaignSpec(
                "live",
                runtime.id(),
                runtime.knobs(),
                Objective.maximize("throughput_rps"),
                slo,
                new StrategySpec("list", 1),
                new Budget(maxTrials, Optional.empty()),
                shortTrials(),
                WorkloadSpec.closedLoop(1, 1),
                PromotionPolicy.DEFAULT)
            .withLive(Optional.of(new LiveMode(0.2)));
    Campaign c = Campaign.created("c" + store.campaigns().size(), spec, "test", ticker.now());
    store.createCampaign(c);
    return c;
  }

  private CampaignOutcome run(ShapedRuntime runtime, Campaign c, List<Configuration> proposals) {
    ListStrategy strategy = new ListStrategy(proposals);
    Workload generator =
        sink -> {
          loadStarts.incrementAndGet();
          throw new AssertionError("a live campaign must not drive load");
        };
    return CampaignRunner.builder()
        .store(store)
        .runtime(runtime)
        .strategies(
            (type, ctx) -> {
              searched.set(ctx.space());
              return strategy;
            })
        .workload(generator)
        .ticker(ticker)
        .cores(2)
        .build()
        .run(c);
  }

  @Test
  void theStrategySearchesOnlyTheTrustRegionAroundTheIncumbent() throws Exception {
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.02, 1).build();
    runtime.apply(B4);
    run(runtime, campaign(runtime, 1, List.of()), List.of());
    // batch_size has 4 levels: round(0.2 * 3) = 1 level either side of 4; quantization is held.
    assertThat(((OrdinalParameter) searched.get().get("batch_size")).values())
        .containsExactly(1L, 4L, 16L);
    assertThat(((CategoricalParameter) searched.get().get("quantization")).values())
        .containsExactly("fp32");
    assertThat(loadStarts).hasValue(0);
  }

  @Test
  void aBreachInOneIntervalEndsTheTrialAndPutsTheIncumbentBackAtOnce() throws Exception {
    // Latency is 4 ms per unit of batch: 16 ms at the incumbent, 64 ms at batch 16.
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.02, 2).build();
    runtime.apply(B4);
    Campaign c = campaign(runtime, 3, List.of(Constraint.atMost("latency_p95_ms", 40)));
    CampaignOutcome o = run(runtime, c, List.of(B16, B1));

    List<Trial> trials = store.trials(c.id());
    Trial breach = trials.get(1);
    assertThat(breach.configuration()).isEqualTo(B16);
    assertThat(breach.status()).isEqualTo(TrialStatus.PRUNED);
    assertThat(breach.reason())
        .hasValueSatisfying(
            r ->
                assertThat(r)
                    .startsWith("SLO breach during warm-up: latency_p95_ms = ")
                    .contains("violates <= 40")
                    .endsWith("incumbent restored"));
    // One 1 s interval of production traffic saw it, not the 2 s warm-up and 5 s window.
    assertThat(breach.measurement().orElseThrow().window()).isEqualTo(Duration.ofSeconds(1));
    assertThat(breach.measurement().orElseThrow().report().orElseThrow().end())
        .isEqualTo(WindowReport.End.STOPPED);
    // The incumbent went back right after the breach, before the next trial's configuration
    // (the first two applies are the test's and the baseline trial's).
    assertThat(runtime.applied().subList(1, 5)).containsExactly(B4, B16, B4, B1);
    Trial fine = trials.get(2);
    assertThat(fine.status()).isEqualTo(TrialStatus.COMPLETED);
    assertThat(fine.measurement().orElseThrow().window()).isEqualTo(Duration.ofSeconds(5));
    // Batch 4 serves twice batch 1's rate within the SLO: the incumbent stays.
    assertThat(o.best().orElseThrow().baseline()).isTrue();
    assertThat(runtime.current()).isEqualTo(B4);
    assertThat(loadStarts).hasValue(0);
  }

  @Test
  void aTrialWithinTheSloRunsItsWholeWindowUnderRealTraffic() throws Exception {
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).noise(0.02, 3).build();
    runtime.apply(B4);
    Campaign c = campaign(runtime, 2, List.of(Constraint.atMost("latency_p95_ms", 100)));
    run(runtime, c, List.of(B16));
    Trial t = store.trials(c.id()).get(1);
    assertThat(t.status()).isEqualTo(TrialStatus.COMPLETED);
    // 100 * sqrt(16) = 400 req/s of the runtime's own traffic.
    assertThat(t.objectiveValue().getAsDouble()).isBetween(360.0, 440.0);
  }

  @Test
  void withoutTrafficALiveTrialFailsAndSaysWhy() throws Exception {
    ShapedRuntime runtime = ShapedRuntime.builder(ticker).landscape(cfg -> 0).build();
    runtime.apply(B64);
    Campaign c = campaign(runtime, 1, List.of());
    run(runtime, c, List.of());
    Trial baseline = store.trials(c.id()).get(0);
    assertThat(baseline.status()).isEqualTo(TrialStatus.FAILED);
    assertThat(baseline.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("no request completed during the window"));
  }
}
