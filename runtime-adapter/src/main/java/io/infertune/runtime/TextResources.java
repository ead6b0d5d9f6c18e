package io.infertune.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the line-per-entry text files shipped as resources (corpus, validation sentences). */
public final class TextResources {
  private TextResources() {}

  /**
   * The stripped, non-blank lines of a resource next to {@code anchor}, without {@code #} comments.
   *
   * @throws IOException when the resource is missing or unreadable
   */
  public static List<String> lines(Class<?> anchor, String resource) throws IOException {
    try (InputStream in = anchor.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("resource " + resource + " is missing");
      }
      List<String> out = new ArrayList<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        String s = line.strip();
        if (!s.isEmpty() && !s.startsWith("#")) {
          out.add(s);
        }
      }
      return List.copyOf(out);
    }
  }
}
