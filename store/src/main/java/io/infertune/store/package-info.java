/**
 * The trial store on JDBC: {@link io.infertune.store.TrialStores} opens a {@link
 * io.infertune.store.JdbcTrialStore} on an H2 file database (the default) or on PostgreSQL (for
 * several service instances sharing one history), with the schema migrated from {@code
 * db/migration} on open.
 */
package io.infertune.store;
