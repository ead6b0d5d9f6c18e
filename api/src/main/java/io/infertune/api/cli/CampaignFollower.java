package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Follows a campaign until it ends by polling {@code GET /api/v1/campaigns/{id}} (and its trials,
 * for the ETA) every {@code interval}, and shows a progress bar: trials done of the budget, the
 * best objective so far, and the time left, estimated as the mean duration of the finished trials
 * times the trials left. On a terminal the bar is redrawn in place; otherwise a line is printed
 * whenever it changes, so that logs stay readable.
 */
final class CampaignFollower {
  /** Sleeps between polls; a test may pass a shorter one. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private static final int BAR_WIDTH = 24;

  private final ServiceClient client;
  private final PrintWriter progress;
  private final boolean redraw;
  private final Duration interval;
  private final Sleeper sleeper;

  CampaignFollower(
      ServiceClient client,
      PrintWriter progress,
      boolean redraw,
      Duration interval,
      Sleeper sleeper) {
    this.client = client;
    this.progress = progress;
    this.redraw = redraw;
    this.interval = interval;
    this.sleeper = sleeper;
  }

  /** Polls until the campaign has ended; returns its last JSON. */
  JsonNode follow(String campaignId) throws ServiceException, InterruptedException {
    String path = "/api/v1/campaigns/" + ClientCommand.segment(campaignId);
    String last = "";
    while (true) {
      JsonNode campaign = client.get(path);
      JsonNode trials = client.get(path + "/trials").path("trials");
      String line = line(campaign, trials);
      if (redraw) {
        // Pad over the previous line's tail when the new one is shorter.
        progress.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
        progress.flush();
      } else if (!line.equals(last)) {
        progress.println(line);
        progress.flush();
      }
      last = line;
      if (CampaignViews.ended(campaign)) {
        if (redraw) {
          progress.println();
          progress.flush();
        }
        return campaign;
      }
      sleeper.sleep(interval);
    }
  }

  /** {@code [######------] 7/20 trials best throughput_rps 412.3 (trial 6) ETA 1m 40s}. */
  static String line(JsonNode campaign, JsonNode trials) {
    int done = CampaignViews.finished(campaign);
    int max = Math.max(1, CampaignViews.maxTrials(campaign));
    int filled = (int) Math.round((double) BAR_WIDTH * Math.min(done, max) / max);
    StringBuilder s = new StringBuilder();
    s.append('[')
        .append("#".repeat(filled))
        .append("-".repeat(BAR_WIDTH - filled))
        .append("] ")
        .append(CampaignViews.progress(campaign))
        .append(" trials  best ")
        .append(CampaignViews.best(campaign));
    String status = CampaignViews.status(campaign);
    if (CampaignViews.ended(campaign)) {
      s.append("  ").append(status);
    } else if (done >= max) {
      s.append("  promoting the best configuration");
    } else {
      s.append("  ETA ").append(eta(trials, max - done));
    }
    return s.toString();
  }

  /** The mean duration of the finished trials times {@code left}; {@code ?} before the first. */
  static String eta(JsonNode trials, int left) {
    long totalMillis = 0;
    int n = 0;
    for (JsonNode t : trials) {
      if (t.hasNonNull("finishedAt") && t.hasNonNull("startedAt")) {
        try {
          totalMillis +=
              Duration.between(
                      Instant.parse(t.get("startedAt").asText()),
                      Instant.parse(t.get("finishedAt").asText()))
                  .toMillis();
          n++;
        } catch (DateTimeParseException e) {
          // a trial with a time we cannot read does not count towards the estimate
        }
      }
    }
    if (n == 0) {
      return "?";
    }
    return duration(Duration.ofMillis(totalMillis / n * left));
  }

  /** {@code 45s}, {@code 3m 05s}, {@code 1h 02m}. */
  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(java.util.Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    return String.format(java.util.Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
  }
}
