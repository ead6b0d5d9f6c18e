package io.infertune.runtime.embedded;

/**
 * How closely a model variant's embeddings agree with the fp32 reference on a validation set.
 *
 * @param mean mean cosine similarity between the variant's and the reference's embedding of each
 *     sentence, in [-1, 1] (1 for the reference itself)
 * @param min the lowest of those similarities
 * @param sentences how many sentences were compared
 */
public record Agreement(double mean, double min, int sentences) {
  public Agreement {
    if (!(mean >= -1.0001 && mean <= 1.0001) || !(min >= -1.0001 && min <= mean + 1e-9)) {
      throw new IllegalArgumentException(
          "agreement needs -1 <= min <= mean <= 1, got min " + min + ", mean " + mean);
    }
    if (sentences < 1) {
      throw new IllegalArgumentException("sentences must be >= 1");
    }
  }

  /** The reference's agreement with itself. */
  static Agreement perfect(int sentences) {
    return new Agreement(1.0, 1.0, sentences);
  }
}
