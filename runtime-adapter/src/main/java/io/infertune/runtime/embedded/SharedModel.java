package io.infertune.runtime.embedded;

import ai.onnxruntime.OrtException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session shared by the workers of successive configurations, closed when the last holder lets
 * go: a reconfiguration that keeps the model, threads and spinning reuses sessions instead of
 * loading them again, and a session is never closed under a worker still running it.
 *
 * <p>A new instance starts with one reference, its creator's.
 *
 * @implNote thread-safe.
 */
final class SharedModel {
  private static final Logger log = LoggerFactory.getLogger(SharedModel.class);

  private final EmbeddingModel model;
  private final Consumer<SharedModel> onClose;
  private int references = 1;
  private boolean closed;

  SharedModel(EmbeddingModel model, Consumer<SharedModel> onClose) {
    this.model = model;
    this.onClose = onClose;
  }

  EmbeddingModel model() {
    return model;
  }

  synchronized void retain() {
    if (closed) {
      throw new IllegalStateException("the session is closed");
    }
    references++;
  }

  void release() {
    synchronized (this) {
      if (closed || --references > 0) {
        return;
      }
      closed = true;
    }
    try {
      model.close();
    } catch (OrtException e) {
      log.warn("closing a {} session failed: {}", model.variant(), e.toString());
    }
    onClose.accept(this);
  }

  synchronized boolean isClosed() {
    return closed;
  }
}
