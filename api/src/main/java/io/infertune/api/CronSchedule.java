package io.infertune.api;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * When a schedule fires: a cron expression read in a time zone, by cron-utils.
 *
 * <p>Expressions are Unix crontab lines, the dialect operators already write: five fields, {@code
 * minute hour day-of-month month day-of-week}, with {@code *}, lists, ranges, steps ({@code
 * *&#47;15}) and English names ({@code MON-FRI}, {@code JAN}); the finest resolution is a minute.
 * Quartz's seconds, years, {@code ?}, {@code L} and {@code W}, and nicknames such as
 * {@literal @}daily, are refused.
 *
 * <p>Fire times are wall-clock times in the zone, so that {@code 0 3 * * *} in Europe/Berlin fires
 * at 03:00 local time in winter (02:00 UTC) and in summer (01:00 UTC). Around daylight-saving
 * changes (cron-utils' behaviour, pinned by {@code CronScheduleTest}): a time that does not exist
 * on the day clocks go forward (02:30 in Berlin) is skipped that day; a time that occurs twice on
 * the day clocks go back fires once, at its first occurrence, for a daily schedule, while a
 * schedule that fires every few minutes fires in both passes of the repeated hour.
 *
 * @implNote immutable and thread-safe.
 */
final class CronSchedule {
  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime times;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime times) {
    this.expression = expression;
    this.zone = zone;
    this.times = times;
  }

  /**
   * The schedule of {@code expression} in {@code zone}.
   *
   * @throws IllegalArgumentException with cron-utils' message when the expression is not a valid
   *     Unix cron expression, or saying so when it never fires (e.g. {@code 0 0 30 2 *})
   */
  static CronSchedule parse(String expression, ZoneId zone) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
    Cron cron;
    try {
      // A parser per call: parsing is rare (writes and fires) and cheap, and cron-utils does not
      // document its parser as thread-safe.
      cron =
          new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX))
              .parse(expression)
              .validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid cron expression '" + expression + "': " + e.getMessage(), e);
    }
    CronSchedule schedule = new CronSchedule(expression, zone, ExecutionTime.forCron(cron));
    // Days that never come (30 February) parse, but a schedule of them would never run.
    if (schedule.nextAfter(Instant.EPOCH).isEmpty()) {
      throw new IllegalArgumentException(
          "cron expression '" + expression + "' never fires: no date matches it");
    }
    return schedule;
  }

  /** The first fire time strictly after {@code t}; empty when there is none. */
  Optional<Instant> nextAfter(Instant t) {
    return times.nextExecution(ZonedDateTime.ofInstant(t, zone)).map(ZonedDateTime::toInstant);
  }

  @Override
  public String toString() {
    return expression + " (" + zone.getId() + ")";
  }
}
