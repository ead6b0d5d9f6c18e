package io.infertune.tuner.schedule;

import io.infertune.tuner.testkit.InMemoryScheduleStore;
import io.infertune.tuner.testkit.ScheduleStoreContract;

/** The test-kit's in-memory store keeps the contract that the scheduler's tests may rely on. */
class InMemoryScheduleStoreTest extends ScheduleStoreContract {
  @Override
  protected ScheduleStore createStore() {
    return new InMemoryScheduleStore();
  }
}
