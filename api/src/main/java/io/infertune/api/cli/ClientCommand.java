package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running service over its REST API: parses {@code --url} and {@code
 * --token}, runs {@link #run}, and turns what went wrong into an exit code (see {@link ExitCodes})
 * and one line on stderr.
 */
@Command(
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {
      ExitCodes.OK_LINE,
      ExitCodes.REFUSED_LINE,
      ExitCodes.USAGE_LINE,
      ExitCodes.UNAVAILABLE_LINE,
      ExitCodes.NOT_COMPLETED_LINE,
      ExitCodes.IO_LINE
    })
abstract class ClientCommand implements Callable<Integer> {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

  @Mixin ClientOptions connection;

  /** Does the command's work; returns its exit code. */
  abstract int run(ServiceClient client) throws ServiceException, InterruptedException;

  @Override
  public final Integer call() throws InterruptedException {
    ServiceClient client =
        new ServiceClient(MAPPER, baseUrl(), Optional.ofNullable(connection.token));
    try {
      return run(client);
    } catch (ServiceException e) {
      err().println("infertune: " + e.describe());
      return e.exitCode();
    } finally {
      out().flush();
      err().flush();
    }
  }

  private URI baseUrl() {
    try {
      URI uri = new URI(connection.url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below, with the same message as a URL of another scheme
    }
    throw new ParameterException(
        spec.commandLine(),
        "Invalid value for option '--url': expected http://HOST:PORT or https://..., got '"
            + connection.url
            + "'");
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void printJson(JsonNode json) {
    out().println(json.toPrettyString());
  }

  /** A path segment from the command line, encoded so that it stays one segment. */
  static String segment(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }
}
