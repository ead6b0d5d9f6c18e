/**
 * Runtimes as data: a {@link io.infertune.runtime.catalog.RuntimeFile} lists the runtimes a service
 * manages, of every adapter kind ({@code http}, {@code attach}, {@code triton}, {@code command}),
 * and opens them.
 */
package io.infertune.runtime.catalog;
