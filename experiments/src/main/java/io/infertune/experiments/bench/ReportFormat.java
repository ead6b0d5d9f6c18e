package io.infertune.experiments.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How {@link RunStats} rows are printed: an aligned text table or CSV, both with {@link
 * RunStats#COLUMNS} in order.
 */
public enum ReportFormat {
  /** Space-aligned columns with a header and a rule, for a terminal or a Markdown code block. */
  TABLE {
    @Override
    public String render(List<RunStats> rows) {
      List<String[]> cells = cells(rows);
      int[] width = new int[RunStats.COLUMNS.size()];
      for (String[] r : cells) {
        for (int i = 0; i < r.length; i++) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      StringBuilder sb = new StringBuilder();
      for (int n = 0; n < cells.size(); n++) {
        String[] r = cells.get(n);
        for (int i = 0; i < r.length; i++) {
          String pad = " ".repeat(width[i] - r[i].length());
          sb.append(i < 2 ? r[i] + pad : pad + r[i]);
          sb.append(i + 1 < r.length ? "  " : "\n");
        }
        if (n == 0) {
          int total = 0;
          for (int w : width) {
            total += w + 2;
          }
          sb.append("-".repeat(total - 2)).append('\n');
        }
      }
      return sb.toString();
    }
  },
  /** RFC 4180 CSV with a header row; numbers unquoted, "-" for missing. */
  CSV {
    @Override
    public String render(List<RunStats> rows) {
      StringBuilder sb = new StringBuilder();
      for (String[] r : cells(rows)) {
        for (int i = 0; i < r.length; i++) {
          String v = r[i];
          if (v.contains(",") || v.contains("\"")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
          }
          sb.append(v).append(i + 1 < r.length ? "," : "\n");
        }
      }
      return sb.toString();
    }
  };

  /** The rows with a header first. */
  public abstract String render(List<RunStats> rows);

  private static List<String[]> cells(List<RunStats> rows) {
    List<String[]> out = new ArrayList<>();
    out.add(RunStats.COLUMNS.stream().map(RunStats.Column::header).toArray(String[]::new));
    for (RunStats s : rows) {
      out.add(RunStats.COLUMNS.stream().map(c -> c.value().apply(s)).toArray(String[]::new));
    }
    return out;
  }

  /** The format named {@code name}, ignoring case. */
  public static ReportFormat parse(String name) {
    try {
      return valueOf(name.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown format '" + name + "'; use table or csv", e);
    }
  }
}
