package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code infertune trials export}: a campaign's trials as CSV or JSON. */
@Command(
    name = "trials",
    description = "A campaign's trials.",
    mixinStandardHelpOptions = true,
    subcommands = {TrialsCommand.Export.class},
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {
      ExitCodes.OK_LINE,
      ExitCodes.REFUSED_LINE,
      ExitCodes.USAGE_LINE,
      ExitCodes.UNAVAILABLE_LINE,
      ExitCodes.IO_LINE
    })
public final class TrialsCommand {
  /** Export formats. */
  enum Format {
    csv,
    json
  }

  @Command(
      name = "export",
      description =
          "Write a campaign's trials as CSV (a row per trial: status, objective, a column per"
              + " knob and per metric mean) or JSON (the service's trial records), to stdout or"
              + " a file.",
      mixinStandardHelpOptions = true)
  static final class Export extends ClientCommand {
    @Parameters(paramLabel = "CAMPAIGN", description = "The campaign's id.")
    String campaignId;

    @Option(
        names = "--format",
        defaultValue = "csv",
        description = "csv or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write to FILE instead of stdout.")
    Path output;

    @Override
    int run(ServiceClient client) throws ServiceException, InterruptedException {
      JsonNode trials =
          client.get("/api/v1/campaigns/" + segment(campaignId) + "/trials").path("trials");
      String text;
      try {
        if (format == Format.json) {
          text = trials.toPrettyString() + System.lineSeparator();
        } else {
          StringWriter w = new StringWriter();
          TrialsCsv.write(trials, w);
          text = w.toString();
        }
      } catch (IOException e) {
        throw new IllegalStateException("writing to a string cannot fail", e);
      }
      if (output == null) {
        out().print(text);
        return ExitCodes.OK;
      }
      try {
        Files.writeString(output, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err().println("infertune: cannot write " + output + ": " + e);
        return ExitCodes.IO_ERROR;
      }
      err().println("infertune: " + trials.size() + " trials written to " + output);
      return ExitCodes.OK;
    }
  }
}
