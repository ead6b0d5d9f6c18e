package io.infertune.api;

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
      CommandLine.HelpCommand.class
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
