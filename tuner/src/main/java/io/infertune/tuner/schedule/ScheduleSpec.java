package io.infertune.tuner.schedule;

import java.time.ZoneId;
import java.util.Objects;

/**
 * What an operator says about a schedule: when it fires and what campaign it starts.
 *
 * <p>The tuner does not read cron expressions or JSON: the service checks {@code cron} with its
 * cron library and {@code template} against the runtime's knobs, when the schedule is written and
 * again at every run (a runtime's knobs may change between nights).
 *
 * @param name for people, 1-200 characters
 * @param cron the cron expression, as the operator wrote it (at most 255 characters)
 * @param zone the time zone in which {@code cron} is read, so that "every day at 03:00" stays at
 *     03:00 local time across daylight-saving changes
 * @param template the campaign request, as JSON text exactly as it would be posted to {@code
 *     /api/v1/campaigns}
 * @param enabled whether the schedule fires
 * @param warmStart whether a campaign it starts first tells its strategy the trials of the
 *     runtime's earlier campaigns
 * @param retuneOnDrift whether a drift event on the template's runtime (a change of its live
 *     latency, request rate or input size) starts the template's campaign at once, outside the
 *     cron; independent of {@code enabled}, which governs the cron alone, so a disabled schedule
 *     with this set re-tunes on drift only
 */
public record ScheduleSpec(
    String name,
    String cron,
    ZoneId zone,
    String template,
    boolean enabled,
    boolean warmStart,
    boolean retuneOnDrift) {
  /** The longest cron expression kept (the column's width). */
  public static final int MAX_CRON_LENGTH = 255;

  /** The longest time-zone id kept (the column's width). */
  public static final int MAX_ZONE_LENGTH = 64;

  /** A schedule that runs on its cron only. */
  public ScheduleSpec(
      String name, String cron, ZoneId zone, String template, boolean enabled, boolean warmStart) {
    this(name, cron, zone, template, enabled, warmStart, false);
  }

  public ScheduleSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException("name must be 1-200 characters");
    }
    Objects.requireNonNull(cron, "cron");
    if (cron.isBlank() || cron.length() > MAX_CRON_LENGTH) {
      throw new IllegalArgumentException("cron must be 1-" + MAX_CRON_LENGTH + " characters");
    }
    Objects.requireNonNull(zone, "zone");
    if (zone.getId().length() > MAX_ZONE_LENGTH) {
      throw new IllegalArgumentException(
          "zone id must be at most " + MAX_ZONE_LENGTH + " characters");
    }
    Objects.requireNonNull(template, "template");
    if (template.isBlank()) {
      throw new IllegalArgumentException("template must not be blank");
    }
  }
}
