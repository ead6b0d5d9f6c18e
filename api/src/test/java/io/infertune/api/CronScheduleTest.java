package io.infertune.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fire times of Unix cron expressions in a time zone, as cron-utils computes them, pinned here so
 * that a new version of the library that changes them is noticed (Berlin: clocks go forward on
 * 2026-03-29 at 02:00 CET, back on 2026-10-25 at 03:00 CEST).
 */
class CronScheduleTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static List<Instant> fireTimes(CronSchedule cron, Instant from, int count) {
    List<Instant> out = new ArrayList<>();
    Instant t = from;
    for (int i = 0; i < count; i++) {
      t = cron.nextAfter(t).orElseThrow();
      out.add(t);
    }
    return out;
  }

  @Test
  void aDailyTimeStaysAtLocalTimeAcrossBothDaylightSavingChanges() {
    CronSchedule nine = CronSchedule.parse("0 9 * * *", BERLIN);
    assertThat(fireTimes(nine, Instant.parse("2026-03-27T12:00:00Z"), 3))
        .containsExactly(
            Instant.parse("2026-03-28T08:00:00Z"), // 09:00 CET
            Instant.parse("2026-03-29T07:00:00Z"), // 09:00 CEST
            Instant.parse("2026-03-30T07:00:00Z"));
    assertThat(fireTimes(nine, Instant.parse("2026-10-23T12:00:00Z"), 3))
        .containsExactly(
            Instant.parse("2026-10-24T07:00:00Z"), // 09:00 CEST
            Instant.parse("2026-10-25T08:00:00Z"), // 09:00 CET
            Instant.parse("2026-10-26T08:00:00Z"));
  }

  @Test
  void aTimeThatTheSpringChangeSkipsIsSkippedThatDay() {
    // 02:30 does not exist in Berlin on 2026-03-29.
    assertThat(
            fireTimes(
                CronSchedule.parse("30 2 * * *", BERLIN), Instant.parse("2026-03-27T12:00:00Z"), 2))
        .containsExactly(
            Instant.parse("2026-03-28T01:30:00Z"), Instant.parse("2026-03-30T00:30:00Z"));
  }

  @Test
  void aDailyTimeThatTheAutumnChangeRepeatsFiresOnce() {
    // 02:30 happens twice in Berlin on 2026-10-25: at 00:30 and at 01:30 UTC.
    assertThat(
            fireTimes(
                CronSchedule.parse("30 2 * * *", BERLIN), Instant.parse("2026-10-24T12:00:00Z"), 2))
        .containsExactly(
            Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z"));
  }

  @Test
  void theNextFireTimeIsStrictlyAfterTheGivenInstant() {
    CronSchedule three = CronSchedule.parse("0 3 * * *", ZoneOffset.UTC);
    Instant fire = Instant.parse("2026-05-01T03:00:00Z");
    assertThat(three.nextAfter(fire)).contains(Instant.parse("2026-05-02T03:00:00Z"));
    assertThat(three.nextAfter(fire.minusNanos(1))).contains(fire);
  }

  @Test
  void namesRangesAndStepsAreUnderstood() {
    // Friday 2026-05-01, 16:50 UTC: the last quarter hours of the working day, then Monday.
    CronSchedule workHours = CronSchedule.parse("*/15 9-16 * * MON-FRI", ZoneOffset.UTC);
    assertThat(fireTimes(workHours, Instant.parse("2026-05-01T16:20:00Z"), 3))
        .containsExactly(
            Instant.parse("2026-05-01T16:30:00Z"),
            Instant.parse("2026-05-01T16:45:00Z"),
            Instant.parse("2026-05-04T09:00:00Z"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          * * *            | contains 3 parts
          0 0 0 * * ?      | contains 6 parts
          61 * * * *       | Value 61 not in range [0, 59]
          0 0 30 2 *       | never fires
          0 0 ? * *        | Invalid expression: ?
          0 0 L * *        | Invalid chars
          @daily           | Nicknames not supported
          """)
  void invalidExpressionsAreRefusedWithTheLibrarysMessage(String expression, String message) {
    assertThatThrownBy(() -> CronSchedule.parse(expression, ZoneOffset.UTC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expression)
        .hasMessageContaining(message);
  }
}
