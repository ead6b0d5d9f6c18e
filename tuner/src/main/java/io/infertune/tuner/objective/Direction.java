package io.infertune.tuner.objective;

import java.util.Locale;

/** Whether an objective is to be made large or small. */
public enum Direction {
  MAXIMIZE,
  MINIMIZE;

  /** {@code true} when {@code a} is strictly better than {@code b} in this direction. */
  public boolean better(double a, double b) {
    return this == MAXIMIZE ? a > b : a < b;
  }

  /** The value turned so that larger is always better (for strategies that maximise). */
  public double oriented(double value) {
    return this == MAXIMIZE ? value : -value;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code maximize}/{@code minimize} (any case, also {@code max}/{@code min}). */
  public static Direction parse(String s) {
    return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
      case "maximize", "max" -> MAXIMIZE;
      case "minimize", "min" -> MINIMIZE;
      default ->
          throw new IllegalArgumentException(
              "direction must be 'maximize' or 'minimize', got '" + s + "'");
    };
  }
}
