package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code infertune campaign start|list|show|stop|resume}: campaigns over the REST API. */
@Command(
    name = "campaign",
    description = "Start, list, show, stop and resume campaigns on a running service.",
    mixinStandardHelpOptions = true,
    subcommands = {
      CampaignCommand.Start.class,
      CampaignCommand.ListCampaigns.class,
      CampaignCommand.Show.class,
      CampaignCommand.Stop.class,
      CampaignCommand.Resume.class
    },
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {
      ExitCodes.OK_LINE,
      ExitCodes.REFUSED_LINE,
      ExitCodes.USAGE_LINE,
      ExitCodes.UNAVAILABLE_LINE,
      ExitCodes.NOT_COMPLETED_LINE
    })
public final class CampaignCommand {
  private static final String CAMPAIGNS = "/api/v1/campaigns";

  /** Options of the commands that can follow a campaign to its end. */
  static final class FollowOptions {
    @Option(
        names = "--follow",
        description =
            "Show a progress bar (trials done, best so far, ETA) until the campaign ends;"
                + " exit 4 unless it completed.")
    boolean follow;

    @Option(
        names = "--interval",
        paramLabel = "SECONDS",
        defaultValue = "2",
        description =
            "How often --follow asks the service, in seconds (default: ${DEFAULT-VALUE}).")
    double intervalSeconds;

    /** Follows the campaign when asked to; returns the exit code. */
    int followIfAsked(ClientCommand cmd, ServiceClient client, String id)
        throws ServiceException, InterruptedException {
      if (!follow) {
        return ExitCodes.OK;
      }
      if (!(intervalSeconds > 0 && intervalSeconds <= 3600)) {
        throw new ParameterException(
            cmd.spec.commandLine(),
            "Invalid value for option '--interval': must be in (0, 3600] seconds");
      }
      CampaignFollower follower =
          new CampaignFollower(
              client,
              cmd.err(),
              System.console() != null,
              Duration.ofMillis(Math.round(intervalSeconds * 1000)),
              d -> Thread.sleep(d.toMillis()));
      JsonNode end = follower.follow(id);
      cmd.out()
          .println(
              id
                  + " "
                  + CampaignViews.status(end)
                  + ": "
                  + end.path("message").asText("")
                  + "; best "
                  + CampaignViews.best(end));
      return CampaignViews.status(end).equals("completed")
          ? ExitCodes.OK
          : ExitCodes.CAMPAIGN_NOT_COMPLETED;
    }
  }

  @Command(
      name = "start",
      description =
          "Start a campaign from a spec (YAML or JSON, as POST /api/v1/campaigns takes it);"
              + " prints its id.",
      mixinStandardHelpOptions = true)
  static final class Start extends ClientCommand {
    @Option(
        names = {"-f", "--file"},
        required = true,
        paramLabel = "SPEC",
        description = "The campaign spec: a .yaml, .yml or .json file, or - for stdin.")
    Path file;

    @picocli.CommandLine.Mixin FollowOptions follow;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      JsonNode request = SpecFiles.read(spec.commandLine(), "--file", file, System.in);
      JsonNode created = client.post(CAMPAIGNS, request);
      String id = created.path("id").asText();
      out().println(id);
      out().flush();
      return follow.followIfAsked(this, client, id);
    }
  }

  @Command(
      name = "list",
      description = "List the campaigns, newest first, a page at a time.",
      mixinStandardHelpOptions = true)
  static final class ListCampaigns extends ClientCommand {
    @Option(names = "--json", description = "Print the service's JSON instead of a table.")
    boolean json;

    @Option(
        names = "--limit",
        description = "How many campaigns at most, 1-1000 (default: ${DEFAULT-VALUE}).")
    int limit = 100;

    @Option(
        names = "--before",
        paramLabel = "ID",
        description = "Only campaigns created before this one (the next page of a listing).")
    String before;

    @Option(
        names = "--status",
        description =
            "Only campaigns with this status: pending, running, completed, stopped, failed.")
    String status;

    @Option(names = "--runtime", paramLabel = "ID", description = "Only campaigns on this runtime.")
    String runtime;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      StringBuilder query = new StringBuilder("?limit=").append(limit);
      if (before != null) {
        query.append("&before=").append(segment(before));
      }
      if (status != null) {
        query.append("&status=").append(segment(status));
      }
      if (runtime != null) {
        query.append("&runtime=").append(segment(runtime));
      }
      JsonNode page = client.get(CAMPAIGNS + query);
      if (json) {
        printJson(page);
        return ExitCodes.OK;
      }
      Table t =
          new Table(
              "ID", "STATUS", "TRIALS", "BEST", "RUNTIME", "STRATEGY", "STARTED BY", "CREATED");
      for (JsonNode c : page.path("campaigns")) {
        t.row(
            c.path("id").asText(),
            CampaignViews.status(c),
            CampaignViews.progress(c),
            CampaignViews.best(c),
            c.path("runtime").asText(),
            c.path("strategy").asText(),
            c.path("startedBy").asText(),
            c.path("createdAt").asText());
      }
      t.print(out());
      if (page.has("nextBefore")) {
        out().println("(older campaigns: --before " + page.get("nextBefore").asText() + ")");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      description = "Show one campaign: status, progress, best trial, how it ended.",
      mixinStandardHelpOptions = true)
  static final class Show extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The campaign's id.")
    String id;

    @Option(names = "--json", description = "Print the service's JSON.")
    boolean json;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      JsonNode c = client.get(CAMPAIGNS + "/" + segment(id));
      if (json) {
        printJson(c);
        return ExitCodes.OK;
      }
      var o = out();
      o.println(
          "campaign    " + c.path("id").asText() + "  " + c.path("spec").path("name").asText());
      o.println("status      " + CampaignViews.status(c) + message(c));
      o.println(
          "runtime     "
              + c.path("spec").path("runtime").asText()
              + "  strategy "
              + c.path("spec").path("strategy").path("type").asText());
      JsonNode objective = c.path("spec").path("objective");
      o.println(
          "objective   "
              + objective.path("direction").asText()
              + " "
              + objective.path("metric").asText());
      o.println("trials      " + CampaignViews.progress(c) + counts(c.path("progress")));
      o.println("best        " + CampaignViews.best(c));
      JsonNode best = c.path("bestTrial").path("configuration");
      if (best.isObject()) {
        o.println("best config " + best);
      }
      o.println(
          "started by  " + c.path("startedBy").asText() + " at " + c.path("createdAt").asText());
      if (c.hasNonNull("finishedAt")) {
        o.println("finished    " + c.get("finishedAt").asText());
      }
      return ExitCodes.OK;
    }

    private static String message(JsonNode c) {
      return c.hasNonNull("message") ? ": " + c.get("message").asText() : "";
    }

    private static String counts(JsonNode progress) {
      StringBuilder s = new StringBuilder();
      for (String k :
          new String[] {"completed", "infeasible", "pruned", "failed", "aborted", "running"}) {
        if (progress.path(k).asInt() > 0) {
          s.append(s.isEmpty() ? " (" : ", ").append(progress.get(k).asInt()).append(' ').append(k);
        }
      }
      return s.isEmpty() ? "" : s.append(')').toString();
    }
  }

  @Command(
      name = "stop",
      description =
          "Stop a running campaign: the trial in progress is aborted, the original"
              + " configuration restored.",
      mixinStandardHelpOptions = true)
  static final class Stop extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The campaign's id.")
    String id;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      client.post(CAMPAIGNS + "/" + segment(id) + "/stop", null);
      out().println(id + " stopping");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "resume",
      description =
          "Resume a stopped, failed or interrupted campaign where it was, for the rest of its"
              + " trial budget.",
      mixinStandardHelpOptions = true)
  static final class Resume extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The campaign's id.")
    String id;

    @picocli.CommandLine.Mixin FollowOptions follow;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      JsonNode c = client.post(CAMPAIGNS + "/" + segment(id) + "/resume", null);
      out().println(id + " resumed at " + CampaignViews.progress(c) + " trials");
      out().flush();
      return follow.followIfAsked(this, client, id);
    }
  }
}
