package io.infertune.api;

import io.infertune.store.StoreException;
import io.infertune.store.Stores;
import io.infertune.store.TrialStores;
import io.infertune.tuner.access.ApiToken;
import io.infertune.tuner.access.Role;
import io.infertune.tuner.space.Names;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code infertune token create|list|revoke}: the API tokens in a data directory's database. The
 * service reads them when it starts, and holds the database while it runs: run these while it is
 * stopped.
 */
@Command(
    name = "token",
    description = "Create, list and revoke API tokens (run while the service is stopped).",
    mixinStandardHelpOptions = true,
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every subcommand has. */
  static class DataDir {
    @Option(
        names = "--data-dir",
        description = "The service's data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of("data");

    /** The data directory's stores, or a message on {@code err} and empty. */
    Optional<Stores> open(PrintWriter err) {
      try {
        return Optional.of(TrialStores.openAllH2(dataDir));
      } catch (StoreException e) {
        err.println(
            "cannot open the database in "
                + dataDir.toAbsolutePath().normalize()
                + " (is the service running? stop it first): "
                // Flyway's message goes on for lines; the first says what happened.
                + e.getMessage().lines().findFirst().orElse(""));
        return Optional.empty();
      }
    }
  }

  @Command(
      name = "create",
      description =
          "Create a token and print its secret, once: only its hash is kept. The secret goes to"
              + " standard output alone, so that TOKEN=$(infertune token create ...) works.",
      mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--role",
        required = true,
        description = "viewer (GET calls) or operator (everything).",
        converter = RoleConverter.class)
    Role role;

    @Option(
        names = "--name",
        description = "How to refer to it (default: <role>-<random>); shown in the audit log.")
    Optional<String> name = Optional.empty();

    @picocli.CommandLine.Mixin DataDir data = new DataDir();

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      SecureRandom random = new SecureRandom();
      String tokenName =
          name.orElseGet(
              () -> {
                byte[] suffix = new byte[4];
                random.nextBytes(suffix);
                return role.wireName() + "-" + HexFormat.of().formatHex(suffix);
              });
      try {
        Names.require("token", tokenName);
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return 2;
      }
      Optional<Stores> opened = data.open(err);
      if (opened.isEmpty()) {
        return 1;
      }
      String secret = ApiTokens.newSecret(random);
      try (Stores stores = opened.get()) {
        stores
            .tokens()
            .create(
                new ApiToken(
                    tokenName,
                    role,
                    ApiTokens.sha256Hex(secret),
                    Instant.now().truncatedTo(ChronoUnit.MICROS)));
      } catch (IllegalStateException e) {
        err.println("a token named '" + tokenName + "' exists already: choose another --name");
        return 1;
      }
      err.println(
          "Created token '"
              + tokenName
              + "' ("
              + role.wireName()
              + "). Its secret, shown this once (only its hash is kept):");
      err.flush();
      spec.commandLine().getOut().println(secret);
      spec.commandLine().getOut().flush();
      err.println(
          "Call the API with the header  Authorization: Bearer <secret>  (the service reads"
              + " tokens when it starts).");
      return 0;
    }
  }

  @Command(
      name = "list",
      description = "List the tokens: names, roles, creation times (never secrets).",
      mixinStandardHelpOptions = true)
  static final class ListTokens implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin DataDir data = new DataDir();

    @Override
    public Integer call() {
      Optional<Stores> opened = data.open(spec.commandLine().getErr());
      if (opened.isEmpty()) {
        return 1;
      }
      List<ApiToken> tokens;
      try (Stores stores = opened.get()) {
        tokens = stores.tokens().list();
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-32s %-9s %s%n", "NAME", "ROLE", "CREATED");
      for (ApiToken t : tokens) {
        out.printf(
            "%-32s %-9s %s%n",
            t.name(), t.role().wireName(), t.createdAt().truncatedTo(ChronoUnit.SECONDS));
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "revoke",
      description = "Revoke a token: calls that present it are refused once the service restarts.",
      mixinStandardHelpOptions = true)
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The token's name (see token list).")
    String name;

    @picocli.CommandLine.Mixin DataDir data = new DataDir();

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Optional<Stores> opened = data.open(err);
      if (opened.isEmpty()) {
        return 1;
      }
      boolean revoked;
      try (Stores stores = opened.get()) {
        revoked = stores.tokens().revoke(name);
      }
      if (!revoked) {
        err.println("no token named '" + name + "'");
        return 1;
      }
      err.println("Revoked token '" + name + "'.");
      return 0;
    }
  }

  /** {@code viewer} or {@code operator}, in any case. */
  static final class RoleConverter implements picocli.CommandLine.ITypeConverter<Role> {
    @Override
    public Role convert(String value) {
      try {
        return Role.parse(value);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
