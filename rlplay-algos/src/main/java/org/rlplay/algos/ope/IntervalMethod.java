package org.rlplay.algos.ope;

/**
 * How the confidence interval of an {@link OffPolicyEstimate} is computed: a seeded bootstrap,
 * valid for every estimator, or a normal (central-limit) interval, valid only for the estimators
 * that are sample means of per-unit terms (per logged decision or per episode: the estimators' {@code
 * isSampleMean()}). Both are two-sided at {@code level}, e.g. 0.95. Serializable, as the per-partition
 * statistics that carry it.
 */
public sealed interface IntervalMethod extends java.io.Serializable permits IntervalMethod.Bootstrap, IntervalMethod.Normal {

    /** The two-sided confidence level, in (0, 1). */
    double level();

    /**
     * The non-parametric percentile bootstrap, with Poisson(1) resampling: each of the
     * {@code resamples} replicates gives every row an independent Poisson(1) multiplicity (the
     * limit of the multinomial counts of resampling n rows with replacement, Hanley and MacGibbon
     * 2006; Chamandy et al. 2012) and recomputes the estimator with those row weights; the bounds
     * are the {@code (1 - level) / 2} and {@code (1 + level) / 2} quantiles of the replicates
     * (linear interpolation between order statistics, as {@code numpy.percentile}). One pass over
     * the rows with {@code 4 * resamples} running sums: no per-replicate index arrays, so 10 M rows
     * cost no more memory than the per-row terms. Deterministic for a seed: the multiplicities come
     * from one {@link java.util.SplittableRandom} seeded with {@code seed}, in row order.
     *
     * @param resamples number of bootstrap replicates, &gt;= 2 (1000 or more for 95% bounds)
     * @param level     two-sided confidence level in (0, 1)
     * @param seed      seed of the resampling
     */
    record Bootstrap(int resamples, double level, long seed) implements IntervalMethod {
        public Bootstrap {
            if (resamples < 2) {
                throw new IllegalArgumentException("a bootstrap needs at least 2 resamples, got " + resamples);
            }
            requireLevel(level);
        }
    }

    /**
     * The normal interval {@code V +- z * s / sqrt(n)} of a sample mean {@code V} of per-row terms,
     * with {@code s} their sample standard deviation (n - 1) and {@code z} the standard normal's
     * {@code (1 + level) / 2} quantile.
     *
     * @param level two-sided confidence level in (0, 1)
     */
    record Normal(double level) implements IntervalMethod {
        public Normal {
            requireLevel(level);
        }
    }

    /** A seeded Poisson bootstrap; see {@link Bootstrap}. */
    static IntervalMethod bootstrap(int resamples, double level, long seed) {
        return new Bootstrap(resamples, level, seed);
    }

    /** A normal interval; see {@link Normal}. */
    static IntervalMethod normal(double level) {
        return new Normal(level);
    }

    private static void requireLevel(double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("the confidence level must be in (0, 1), got " + level);
        }
    }
}
