package io.infertune.tuner.testkit;

import io.infertune.tuner.schedule.Schedule;
import io.infertune.tuner.schedule.ScheduleSpec;
import io.infertune.tuner.schedule.ScheduleStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link ScheduleStore} in memory, for tests. Thread-safe (synchronized). */
public final class InMemoryScheduleStore implements ScheduleStore {
  private final Map<String, Schedule> schedules = new LinkedHashMap<>();

  @Override
  public synchronized void create(Schedule schedule) {
    if (schedules.putIfAbsent(schedule.id(), schedule) != null) {
      throw new IllegalStateException("schedule " + schedule.id() + " exists");
    }
  }

  @Override
  public synchronized Optional<Schedule> get(String id) {
    return Optional.ofNullable(schedules.get(id));
  }

  @Override
  public synchronized List<Schedule> list() {
    return schedules.values().stream()
        .sorted(Comparator.comparing(Schedule::createdAt).thenComparing(Schedule::id).reversed())
        .toList();
  }

  @Override
  public synchronized boolean update(String id, ScheduleSpec spec, Optional<Instant> nextRunAt) {
    Schedule old = schedules.get(id);
    if (old == null) {
      return false;
    }
    schedules.put(id, old.withSpec(spec, nextRunAt));
    return true;
  }

  @Override
  public synchronized boolean delete(String id) {
    return schedules.remove(id) != null;
  }

  @Override
  public synchronized boolean claim(String id, Instant due, Optional<Instant> next) {
    Schedule old = schedules.get(id);
    if (old == null || !old.spec().enabled() || !old.nextRunAt().equals(Optional.of(due))) {
      return false;
    }
    schedules.put(id, old.withNextRunAt(next));
    return true;
  }

  @Override
  public synchronized boolean recordStarted(String id, Instant at, String campaignId) {
    Schedule old = schedules.get(id);
    if (old == null) {
      return false;
    }
    schedules.put(id, old.started(at, campaignId));
    return true;
  }

  @Override
  public synchronized boolean recordFailed(String id, Instant at, String error) {
    Schedule old = schedules.get(id);
    if (old == null) {
      return false;
    }
    schedules.put(id, old.failed(at, error));
    return true;
  }

  @Override
  public void close() {}
}
