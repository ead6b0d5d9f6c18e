package io.infertune.tuner.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infertune.tuner.access.AuditEntry;
import io.infertune.tuner.access.AuditLog;
import io.infertune.tuner.access.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link AuditLog} contract. Every audit log's test extends this class.
 *
 * <p>Instants here are whole microseconds, the finest precision every store keeps.
 */
public abstract class AuditLogContract {
  protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  protected AuditLog log;

  /** A fresh, empty log. */
  protected abstract AuditLog createLog() throws Exception;

  @BeforeEach
  void open() throws Exception {
    log = createLog();
  }

  @AfterEach
  void closeLog() {
    log.close();
  }

  /** The {@code i}-th call of a test: a push by an operator's token, refused every third time. */
  public static AuditEntry entry(int i) {
    return new AuditEntry(
        T0.plusSeconds(i),
        i % 2 == 0 ? "ci-bot" : AuditEntry.ANONYMOUS,
        "POST",
        "/api/v1/runtimes/embedded/config?ü\"'" + i,
        i % 3 == 0 ? 403 : 200,
        "127.0.0.1");
  }

  @Test
  void anEntryReadsBackEqualWithAGrowingId() {
    AuditRecord first = log.append(entry(1));
    AuditRecord second = log.append(entry(2));
    assertThat(first.entry()).isEqualTo(entry(1));
    assertThat(second.id()).isGreaterThan(first.id());
    assertThat(log.page(10, OptionalLong.empty())).containsExactly(second, first);
  }

  @Test
  void pagesWalkBackwardsWithoutGapsOrRepeats() {
    List<AuditRecord> written = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      written.add(log.append(entry(i)));
    }
    List<AuditRecord> read = new ArrayList<>();
    OptionalLong before = OptionalLong.empty();
    while (true) {
      List<AuditRecord> page = log.page(3, before);
      assertThat(page.size()).isLessThanOrEqualTo(3);
      if (page.isEmpty()) {
        break;
      }
      read.addAll(page);
      before = OptionalLong.of(page.get(page.size() - 1).id());
    }
    assertThat(read).containsExactlyElementsOf(written.reversed());
  }

  @Test
  void anEmptyLogHasAnEmptyPage() {
    assertThat(log.page(AuditLog.MAX_PAGE, OptionalLong.empty())).isEmpty();
    assertThat(log.page(1, OptionalLong.of(1))).isEmpty();
  }

  @Test
  void aLimitOutsideTheRangeIsRefused() {
    assertThatThrownBy(() -> log.page(0, OptionalLong.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.page(AuditLog.MAX_PAGE + 1, OptionalLong.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
