package org.rlplay.algos.ope;

import java.util.ArrayList;
import java.util.List;

/**
 * One estimator's estimate of a target policy's value from a log, with its confidence interval and
 * the diagnostics of the data behind it. Immutable.
 *
 * @param estimator the estimator's name ({@code name()} of the bandit or episode estimator)
 * @param value     the point estimate
 * @param lower     the interval's lower bound
 * @param upper     the interval's upper bound
 * @param interval  how the interval was computed (method, level, and for a bootstrap its
 *                  resamples and seed)
 * @param weights   diagnostics of the raw importance weights
 * @param support   the support check of the target against the log
 */
public record OffPolicyEstimate(String estimator, double value, double lower, double upper, IntervalMethod interval,
                                WeightDiagnostics weights, Support support) {

    /** The warnings that apply (support, low effective sample size), one line each; empty if none. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (support.warns()) {
            warnings.add(support.warning());
        }
        if (weights.low()) {
            warnings.add(weights.warning());
        }
        return List.copyOf(warnings);
    }
}
