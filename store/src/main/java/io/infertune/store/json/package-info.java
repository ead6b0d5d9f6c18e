/**
 * The JSON wire format of the domain values, shared by the store and the REST API: {@link
 * io.infertune.store.json.WireFormat} writes and reads them, and refuses invalid documents with a
 * {@link io.infertune.store.json.FieldException} that names the offending field.
 */
package io.infertune.store.json;
