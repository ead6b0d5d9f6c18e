package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service in a child JVM is killed with SIGKILL at random points (seeded: {@code
 * -Dinfertune.crashSeed=N} replays a run) of a campaign, several times in a row; each restart takes
 * the campaign up again where it was, by itself (the default) or, for the last one, by {@code POST
 * .../resume} on a service started with {@code --no-resume-interrupted}. At the end: no trial lost
 * or duplicated, the interrupted ones ABORTED with a reason, the others intact, and the strategy
 * warm-started (a restarted random search with the same seed would otherwise propose the same
 * configurations again).
 */
class CrashRecoveryTest {
  @TempDir Path dataDir;

  private static final int MAX_TRIALS = 8;
  private static final int KILLS = 3;

  /** Trials of about a second; 14 configurations for 8 trials, so that none need repeat. */
  private static final String CAMPAIGN =
      """
      {"runtime": "embedded", "name": "crash", "strategy": {"type": "random", "seed": 11},
       "budget": {"maxTrials": %d},
       "parameters": [
         {"name": "batch_size", "type": "ordinal", "values": [1, 2, 4, 8, 16, 32, 64]},
         {"name": "quantization", "type": "categorical", "values": ["fp32", "int8"]}],
       "measurement": {"warmupSeconds": 0.2, "windowSeconds": 0.8, "sampleIntervalSeconds": 0.2},
       "workload": {"concurrency": 4},
       "promotion": {"roundsPerArm": 2, "watchSeconds": 0}}
      """
          .formatted(MAX_TRIALS);

  @Test
  void aCampaignSurvivesRepeatedSigkillsWithNoTrialLostOrDuplicated() throws Exception {
    long seed = Long.getLong("infertune.crashSeed", System.nanoTime());
    Random random = new Random(seed);
    String context = "seed " + seed + " (-Dinfertune.crashSeed=" + seed + " replays it)";
    String id;
    int finishedBeforeKill = 0;
    ChildService child = ChildService.start(dataDir);
    try {
      HttpJson.Response created = child.http().post("/api/v1/campaigns", CAMPAIGN);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      id = created.json().get("id").asText();
      for (int kill = 1; kill <= KILLS; kill++) {
        // A random point: after 0 or 1 more finished trials, then 0 to 1.5 s into the next one.
        int target = Math.min(finishedBeforeKill + random.nextInt(2), MAX_TRIALS - 2);
        awaitFinished(child.http(), id, target, context);
        // The random point inside a trial itself: not a wait for something to happen.
        Thread.sleep(random.nextInt(1500));
        finishedBeforeKill = finished(child.http(), id);
        child.kill();
        boolean lastKill = kill == KILLS;
        child =
            lastKill
                ? ChildService.start(dataDir, "--no-resume-interrupted")
                : ChildService.start(dataDir);
        JsonNode after = child.http().get("/api/v1/campaigns/" + id).json();
        if (lastKill) {
          assertThat(after.get("status").asText()).as(context).isEqualTo("stopped");
          assertThat(after.get("message").asText()).as(context).contains("interrupted");
          HttpJson.Response resumed = child.http().post("/api/v1/campaigns/" + id + "/resume", "");
          assertThat(resumed.status()).as(resumed.body()).isEqualTo(202);
        } else {
          assertThat(after.get("status").asText())
              .as("auto-resumed after kill %d, %s: %s", kill, context, after)
              .isIn("pending", "running", "completed");
        }
        assertThat(finished(child.http(), id))
            .as("trials finished before kill %d stay, %s", kill, context)
            .isGreaterThanOrEqualTo(finishedBeforeKill);
      }
      JsonNode done = child.http().awaitCampaignEnd(id, Duration.ofMinutes(2));
      assertThat(done.get("status").asText()).as(context + ": " + done).isEqualTo("completed");
      JsonNode trials =
          child.http().get("/api/v1/campaigns/" + id + "/trials").json().get("trials");
      assertTrialsWhole(trials, context);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(e.getMessage() + "\nchild output:\n" + child.output(), e);
    } finally {
      child.close();
    }
  }

  private static void assertTrialsWhole(JsonNode trials, String context) {
    assertThat(trials).as(context).hasSize(MAX_TRIALS);
    List<Integer> numbers = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<JsonNode> tried = new HashSet<>();
    int baselines = 0;
    int aborted = 0;
    for (JsonNode t : trials) {
      numbers.add(t.get("number").asInt());
      assertThat(ids.add(t.get("id").asText())).as("trial ids are unique, " + context).isTrue();
      String status = t.get("status").asText();
      assertThat(status).as(context).isIn("completed", "infeasible", "pruned", "failed", "aborted");
      if (status.equals("aborted")) {
        aborted++;
        assertThat(t.get("reason").asText()).as(context).contains("interrupted");
        continue;
      }
      baselines += t.path("baseline").asBoolean() ? 1 : 0;
      if (status.equals("failed")) {
        assertThat(t.get("reason").asText()).as(context).isNotBlank();
      } else {
        assertThat(t.get("objectiveValue").isNumber()).as(t.toString()).isTrue();
        assertThat(t.get("measurement").get("metrics").has("throughput_rps"))
            .as(t.toString())
            .isTrue();
      }
      assertThat(tried.add(t.get("configuration")))
          .as("warm start: the strategy knew %s was tried, %s", t.get("configuration"), context)
          .isTrue();
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < MAX_TRIALS; i++) {
      expected.add(i);
    }
    assertThat(numbers).as("numbers 0..n-1, each once, " + context).hasSameElementsAs(expected);
    assertThat(numbers).as(context).doesNotHaveDuplicates();
    assertThat(baselines).as("one baseline measured, " + context).isEqualTo(1);
    assertThat(aborted)
        .as("at most one trial per kill lost its run, " + context)
        .isLessThan(KILLS + 1);
  }

  private static int finished(HttpJson http, String id) throws Exception {
    return http.get("/api/v1/campaigns/" + id).json().at("/progress/trialsFinished").asInt();
  }

  private static void awaitFinished(HttpJson http, String id, int n, String context)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (finished(http, id) < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("campaign " + id + " did not finish " + n + " trials, " + context);
      }
      // Polling a real child process against a deadline.
      Thread.sleep(100);
    }
  }
}
