package io.infertune.runtime.embedded;

import java.util.concurrent.CompletableFuture;

/**
 * A request waiting in the queue.
 *
 * @param arrivalNanos the runtime ticker's reading when the request was submitted
 */
record PendingRequest(String input, long arrivalNanos, CompletableFuture<float[]> result) {}
