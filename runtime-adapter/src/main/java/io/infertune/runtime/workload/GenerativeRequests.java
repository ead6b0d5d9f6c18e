package io.infertune.runtime.workload;

import io.infertune.tuner.runtime.InferenceRequest;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.commons.math3.random.Well19937c;

/**
 * Requests for a generative runtime: a prompt of a length drawn from {@code promptTokens}, asking
 * for an output length drawn from {@code outputTokens}. Which prompt (its key in {@link
 * SizedPrompts}) is drawn from Zipf over {@code distinctPrompts}, so popular prompts repeat and
 * share prefixes, as in {@link CorpusWorkload}'s default inputs.
 *
 * @param zipfExponent 0 is uniform, about 1 is typical of real traffic
 */
public record GenerativeRequests(
    SizedPrompts prompts,
    LengthDistribution promptTokens,
    LengthDistribution outputTokens,
    int distinctPrompts,
    double zipfExponent)
    implements RequestFactory {

  public GenerativeRequests {
    Objects.requireNonNull(prompts, "prompts");
    Objects.requireNonNull(promptTokens, "promptTokens");
    Objects.requireNonNull(outputTokens, "outputTokens");
    if (distinctPrompts < 1) {
      throw new IllegalArgumentException("distinctPrompts must be >= 1, got " + distinctPrompts);
    }
    if (!(zipfExponent >= 0) || Double.isInfinite(zipfExponent)) {
      throw new IllegalArgumentException("zipfExponent must be finite and >= 0");
    }
  }

  @Override
  public Supplier<InferenceRequest> stream(long seed) {
    // One generator per stream, shared by its three samplers: a stream is used by one thread.
    Well19937c random = new Well19937c(seed);
    ZipfSampler key = new ZipfSampler(distinctPrompts, zipfExponent, random);
    IntSupplier in = promptTokens.sampler(random);
    IntSupplier out = outputTokens.sampler(random);
    return () -> {
      int k = key.next();
      return new InferenceRequest(prompts.prompt(k, in.getAsInt()), out.getAsInt());
    };
  }
}
