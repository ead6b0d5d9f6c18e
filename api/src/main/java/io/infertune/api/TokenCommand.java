package io.infertune.api;

import io.infertune.api.cli.RemoteTokens;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code infertune token create|list|revoke}: the API tokens. Two ways:
 *
 * <ul>
 *   <li>with {@code --url}, through the running service ({@code /api/v1/tokens}, {@link
 *       RemoteTokens}): the change takes effect at once, for the very next request; an operator's
 *       token is needed ({@code --token} or {@code INFERTUNE_TOKEN}) once tokens exist;
 *   <li>without, on the data directory's database ({@code --data-dir}), while the service is
 *       stopped (it holds the database while it runs): how the very first token is made.
 * </ul>
 *
 * {@code INFERTUNE_URL} does not select the first way: a command that changes who may call the
 * service names the service it changes.
 */
@Command(
    name = "token",
    description = {
      "Create, list and revoke API tokens.",
      "With --url URL: through the running service, effective at once (needs an operator's"
          + " --token or INFERTUNE_TOKEN once tokens exist).",
      "Without --url: on --data-dir's database, while the service is stopped (how the first"
          + " token is made)."
    },
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

  /** Options every subcommand has: where the tokens are. */
  static class DataDir {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "The stopped service's data directory (default: data); not with --url.")
    Optional<Path> givenDataDir = Optional.empty();

    @Option(
        names = "--url",
        paramLabel = "URL",
        description =
            "The running service's base URL (e.g. http://127.0.0.1:8080): the change goes"
                + " through its API and takes effect at once.")
    Optional<String> url = Optional.empty();

    @Option(
        names = "--token",
        paramLabel = "TOKEN",
        defaultValue = "${env:INFERTUNE_TOKEN}",
        description = "With --url: an operator's API token (env INFERTUNE_TOKEN).")
    String token;

    Path dataDir() {
      return givenDataDir.orElse(Path.of("data"));
    }

    /**
     * The running service's tokens when {@code --url} is given, else empty (the data directory).
     *
     * @throws ParameterException with {@code --data-dir} too, or a {@code --url} that is no URL
     */
    Optional<RemoteTokens> remote(PrintWriter out, PrintWriter err) {
      if (url.isEmpty()) {
        return Optional.empty();
      }
      if (givenDataDir.isPresent()) {
        throw new ParameterException(
            mixee.commandLine(),
            "--url and --data-dir exclude each other: --url changes the running service,"
                + " --data-dir the database of a stopped one");
      }
      try {
        return Optional.of(RemoteTokens.at(url.get(), Optional.ofNullable(token), out, err));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(mixee.commandLine(), e.getMessage());
      }
    }

    /** The data directory's stores, or a message on {@code err} and empty. */
    Optional<Stores> open(PrintWriter err) {
      Path dataDir = dataDir();
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
    public Integer call() throws InterruptedException {
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
      Optional<RemoteTokens> remote = data.remote(spec.commandLine().getOut(), err);
      if (remote.isPresent()) {
        return remote.get().create(tokenName, role);
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
              + " this database's tokens when it starts; with --url a token works at once).");
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
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      Optional<RemoteTokens> remote = data.remote(out, spec.commandLine().getErr());
      if (remote.isPresent()) {
        return remote.get().list();
      }
      Optional<Stores> opened = data.open(spec.commandLine().getErr());
      if (opened.isEmpty()) {
        return 1;
      }
      List<ApiToken> tokens;
      try (Stores stores = opened.get()) {
        tokens = stores.tokens().list();
      }
      RemoteTokens.printHeader(out);
      for (ApiToken t : tokens) {
        RemoteTokens.printRow(out, t.name(), t.role().wireName(), t.createdAt());
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "revoke",
      description =
          "Revoke a token. With --url: refused from the service's next request on (its open"
              + " event streams are cut off). Without: once the stopped service starts again.",
      mixinStandardHelpOptions = true)
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The token's name (see token list).")
    String name;

    @picocli.CommandLine.Mixin DataDir data = new DataDir();

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter err = spec.commandLine().getErr();
      Optional<RemoteTokens> remote = data.remote(spec.commandLine().getOut(), err);
      if (remote.isPresent()) {
        return remote.get().revoke(name);
      }
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
