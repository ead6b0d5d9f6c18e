package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infertune.runtime.http.HttpRuntimeAdapter;
import io.infertune.runtime.workload.Workloads;
import io.infertune.store.TrialStores;
import io.infertune.strategies.Strategies;
import io.infertune.tuner.measure.MeasurementSpec;
import io.infertune.tuner.measure.Metrics;
import io.infertune.tuner.measure.Ticker;
import io.infertune.tuner.objective.Objective;
import io.infertune.tuner.run.CampaignRunner;
import io.infertune.tuner.space.Configuration;
import io.infertune.tuner.space.Parameter;
import io.infertune.tuner.space.SearchSpace;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Budget;
import io.infertune.tuner.trial.Campaign;
import io.infertune.tuner.trial.CampaignSpec;
import io.infertune.tuner.trial.CampaignStatus;
import io.infertune.tuner.trial.Deployment;
import io.infertune.tuner.trial.PromotionPolicy;
import io.infertune.tuner.trial.StrategySpec;
import io.infertune.tuner.trial.Trial;
import io.infertune.tuner.trial.TrialStatus;
import io.infertune.tuner.trial.WorkloadSpec;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop across a process boundary: the service's {@link CampaignService} tunes {@code
 * infertune runtime}, launched as a child through the {@code infertune-runtime} launch profile,
 * purely over HTTP (load through {@code /v1/embeddings}, metrics from {@code /metrics}, every
 * configuration a restart with new flags), promotes the best configuration after A/B rounds, and
 * leaves the child running with the best flags.
 *
 * <p>The space is quantization × result cache under Zipf repeats: int8 is 2.4–2.8× faster than fp32
 * here, and a cache answers most repeats at once, so the winner beats the default by far more than
 * this shared machine's noise (3–4× in runs here).
 */
class RuntimeProcessEndToEndTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void aCampaignTunesTheRuntimeProcessOverHttpAndLeavesItRunningWithTheBestFlags(@TempDir Path dir)
      throws Exception {
    ExecutorService campaignThreads = Executors.newVirtualThreadPerTaskExecutor();
    try (HttpRuntimeAdapter runtime = ChildRuntime.builder().id("runtime-process").build();
        TrialStore store = TrialStores.openH2(dir)) {
      RuntimeRegistry registry = new RuntimeRegistry();
      registry.register(runtime);
      CampaignService campaigns =
          new CampaignService(
              store,
              registry,
              new Strategies(),
              Workloads::from,
              Ticker.system(),
              List.of(),
              () -> UUID.randomUUID().toString(),
              campaignThreads);
      CampaignSpec spec =
          new CampaignSpec(
              "over-http",
              runtime.id(),
              SearchSpace.of(
                  Parameter.categorical("quantization", "fp32", "int8"),
                  Parameter.ordinal("cache_entries", 0L, 20_000L)),
              Objective.maximize(Metrics.THROUGHPUT_RPS),
              List.of(),
              new StrategySpec("grid", 7),
              Budget.trials(4),
              MeasurementSpec.of(Duration.ofSeconds(1), Duration.ofSeconds(2)),
              new WorkloadSpec(WorkloadSpec.Mode.CLOSED_LOOP, 8, 100, 2_000, 1.0, 7),
              // A lenient alpha: this test is about the loop across the process boundary, not
              // the promotion's statistics (PromoterTest's); each A/B round restarts the child
              // with a cold cache, on a machine other builds share, so rounds vary widely.
              new PromotionPolicy(
                  3,
                  Optional.of(Duration.ofSeconds(2)),
                  0.25,
                  0,
                  Duration.ZERO,
                  Duration.ofSeconds(1)));
      long pidBefore = runtime.process().orElseThrow().pid();

      Campaign started = campaigns.start(spec, "test");
      // The campaign is the executor's only task: its end is the executor's termination.
      campaignThreads.shutdown();
      assertThat(campaignThreads.awaitTermination(5, TimeUnit.MINUTES)).isTrue();

      Campaign done = store.campaign(started.id()).orElseThrow();
      List<Trial> trials = store.trials(done.id());
      assertThat(done.status()).as(done.message().orElse("")).isEqualTo(CampaignStatus.COMPLETED);
      assertThat(trials).hasSize(4);
      for (Trial t : trials) {
        assertThat(t.status()).as(t.reason().orElse("")).isEqualTo(TrialStatus.COMPLETED);
        assertThat(t.measurement().orElseThrow().value(Metrics.THROUGHPUT_RPS).orElseThrow())
            .as("measured through the child's /metrics")
            .isPositive();
      }
      Trial best = CampaignRunner.best(trials, spec.objective()).orElseThrow();
      assertThat(best.baseline()).isFalse();
      List<Deployment> pushes = store.deployments(runtime.id());
      assertThat(pushes).as(done.message().orElse("")).hasSize(1);
      Configuration pushed = best.configuration();
      assertThat(pushes.get(0).after().values())
          .containsAllEntriesOf(pushed.restrictTo(spec.space()).values());

      // Left running, with the best flags: its command line, its API and its metrics say so.
      assertThat(runtime.current()).isEqualTo(pushed);
      assertThat(runtime.process().orElseThrow().pid()).isNotEqualTo(pidBefore);
      ProcessHandle child = runtime.process().orElseThrow().handle();
      assertThat(child.isAlive()).isTrue();
      String commandLine = String.join(" ", runtime.process().orElseThrow().command());
      assertThat(commandLine)
          .contains(" runtime ")
          .contains("--quantization " + pushed.get("quantization"))
          .contains("--cache-entries " + pushed.get("cache_entries"));
      JsonNode model = get(runtime, "v1/models").path("data").path(0);
      assertThat(model.path("configuration").path("quantization").asText())
          .isEqualTo(pushed.getString("quantization"));
      assertThat(model.path("configuration").path("cache_entries").asLong())
          .isEqualTo(pushed.getLong("cache_entries"));
      assertThat(text(runtime, "metrics"))
          .contains("quantization=\"" + pushed.get("quantization") + "\"")
          .contains("cache_entries=\"" + pushed.get("cache_entries") + "\"");
    } finally {
      campaignThreads.shutdownNow();
    }
  }

  private String text(HttpRuntimeAdapter runtime, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(runtime.baseUrl().resolve(path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private JsonNode get(HttpRuntimeAdapter runtime, String path) throws Exception {
    return mapper.readTree(text(runtime, path));
  }
}
