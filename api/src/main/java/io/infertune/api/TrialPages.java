package io.infertune.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.infertune.store.json.WireFormat;
import io.infertune.tuner.store.TrialStore;
import io.infertune.tuner.trial.Trial;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code GET /api/v1/campaigns/{id}/trials}: every trial in the order they ran, or, with {@code
 * ?limit=} (1–{@value #MAX_LIMIT}) and/or {@code ?before=<number>}, one page newest first with
 * {@code nextBefore} when there are older trials, read from the store page by page.
 *
 * @implNote stateless; runs on a worker thread (it reads the store).
 */
final class TrialPages {
  static final int MAX_LIMIT = 1000;
  static final int DEFAULT_LIMIT = 100;

  private TrialPages() {}

  /**
   * The body for a campaign known to exist.
   *
   * @throws ApiException 400 naming {@code limit} or {@code before} when either is not an integer
   *     in range
   */
  static ObjectNode page(RoutingContext ctx, TrialStore store, String campaignId) {
    Optional<Integer> limit = intParam(ctx, "limit", 1, MAX_LIMIT);
    Optional<Integer> before = intParam(ctx, "before", 0, Integer.MAX_VALUE);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode trials = body.putArray("trials");
    if (limit.isEmpty() && before.isEmpty()) {
      store.trials(campaignId).forEach(t -> trials.add(WireFormat.writeTrial(t)));
      return body;
    }
    int size = limit.orElse(DEFAULT_LIMIT);
    // One more than asked: whether an older page exists, without a second query.
    List<Trial> page =
        store.trialsPage(
            campaignId, size + 1, before.map(OptionalInt::of).orElse(OptionalInt.empty()));
    page.stream().limit(size).forEach(t -> trials.add(WireFormat.writeTrial(t)));
    if (page.size() > size) {
      body.put("nextBefore", page.get(size - 1).number());
    }
    return body;
  }

  static Optional<Integer> intParam(RoutingContext ctx, String name, int min, int max) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return Optional.empty();
    }
    String raw = values.get(0);
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name, name + " must be an integer, got '" + raw + "'");
    }
    if (value < min || value > max) {
      throw ApiException.badRequest(
          name, name + " must be between " + min + " and " + max + ", got " + value);
    }
    return Optional.of((int) value);
  }
}
