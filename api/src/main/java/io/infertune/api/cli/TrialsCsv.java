package io.infertune.api.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A campaign's trials (the JSON of {@code GET /api/v1/campaigns/{id}/trials}) as CSV with a header:
 * one row per trial; a column per knob ({@code param.<knob>}) and per metric ({@code <metric>}, the
 * mean over the window), in the order they first appear; quoting by Jackson's CSV writer.
 */
final class TrialsCsv {
  private static final CsvMapper CSV = new CsvMapper();
  private static final List<String> LEADING =
      List.of("number", "id", "status", "baseline", "objective");
  private static final List<String> TRAILING =
      List.of("window_seconds", "started_at", "finished_at", "reason");

  private TrialsCsv() {}

  static void write(JsonNode trials, Writer out) throws IOException {
    Set<String> knobs = new LinkedHashSet<>();
    Set<String> metrics = new LinkedHashSet<>();
    for (JsonNode t : trials) {
      t.path("configuration").fieldNames().forEachRemaining(knobs::add);
      t.path("measurement").path("metrics").fieldNames().forEachRemaining(metrics::add);
    }
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    List<String> columns = new ArrayList<>(LEADING);
    knobs.forEach(k -> columns.add("param." + k));
    columns.addAll(metrics);
    columns.addAll(TRAILING);
    columns.forEach(schema::addColumn);

    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode t : trials) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("number", t.path("number").asInt());
      row.put("id", t.path("id").asText());
      row.put("status", t.path("status").asText());
      row.put("baseline", t.path("baseline").asBoolean());
      row.put("objective", scalar(t.get("objectiveValue")));
      for (String k : knobs) {
        row.put("param." + k, scalar(t.path("configuration").get(k)));
      }
      JsonNode m = t.path("measurement");
      for (String k : metrics) {
        row.put(k, scalar(m.path("metrics").path(k).get("mean")));
      }
      row.put("window_seconds", scalar(m.get("windowSeconds")));
      row.put("started_at", scalar(t.get("startedAt")));
      row.put("finished_at", scalar(t.get("finishedAt")));
      row.put("reason", scalar(t.get("reason")));
      rows.add(row);
    }
    CSV.writer(schema.build()).writeValues(out).writeAll(rows).close();
  }

  /** A cell: numbers and booleans as themselves, text as text, absent as empty. */
  private static Object scalar(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "";
    }
    if (v.isNumber()) {
      return v.numberValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }
}
