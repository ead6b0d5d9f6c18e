package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infertune deploy rollback RUNTIME}: undo a runtime's latest deployment. */
@Command(
    name = "deploy",
    description = "A runtime's deployments.",
    mixinStandardHelpOptions = true,
    subcommands = {DeployCommand.Rollback.class},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {
      ExitCodes.OK_LINE,
      ExitCodes.REFUSED_LINE,
      ExitCodes.USAGE_LINE,
      ExitCodes.UNAVAILABLE_LINE
    })
public final class DeployCommand {
  @Command(
      name = "rollback",
      description =
          "Put back the configuration the runtime had before its latest deployment (recorded as"
              + " a deployment with cause rollback:operator); refused while a campaign runs on it.",
      mixinStandardHelpOptions = true)
  static final class Rollback extends ClientCommand {
    @Parameters(paramLabel = "RUNTIME", description = "The runtime's id, e.g. embedded.")
    String runtimeId;

    @Option(names = "--reason", description = "Why, kept with the deployment.")
    String reason;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      ObjectNode body = MAPPER.createObjectNode();
      if (reason != null) {
        body.put("reason", reason);
      }
      JsonNode d = client.post("/api/v1/runtimes/" + segment(runtimeId) + "/rollback", body);
      out()
          .println(
              runtimeId
                  + " rolled back to "
                  + d.path("after")
                  + " (deployment "
                  + d.path("id").asText()
                  + ")");
      return ExitCodes.OK;
    }
  }
}
