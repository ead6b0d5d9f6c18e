package io.infertune.tuner.schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where schedules live.
 *
 * <p>The operator's changes ({@link #update}) and the scheduler's bookkeeping ({@link #claim},
 * {@link #recordStarted}, {@link #recordFailed}) write different parts of a schedule, so that
 * neither overwrites the other.
 *
 * @apiNote contract (checked by {@code ScheduleStoreContract} in tuner's test-jar): an id is
 *     created once; a schedule reads back equal to what was written; {@link #claim} is a
 *     compare-and-set on the next run, so that of several schedulers (threads, or service instances
 *     sharing one database) that see a schedule due, one fires it; writes to a schedule that does
 *     not exist change nothing and return {@code false}.
 * @implNote implementations are thread-safe.
 */
public interface ScheduleStore extends AutoCloseable {
  /**
   * Records a new schedule.
   *
   * @throws IllegalStateException when the id exists
   */
  void create(Schedule schedule);

  Optional<Schedule> get(String id);

  /** All schedules, newest first. */
  List<Schedule> list();

  /**
   * Replaces a schedule's spec and next run; its creation instant and last run are kept.
   *
   * @return {@code false}, changing nothing, when there is no such schedule
   * @throws IllegalArgumentException when {@code nextRunAt} is present for a disabled spec
   */
  boolean update(String id, ScheduleSpec spec, Optional<Instant> nextRunAt);

  /**
   * Removes a schedule.
   *
   * @return {@code false} when there was no such schedule
   */
  boolean delete(String id);

  /**
   * Takes the run due at {@code due}: when the schedule exists, is enabled and its next run is
   * {@code due}, moves its next run to {@code next} and returns {@code true}; otherwise changes
   * nothing and returns {@code false} (another scheduler took the run, or the operator changed the
   * schedule meanwhile).
   */
  boolean claim(String id, Instant due, Optional<Instant> next);

  /**
   * Records a run at {@code at} that started {@code campaignId}; clears the last error.
   *
   * @return {@code false}, changing nothing, when there is no such schedule
   */
  boolean recordStarted(String id, Instant at, String campaignId);

  /**
   * Records a run at {@code at} that started nothing, for {@code error}; the last campaign is kept.
   *
   * @return {@code false}, changing nothing, when there is no such schedule
   */
  boolean recordFailed(String id, Instant at, String error);

  @Override
  void close();
}
