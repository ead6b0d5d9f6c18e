package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** How the CLI shows a campaign's JSON in a line or a table cell. */
final class CampaignViews {
  private CampaignViews() {}

  static String status(JsonNode campaign) {
    return campaign.path("status").asText("?");
  }

  static boolean ended(JsonNode campaign) {
    String s = status(campaign);
    return s.equals("completed") || s.equals("stopped") || s.equals("failed");
  }

  static int finished(JsonNode campaign) {
    return campaign.path("progress").path("trialsFinished").asInt();
  }

  static int maxTrials(JsonNode campaign) {
    return campaign.path("progress").path("maxTrials").asInt();
  }

  /** {@code 7/20}. */
  static String progress(JsonNode campaign) {
    return finished(campaign) + "/" + maxTrials(campaign);
  }

  /** {@code throughput_rps 412.3 (trial 7)}, or {@code -} before the first scored trial. */
  static String best(JsonNode campaign) {
    JsonNode best = campaign.path("bestTrial");
    if (!best.isObject() || best.path("objectiveValue").isMissingNode()) {
      return "-";
    }
    // A summary (listing) has the objective at the top, a whole campaign in its spec.
    JsonNode objective =
        campaign.has("objective")
            ? campaign.path("objective")
            : campaign.path("spec").path("objective");
    return objective.path("metric").asText("objective")
        + " "
        + number(best.get("objectiveValue"))
        + " (trial "
        + best.path("number").asInt()
        + ")";
  }

  /** A value to 4 significant digits, or its text (NaN) when it is not a number. */
  static String number(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return "-";
    }
    if (!v.isNumber()) {
      return v.asText();
    }
    double d = v.asDouble();
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return String.format(Locale.ROOT, "%.4g", d).replaceFirst("(\\.\\d*?)0+$", "$1");
  }
}
