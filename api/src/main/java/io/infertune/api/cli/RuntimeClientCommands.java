package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code infertune runtime list|show}: the runtimes a running service tunes. Subcommands of {@code
 * infertune runtime}, which serves the embedded runtime itself when given no subcommand.
 */
public final class RuntimeClientCommands {
  private RuntimeClientCommands() {}

  /** A knob's range or values: {@code 1..128}, {@code [fp32, int8]}. */
  static String range(JsonNode knob) {
    if (knob.has("values")) {
      StringBuilder s = new StringBuilder("[");
      for (JsonNode v : knob.get("values")) {
        s.append(s.length() > 1 ? ", " : "").append(v.asText());
      }
      return s.append(']').toString();
    }
    return CampaignViews.number(knob.get("min"))
        + ".."
        + CampaignViews.number(knob.get("max"))
        + (knob.path("log").asBoolean() ? " (log)" : "");
  }

  @Command(
      name = "list",
      description = "List the runtimes of a running service, with their current configuration.",
      mixinStandardHelpOptions = true,
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {
        ExitCodes.OK_LINE,
        ExitCodes.REFUSED_LINE,
        ExitCodes.USAGE_LINE,
        ExitCodes.UNAVAILABLE_LINE
      })
  public static final class ListRuntimes extends ClientCommand {
    @Option(names = "--json", description = "Print the service's JSON instead of a table.")
    boolean json;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      JsonNode all = client.get("/api/v1/runtimes");
      if (json) {
        printJson(all);
        return ExitCodes.OK;
      }
      Table t = new Table("ID", "KIND", "LIVE", "KNOBS", "CURRENT");
      for (JsonNode r : all.path("runtimes")) {
        t.row(
            r.path("id").asText(),
            r.path("kind").asText(),
            r.path("liveReconfigurable").asBoolean() ? "yes" : "no",
            Integer.toString(r.path("knobs").size()),
            r.path("current").toString());
      }
      t.print(out());
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      description =
          "Show one runtime: its knobs with their ranges, defaults and current values, and its"
              + " latest deployments.",
      mixinStandardHelpOptions = true,
      exitCodeListHeading = ExitCodes.HEADING,
      exitCodeList = {
        ExitCodes.OK_LINE,
        ExitCodes.REFUSED_LINE,
        ExitCodes.USAGE_LINE,
        ExitCodes.UNAVAILABLE_LINE
      })
  public static final class Show extends ClientCommand {
    /** Deployments shown, newest first. */
    static final int DEPLOYMENTS_SHOWN = 5;

    @Parameters(paramLabel = "ID", description = "The runtime's id, e.g. embedded.")
    String id;

    @Option(names = "--json", description = "Print the service's JSON.")
    boolean json;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      String path = "/api/v1/runtimes/" + segment(id);
      JsonNode r = client.get(path);
      JsonNode deployments = client.get(path + "/deployments").path("deployments");
      if (json) {
        printJson(r);
        return ExitCodes.OK;
      }
      out()
          .println(
              "runtime "
                  + r.path("id").asText()
                  + " ("
                  + r.path("kind").asText()
                  + ", "
                  + (r.path("liveReconfigurable").asBoolean() ? "live" : "restart")
                  + " reconfiguration)");
      Table knobs = new Table("KNOB", "TYPE", "RANGE", "DEFAULT", "CURRENT");
      for (JsonNode k : r.path("knobs")) {
        String name = k.path("name").asText();
        knobs.row(
            name,
            k.path("type").asText(),
            range(k),
            r.path("defaults").path(name).asText("-"),
            r.path("current").path(name).asText("-"));
      }
      knobs.print(out());
      if (deployments.isEmpty()) {
        out().println("no deployments");
        return ExitCodes.OK;
      }
      out().println();
      Table d = new Table("DEPLOYMENT", "AT", "CAUSE", "AFTER");
      int shown = 0;
      for (JsonNode dep : deployments) {
        if (shown++ == DEPLOYMENTS_SHOWN) {
          break;
        }
        d.row(
            dep.path("id").asText(),
            dep.path("at").asText(),
            dep.path("cause").asText(),
            dep.path("after").toString());
      }
      d.print(out());
      return ExitCodes.OK;
    }
  }
}
