package io.infertune.tuner.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.testkit.ScheduleStoreContract;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Schedules and their specs refuse what cannot be stored or makes no sense. */
class ScheduleTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void specsRefuseBlankOrOversizedText() {
    assertThatThrownBy(() -> new ScheduleSpec(" ", "0 3 * * *", ZoneOffset.UTC, "{}", true, true))
        .hasMessageContaining("name");
    assertThatThrownBy(
            () -> new ScheduleSpec("x".repeat(201), "0 3 * * *", ZoneOffset.UTC, "{}", true, true))
        .hasMessageContaining("name");
    assertThatThrownBy(() -> new ScheduleSpec("n", "", ZoneOffset.UTC, "{}", true, true))
        .hasMessageContaining("cron");
    assertThatThrownBy(
            () -> new ScheduleSpec("n", "*".repeat(256), ZoneOffset.UTC, "{}", true, true))
        .hasMessageContaining("cron");
    assertThatThrownBy(() -> new ScheduleSpec("n", "0 3 * * *", ZoneOffset.UTC, " ", true, true))
        .hasMessageContaining("template");
  }

  @Test
  void aDisabledScheduleHasNoNextRun() {
    ScheduleSpec disabled = ScheduleStoreContract.otherSpec();
    assertThatThrownBy(() -> Schedule.created("s", disabled, T, Optional.of(T)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Schedule.created("s", disabled, T, Optional.empty()).nextRunAt()).isEmpty();
  }

  @Test
  void runsReplaceTheErrorButAFailureKeepsTheLastCampaign() {
    Schedule s = Schedule.created("s", ScheduleStoreContract.spec(), T, Optional.of(T));
    Schedule started = s.started(T.plusSeconds(1), "c-1");
    assertThat(started.lastCampaignId()).contains("c-1");
    Schedule failed = started.failed(T.plusSeconds(2), "busy");
    assertThat(failed.lastCampaignId()).contains("c-1");
    assertThat(failed.lastError()).contains("busy");
    assertThat(failed.lastRunAt()).contains(T.plusSeconds(2));
    assertThat(failed.started(T.plusSeconds(3), "c-2").lastError()).isEmpty();
  }

  @Test
  void idsFollowTheIdRule() {
    assertThatThrownBy(
            () -> Schedule.created("a b", ScheduleStoreContract.spec(), T, Optional.empty()))
        .hasMessageContaining("schedule id");
  }
}
