package io.infertune.tuner.study;

import io.infertune.tuner.testkit.InMemoryStudyStore;
import io.infertune.tuner.testkit.StudyStoreContract;

/** The test-kit's in-memory store keeps the contract that the orchestration's tests rely on. */
class InMemoryStudyStoreTest extends StudyStoreContract {
  @Override
  protected StudyStore createStore() {
    return new InMemoryStudyStore();
  }
}
