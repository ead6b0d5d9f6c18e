package io.infertune.tuner.run;

import io.infertune.tuner.trial.Deployment;
import java.util.Objects;
import java.util.Optional;

/**
 * How a promotion ended.
 *
 * @param decision what the A/B comparison concluded
 * @param push the deployment of the candidate, when it was pushed
 * @param violation what the watch saw that made the push unacceptable (a constraint violated, a
 *     window that could not be measured), when it saw one
 * @param rollback the deployment that put the incumbent back, when the watch saw a violation and
 *     the rollback succeeded
 * @param message how it ended, for people: {@code not pushed: ...}, {@code pushed (...); ...},
 *     {@code pushed (...), then rolled back: ...}
 */
public record PromotionOutcome(
    PromotionDecision decision,
    Optional<Deployment> push,
    Optional<String> violation,
    Optional<Deployment> rollback,
    String message) {
  public PromotionOutcome {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(push, "push");
    Objects.requireNonNull(violation, "violation");
    Objects.requireNonNull(rollback, "rollback");
    Objects.requireNonNull(message, "message");
    if (push.isPresent() != decision.push()) {
      throw new IllegalArgumentException("a push is present exactly when the decision is to push");
    }
    if (violation.isPresent() && push.isEmpty() || rollback.isPresent() && violation.isEmpty()) {
      throw new IllegalArgumentException("only a push is watched, and only a violation rolls back");
    }
  }

  /** Whether the candidate was pushed and survived the watch: the runtime now runs it. */
  public boolean kept() {
    return push.isPresent() && violation.isEmpty();
  }

  /** Whether the watch rolled the push back. */
  public boolean rolledBack() {
    return rollback.isPresent();
  }
}
