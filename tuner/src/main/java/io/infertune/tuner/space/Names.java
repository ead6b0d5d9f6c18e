package io.infertune.tuner.space;

import java.util.regex.Pattern;

/** The one rule for names of parameters and metrics: they travel in URLs, SQL and CSV headers. */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.:-]{0,63}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");

  private Names() {}

  /**
   * Returns {@code name} if it is a valid name.
   *
   * @throws IllegalArgumentException saying what a name may contain
   */
  public static String require(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " name '"
              + name
              + "' is invalid: use 1-64 letters, digits, '_', '.', ':' or '-', starting with a"
              + " letter");
    }
    return name;
  }

  /**
   * Returns {@code id} if it is a valid identifier (a name that may also start with a digit, such
   * as a UUID).
   */
  public static String requireId(String what, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          what + " '" + id + "' is invalid: use 1-64 letters, digits, '_', '.', ':' or '-'");
    }
    return id;
  }
}
