package io.infertune.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress line of {@code --follow}: bar, trials, best so far, ETA. */
class CampaignFollowerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return MAPPER.readTree(s);
  }

  @Test
  void showsTrialsDoneBestSoFarAndAnEtaFromTheMeanTrialDuration() throws Exception {
    JsonNode campaign =
        json(
            """
            {"status": "running", "spec": {"objective": {"metric": "throughput_rps"}},
             "progress": {"trialsFinished": 2, "maxTrials": 8},
             "bestTrial": {"number": 1, "objectiveValue": 412.345}}
            """);
    JsonNode trials =
        json(
            """
            [{"startedAt": "2026-01-01T00:00:00Z", "finishedAt": "2026-01-01T00:00:10Z"},
             {"startedAt": "2026-01-01T00:00:10Z", "finishedAt": "2026-01-01T00:00:30Z"},
             {"startedAt": "2026-01-01T00:00:30Z"}]
            """);
    // 6 trials left at a mean of 15 s each.
    assertThat(CampaignFollower.line(campaign, trials))
        .isEqualTo(
            "[######------------------] 2/8 trials  best throughput_rps 412.3 (trial 1)  ETA 1m 30s");
  }

  @Test
  void beforeAnyTrialFinishesTheBestAndEtaAreUnknown() throws Exception {
    JsonNode campaign =
        json(
            """
            {"status": "pending", "spec": {"objective": {"metric": "latency_p95_ms"}},
             "progress": {"trialsFinished": 0, "maxTrials": 4}}
            """);
    assertThat(CampaignFollower.line(campaign, json("[]")))
        .isEqualTo("[------------------------] 0/4 trials  best -  ETA ?");
  }

  @Test
  void afterTheLastTrialItSaysPromotionThenTheEnd() throws Exception {
    String c =
        """
        {"status": "%s", "spec": {"objective": {"metric": "throughput_rps"}},
         "progress": {"trialsFinished": 4, "maxTrials": 4},
         "bestTrial": {"number": 2, "objectiveValue": 100}}
        """;
    assertThat(CampaignFollower.line(json(c.formatted("running")), json("[]")))
        .endsWith(
            "4/4 trials  best throughput_rps 100 (trial 2)  promoting the best configuration");
    assertThat(CampaignFollower.line(json(c.formatted("completed")), json("[]")))
        .startsWith("[########################]")
        .endsWith("  completed");
  }

  @Test
  void durationsAreShortAndReadable() {
    assertThat(CampaignFollower.duration(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(CampaignFollower.duration(Duration.ofSeconds(185))).isEqualTo("3m 05s");
    assertThat(CampaignFollower.duration(Duration.ofMinutes(62))).isEqualTo("1h 02m");
  }
}
