package io.infertune.api;

import io.infertune.tuner.runtime.RuntimeAdapter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The runtimes this service manages, by id. Thread-safe; closing it closes the runtimes. */
public final class RuntimeRegistry implements AutoCloseable {
  private final Map<String, RuntimeAdapter> runtimes = new LinkedHashMap<>();

  public synchronized void register(RuntimeAdapter runtime) {
    if (runtimes.putIfAbsent(runtime.id(), runtime) != null) {
      throw new IllegalArgumentException("runtime '" + runtime.id() + "' is registered twice");
    }
  }

  public synchronized Optional<RuntimeAdapter> find(String id) {
    return Optional.ofNullable(runtimes.get(id));
  }

  public synchronized Collection<RuntimeAdapter> all() {
    return List.copyOf(runtimes.values());
  }

  public synchronized List<String> ids() {
    return new ArrayList<>(runtimes.keySet());
  }

  @Override
  public synchronized void close() {
    for (RuntimeAdapter r : runtimes.values()) {
      r.close();
    }
    runtimes.clear();
  }
}
