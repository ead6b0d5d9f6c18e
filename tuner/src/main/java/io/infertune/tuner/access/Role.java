package io.infertune.tuner.access;

import java.util.Locale;

/**
 * What an API token may do. Roles are ordered: an operator may do everything a viewer may.
 *
 * <ul>
 *   <li>{@link #VIEWER}: reads ({@code GET}).
 *   <li>{@link #OPERATOR}: everything else as well: start and stop campaigns, push and roll back
 *       configurations, write schedules and studies, read the audit log.
 * </ul>
 */
public enum Role {
  VIEWER,
  OPERATOR;

  /** Whether a holder of this role may do what {@code required} allows. */
  public boolean permits(Role required) {
    return compareTo(required) >= 0;
  }

  /** The lower-case word used on the command line, in the API and in the database. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role named {@code word}, in any case.
   *
   * @throws IllegalArgumentException naming the roles when there is none such
   */
  public static Role parse(String word) {
    for (Role r : values()) {
      if (r.name().equalsIgnoreCase(word)) {
        return r;
      }
    }
    throw new IllegalArgumentException("role must be viewer or operator, got '" + word + "'");
  }
}
