package io.infertune.api.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trials as CSV: a column per knob and per metric, text quoted so that it reads back intact. */
class TrialsCsvTest {
  @Test
  void knobsAndMetricsBecomeColumnsAndReasonsReadBackIntact() throws Exception {
    var trials =
        new ObjectMapper()
            .readTree(
                """
                [{"number": 0, "id": "t0", "status": "completed", "baseline": true,
                  "objectiveValue": 101.5, "configuration": {"batch_size": 1, "quantization": "fp32"},
                  "measurement": {"windowSeconds": 2.0,
                    "metrics": {"throughput_rps": {"mean": 101.5}, "latency_p95_ms": {"mean": 9.25}}},
                  "startedAt": "2026-01-01T00:00:00Z", "finishedAt": "2026-01-01T00:00:03Z"},
                 {"number": 1, "id": "t1", "status": "failed", "baseline": false,
                  "configuration": {"batch_size": 64, "cache_entries": 10},
                  "reason": "apply failed (out_of_memory): \\"batch\\", too large\\nsecond line",
                  "startedAt": "2026-01-01T00:00:03Z", "finishedAt": "2026-01-01T00:00:04Z"}]
                """);
    StringWriter out = new StringWriter();
    TrialsCsv.write(trials, out);

    String header = out.toString().lines().findFirst().orElseThrow();
    assertThat(header)
        .isEqualTo(
            "number,id,status,baseline,objective,param.batch_size,param.quantization,"
                + "param.cache_entries,throughput_rps,latency_p95_ms,window_seconds,started_at,"
                + "finished_at,reason");
    List<Map<String, String>> rows;
    try (MappingIterator<Map<String, String>> it =
        new CsvMapper()
            .readerFor(Map.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(out.toString())) {
      rows = it.readAll();
    }
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0))
        .containsEntry("objective", "101.5")
        .containsEntry("param.quantization", "fp32")
        .containsEntry("param.cache_entries", "")
        .containsEntry("latency_p95_ms", "9.25");
    assertThat(rows.get(1))
        .containsEntry("status", "failed")
        .containsEntry("objective", "")
        .containsEntry("reason", "apply failed (out_of_memory): \"batch\", too large\nsecond line");
  }
}
