/**
 * The trial and study stores on JDBC: {@link io.infertune.store.TrialStores} opens a {@link
 * io.infertune.store.JdbcTrialStore} (campaigns, trials, deployments) and a {@link
 * io.infertune.store.JdbcStudyStore} (ask/tell studies and their trials) on an H2 file database
 * (the default) or on PostgreSQL (for several service instances sharing one history), with the
 * schema migrated from {@code db/migration} on open. Both may be open on one database at once.
 */
package io.infertune.store;
