package io.infertune.api.cli;

import picocli.CommandLine.Option;

/** Where the service is and how to authenticate: {@code --url} and {@code --token}. */
public final class ClientOptions {
  @Option(
      names = "--url",
      paramLabel = "URL",
      defaultValue = "${env:INFERTUNE_URL:-http://127.0.0.1:8080}",
      description = "The service's base URL (env INFERTUNE_URL; default: ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      defaultValue = "${env:INFERTUNE_TOKEN}",
      description = "API token, sent as 'Authorization: Bearer TOKEN' (env INFERTUNE_TOKEN).")
  String token;
}
