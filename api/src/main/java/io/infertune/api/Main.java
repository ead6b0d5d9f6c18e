package io.infertune.api;

import io.infertune.api.cli.CampaignCommand;
import io.infertune.api.cli.DeployCommand;
import io.infertune.api.cli.ScheduleCommand;
import io.infertune.api.cli.TrialsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code infertune} command line. */
@Command(
    name = "infertune",
    mixinStandardHelpOptions = true,
    version = "infertune 0.1.0",
    description = "Tunes inference runtimes: batch size, quantization, cache, placement.",
    subcommands = {
      DemoCommand.class,
      ServeCommand.class,
      RuntimeCommand.class,
      TokenCommand.class,
      BackupCommand.class,
      CampaignCommand.class,
      TrialsCommand.class,
      DeployCommand.class,
      ScheduleCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nClient commands%n",
    footer = {
      "campaign, trials, runtime list|show, deploy and schedule talk to a running service over its"
          + " REST API: --url (env INFERTUNE_URL, default http://127.0.0.1:8080) and --token (env"
          + " INFERTUNE_TOKEN). Their exit codes: 0 ok; 1 the service refused the request (4xx,"
          + " message and field on stderr); 2 usage error or unreadable spec file; 3 service"
          + " unreachable or failing (5xx); 4 a followed campaign ended stopped or failed; 5 an"
          + " output file could not be written."
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
