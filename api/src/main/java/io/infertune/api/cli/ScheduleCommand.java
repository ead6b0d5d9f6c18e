package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infertune schedule list|add|remove}: scheduled re-tuning over the REST API. */
@Command(
    name = "schedule",
    description = "List, add and remove the schedules that start campaigns at cron times.",
    mixinStandardHelpOptions = true,
    subcommands = {
      ScheduleCommand.ListSchedules.class,
      ScheduleCommand.Add.class,
      ScheduleCommand.Remove.class
    },
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {
      ExitCodes.OK_LINE,
      ExitCodes.REFUSED_LINE,
      ExitCodes.USAGE_LINE,
      ExitCodes.UNAVAILABLE_LINE
    })
public final class ScheduleCommand {
  private static final String SCHEDULES = "/api/v1/schedules";

  @Command(
      name = "list",
      description = "List the schedules, newest first, with their next and last runs.",
      mixinStandardHelpOptions = true)
  static final class ListSchedules extends ClientCommand {
    @Option(names = "--json", description = "Print the service's JSON instead of a table.")
    boolean json;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      JsonNode all = client.get(SCHEDULES);
      if (json) {
        printJson(all);
        return ExitCodes.OK;
      }
      Table t =
          new Table("ID", "NAME", "CRON", "ZONE", "ENABLED", "NEXT RUN", "LAST CAMPAIGN", "ERROR");
      for (JsonNode s : all.path("schedules")) {
        t.row(
            s.path("id").asText(),
            s.path("name").asText(),
            s.path("cron").asText(),
            s.path("zone").asText(),
            s.path("enabled").asBoolean() ? "yes" : "no",
            s.path("nextRunAt").asText("-"),
            s.path("lastCampaignId").asText("-"),
            s.path("lastError").asText("-"));
      }
      t.print(out());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "add",
      description =
          "Add a schedule from a file (YAML or JSON, as POST /api/v1/schedules takes it: name,"
              + " cron, zone, template, enabled, warmStart); prints its id and next run.",
      mixinStandardHelpOptions = true)
  static final class Add extends ClientCommand {
    @Option(
        names = {"-f", "--file"},
        required = true,
        paramLabel = "SPEC",
        description = "The schedule: a .yaml, .yml or .json file, or - for stdin.")
    Path file;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      JsonNode body = SpecFiles.read(spec.commandLine(), "--file", file, System.in);
      JsonNode created = client.post(SCHEDULES, body);
      out()
          .println(
              created.path("id").asText() + " next run " + created.path("nextRunAt").asText("-"));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "remove",
      description = "Remove a schedule; the campaigns it started stay.",
      mixinStandardHelpOptions = true)
  static final class Remove extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The schedule's id.")
    String id;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      client.delete(SCHEDULES + "/" + segment(id));
      out().println(id + " removed");
      return ExitCodes.OK;
    }
  }
}
