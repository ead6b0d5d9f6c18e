package io.infertune.runtime.embedded;

/**
 * How an ONNX Runtime session uses the CPU.
 *
 * @param intraOpThreads threads that one inference uses (ORT's intra-op pool), at least 1
 * @param spinning whether idle pool threads spin ({@code session.intra_op.allow_spinning}):
 *     spinning wins on an idle machine and loses badly when other work shares the cores
 */
public record SessionSettings(int intraOpThreads, boolean spinning) {
  public SessionSettings {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
    }
  }
}
