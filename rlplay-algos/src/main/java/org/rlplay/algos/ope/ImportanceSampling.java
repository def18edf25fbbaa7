package org.rlplay.algos.ope;

/**
 * Per-decision importance-sampling estimates of a target policy's value from episodes logged by a
 * behaviour policy (Precup, Sutton and Singh 2000, "Eligibility traces for off-policy policy
 * evaluation"). With {@code rho[i][t] = prod_{k <= t} pi(a_k|s_k) / mu(a_k|s_k)} the cumulative
 * ratio of episode i up to step t:
 * <pre>
 *   ordinary  V = 1/n sum_i sum_t gamma^t rho[i][t] r[i][t]                  (unbiased)
 *   weighted  V = sum_t gamma^t (sum_i rho[i][t] r[i][t]) / (sum_i rho[i][t])  (biased, consistent,
 *                                                                             far lower variance)
 *   behaviour V = 1/n sum_i sum_t gamma^t r[i][t]                           (the logged policy's own value)
 * </pre>
 * For the weighted estimate an episode that has ended keeps its last cumulative ratio with reward
 * 0 (an absorbing state), so episodes of different lengths share one normaliser per t. Values are
 * discounted returns from the episodes' first states. Stateless; thread-safe.
 */
public final class ImportanceSampling {
    private ImportanceSampling() {
    }

    /**
     * The estimates and the gain of the target over the behaviour policy.
     *
     * @param episodes         how many episodes were used
     * @param behaviourValue   the behaviour policy's mean discounted return in the log
     * @param ordinary         the ordinary per-decision IS estimate of the target's value
     * @param weighted         the weighted per-decision IS estimate of the target's value
     * @param effectiveEpisodes Kish's effective sample size of the final cumulative weights,
     *                          {@code (sum w)^2 / sum w^2}: how many episodes the estimate rests on
     */
    public record Estimate(int episodes, double behaviourValue, double ordinary, double weighted,
                           double effectiveEpisodes) {

        /** The ordinary estimate's gain over the behaviour policy. */
        public double ordinaryGain() {
            return ordinary - behaviourValue;
        }

        /** The weighted estimate's gain over the behaviour policy. */
        public double weightedGain() {
            return weighted - behaviourValue;
        }
    }

    /**
     * Estimates the target policy's value with discount {@code gamma}.
     *
     * @throws IllegalArgumentException if there are no episodes or gamma is not in [0, 1]
     */
    public static Estimate estimate(LoggedEpisodes log, double gamma) {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        }
        int n = log.count();
        if (n == 0) {
            throw new IllegalArgumentException("no complete episode to evaluate with");
        }
        int horizon = 0;
        for (int i = 0; i < n; i++) {
            horizon = Math.max(horizon, log.length(i));
        }
        double[] weightedRewards = new double[horizon];
        double[] weightSums = new double[horizon];
        double ordinary = 0;
        double behaviour = 0;
        double sumW = 0;
        double sumW2 = 0;
        for (int i = 0; i < n; i++) {
            double rho = 1;
            double discount = 1;
            for (int t = 0; t < horizon; t++) {
                double r = 0;
                if (t < log.length(i)) {
                    rho *= log.ratio(i, t);
                    r = log.reward(i, t);
                    ordinary += discount * rho * r;
                    behaviour += discount * r;
                }
                weightedRewards[t] += rho * r;
                weightSums[t] += rho;
                discount *= gamma;
            }
            sumW += rho;
            sumW2 += rho * rho;
        }
        double weighted = 0;
        double discount = 1;
        for (int t = 0; t < horizon; t++) {
            if (weightSums[t] > 0) {
                weighted += discount * weightedRewards[t] / weightSums[t];
            }
            discount *= gamma;
        }
        return new Estimate(n, behaviour / n, ordinary / n, weighted, sumW2 > 0 ? sumW * sumW / sumW2 : 0);
    }
}
