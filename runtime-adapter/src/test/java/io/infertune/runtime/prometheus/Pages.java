package io.infertune.runtime.prometheus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The exposition pages under {@code pages/} in the test resources (see pages/README.md for where
 * each comes from).
 */
final class Pages {
  private Pages() {}

  static String read(String name) {
    try (InputStream in = Pages.class.getResourceAsStream("pages/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test page " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static java.util.List<MetricFamily> parse(String name) throws PrometheusParseException {
    return PrometheusTextParser.parse(read(name));
  }
}
