package io.infertune.api.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Reads a spec file (a campaign or a schedule request) as the JSON the REST API takes: JSON for
 * {@code .json}, YAML otherwise (YAML is a superset of JSON, so a JSON file named {@code .yaml}
 * reads too); {@code -} reads stdin. A file that cannot be read or parsed is a usage error.
 */
final class SpecFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * YAML as the 1.2 core schema reads it: {@code on}, {@code off}, {@code yes} and {@code no} stay
   * words (knob values such as the embedded runtime's {@code thread_spinning: [on, off]}), where
   * YAML 1.1 would make them booleans.
   */
  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS).build();

  private SpecFiles() {}

  static JsonNode read(CommandLine cmd, String option, Path file, InputStream stdin) {
    boolean fromStdin = file.toString().equals("-");
    boolean json = file.toString().toLowerCase(Locale.ROOT).endsWith(".json");
    try {
      byte[] bytes = fromStdin ? stdin.readAllBytes() : Files.readAllBytes(file);
      JsonNode node = (json ? JSON : YAML).readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new ParameterException(
            cmd, "Invalid value for option '" + option + "': " + file + " holds no object");
      }
      return node;
    } catch (NoSuchFileException e) {
      throw new ParameterException(
          cmd, "Invalid value for option '" + option + "': no file " + file);
    } catch (JacksonException e) {
      throw new ParameterException(
          cmd,
          "Invalid value for option '"
              + option
              + "': "
              + file
              + " is not valid "
              + (json ? "JSON" : "YAML")
              + ": "
              + e.getOriginalMessage()
              + location(e));
    } catch (IOException e) {
      throw new ParameterException(
          cmd, "Invalid value for option '" + option + "': cannot read " + file + ": " + e);
    }
  }

  private static String location(JacksonException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }
}
