/**
 * The numerical parts of Bayesian optimisation, free of the tuner's types: Gaussian-process
 * regression with a Matérn-5/2 ARD kernel ({@link io.infertune.strategies.bayes.GaussianProcess}),
 * its hyper-parameters fitted by maximum marginal likelihood ({@link
 * io.infertune.strategies.bayes.HyperparameterFit}), and acquisition values in log space ({@link
 * io.infertune.strategies.bayes.LogAcquisition}). The strategy that uses them is {@link
 * io.infertune.strategies.BayesianSearch}.
 */
package io.infertune.strategies.bayes;
