package org.rlplay.algos.ope;

/**
 * How far a target policy is from the behaviour that logged the data, seen through the importance
 * weights {@code w_i = pi(a_i | x_i) / mu(a_i | x_i)} of the logged actions (the raw weights, before
 * any clipping or switching; the same for every estimator on one evaluation). For episodes a row is
 * an episode and its weight the episode's final cumulative ratio.
 *
 * @param rows                how many logged decisions n
 * @param effectiveSampleSize Kish's effective sample size {@code (sum w)^2 / sum w^2} (0 if every
 *                            weight is 0): how many equally weighted rows the weighted estimates
 *                            rest on; n when the target is the behaviour
 * @param maxWeight           the largest weight
 * @param meanWeight          the mean weight; close to 1 when the propensities are right and the
 *                            target's support is covered (its expectation under the behaviour is
 *                            the target's mass on supported actions)
 */
public record WeightDiagnostics(int rows, double effectiveSampleSize, double maxWeight, double meanWeight) {
    /** Below this fraction of the rows, the effective sample size is reported as a warning. */
    public static final double LOW_EFFECTIVE_FRACTION = 0.01;
    /**
     * Below this many effective rows the effective sample size is reported as a warning whatever
     * the log's size: an interval resting on fewer is not to be trusted (for a log of 119 episodes,
     * 1% would let an effective sample of 1.1 episodes pass).
     */
    public static final double LOW_EFFECTIVE_COUNT = 10;

    /**
     * Whether the effective sample size is below {@link #LOW_EFFECTIVE_FRACTION} of the rows or below
     * {@link #LOW_EFFECTIVE_COUNT}.
     */
    public boolean low() {
        return effectiveSampleSize < Math.max(LOW_EFFECTIVE_FRACTION * rows, LOW_EFFECTIVE_COUNT);
    }

    /** A one-line warning when {@link #low()}, else the empty string. */
    public String warning() {
        if (!low()) {
            return "";
        }
        return String.format("effective sample size %.1f of %d (largest weight %.4g): the importance-weighted "
                + "estimates rest on a few logged units; their intervals are unreliable", effectiveSampleSize, rows,
                maxWeight);
    }

    /** The diagnostics of {@code weights}, one per row. */
    public static WeightDiagnostics of(double[] weights) {
        double sum = 0;
        double sumSquares = 0;
        double max = 0;
        for (double w : weights) {
            sum += w;
            sumSquares += w * w;
            max = Math.max(max, w);
        }
        return new WeightDiagnostics(weights.length, sumSquares > 0 ? sum * sum / sumSquares : 0, max,
                sum / weights.length);
    }
}
