package io.infertune.api;

import io.infertune.store.H2Backup;
import io.infertune.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code infertune backup restore FILE --data-dir DIR}: a backup written by {@code GET
 * /api/v1/export} ({@link H2Backup}) back into a fresh data directory, for a service to start on.
 */
@Command(
    name = "backup",
    description = "Restore a backup taken with GET /api/v1/export (operator token).",
    mixinStandardHelpOptions = true,
    subcommands = {BackupCommand.Restore.class})
final class BackupCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "restore",
      description =
          "Restore FILE into a data directory that has no database yet; start the service on it"
              + " afterwards (infertune serve --data-dir DIR). All or nothing: a backup that is"
              + " cut short or fails restores nothing.",
      mixinStandardHelpOptions = true)
  static final class Restore implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The backup (SQL text).")
    Path file;

    @Option(
        names = "--data-dir",
        required = true,
        description = "The new data directory (created if need be; must hold no database).")
    Path dataDir;

    @Override
    public Integer call() {
      if (!Files.isRegularFile(file)) {
        spec.commandLine().getErr().println("infertune backup restore: no file " + file);
        return 2;
      }
      try {
        int campaigns = H2Backup.restore(file, dataDir);
        spec.commandLine()
            .getOut()
            .printf(
                "restored %s into %s (%d campaigns)%n",
                file, dataDir.toAbsolutePath().normalize(), campaigns);
        return 0;
      } catch (IllegalArgumentException | StoreException e) {
        spec.commandLine().getErr().println("infertune backup restore: " + e.getMessage());
        return 1;
      }
    }
  }
}
