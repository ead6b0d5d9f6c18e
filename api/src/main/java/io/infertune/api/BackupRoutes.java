package io.infertune.api;

import io.infertune.store.H2Backup;
import io.infertune.store.JdbcTrialStore;
import io.infertune.tuner.store.TrialStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/export} (operator token): a consistent backup of the whole database
 * (campaigns, trials, deployments, schedules, studies, tokens' hashes, the audit log) as H2 SQL
 * text, for {@code infertune backup restore}. The backup is written to a file in the data directory
 * first, in one snapshot ({@link H2Backup}), then sent from it and deleted: the snapshot's
 * transaction is not held open for as long as a slow client takes to read it.
 */
final class BackupRoutes {
  private static final Logger log = LoggerFactory.getLogger(BackupRoutes.class);

  static final String PATH = "/api/v1/export";

  private final TrialStore store;
  private final Path dataDir;

  BackupRoutes(TrialStore store, Path dataDir) {
    this.store = Objects.requireNonNull(store, "store");
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
  }

  void mount(Router router) {
    router.get(PATH).blockingHandler(this::export, false);
  }

  private void export(RoutingContext ctx) {
    if (!(store instanceof JdbcTrialStore jdbc)) {
      throw new ApiException(501, "this service's store cannot be backed up", Optional.empty());
    }
    Path file;
    try {
      file = Files.createTempFile(dataDir, "export-", ".sql.part");
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        H2Backup.write(jdbc, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the backup: " + e.getMessage(), e);
    }
    String name = "infertune-backup-" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ".sql";
    ctx.response()
        .putHeader("content-type", "application/sql; charset=utf-8")
        .putHeader("content-disposition", "attachment; filename=\"" + name.replace(':', '-') + "\"")
        .sendFile(file.toString())
        .onComplete(
            done -> {
              try {
                Files.deleteIfExists(file);
              } catch (IOException e) {
                log.warn("cannot delete the sent backup {}: {}", file, e.getMessage());
              }
            });
  }
}
