package io.infertune.tuner.drift;

/** Which way the mean of a series moved. */
public enum DriftDirection {
  /** The mean increased. */
  UP,
  /** The mean decreased. */
  DOWN
}
