package org.rlplay.algos.ope;

import org.rlplay.env.SplitMix64;

/**
 * The draws of the Poisson bootstrap of {@link IntervalMethod.Bootstrap}, shared by the bandit
 * estimators (one unit per logged decision) and the episode estimators (one unit per episode):
 * each unit gets, per replicate, a Poisson(1) multiplicity from a stream that depends on the seed
 * and the unit's global index only ({@link #generator}), so partitions of a log draw what one pass
 * draws; {@link #quantile} reads the bounds off the sorted replicates. Stateless.
 */
public final class PoissonBootstrap {
    /** The increment of {@link java.util.SplittableRandom}'s root generator (and of {@link SplitMix64}). */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    /**
     * {@code THRESHOLDS[k] = floor(2^32 P(X <= k))} for X ~ Poisson(1); the last entry is 2^32, so a
     * 32-bit uniform u maps to the first k with {@code u < THRESHOLDS[k]} (the tail beyond 12 has
     * probability 1.1e-10, below the 2^-32 resolution).
     */
    private static final long[] THRESHOLDS = thresholds();

    private PoissonBootstrap() {
    }

    private static long[] thresholds() {
        long[] t = new long[13];
        double p = Math.exp(-1);
        double cdf = 0;
        for (int k = 0; k < t.length; k++) {
            cdf += p;
            p /= k + 1;
            t[k] = (long) Math.floor(Math.scalb(cdf, 32));
        }
        t[t.length - 1] = 1L << 32;
        return t;
    }

    /**
     * {@code BUCKETS[j]} is the draw for every u whose top 12 bits are j, or -1 for the 12 buckets
     * that straddle a threshold (then {@link #search} decides): a table of 4 KB that stays in the
     * L1 cache, and a branch that is almost always taken the same way.
     */
    private static final byte[] BUCKETS = buckets();

    private static byte[] buckets() {
        byte[] b = new byte[1 << 12];
        for (int j = 0; j < b.length; j++) {
            long first = (long) j << 20;
            int low = search(first);
            b[j] = (byte) (low == search(first + (1 << 20) - 1) ? low : -1);
        }
        return b;
    }

    /** The first k with {@code u < THRESHOLDS[k]}: the Poisson(1) draw for u by linear search (what {@link #poisson} computes faster). */
    public static int search(long u) {
        int k = 0;
        while (u >= THRESHOLDS[k]) {
            k++;
        }
        return k;
    }

    /** A Poisson(1) draw from a uniform 32-bit value {@code u} in [0, 2^32) (inverse-CDF, exact to 2^-32). */
    public static int poisson(long u) {
        int c = BUCKETS[(int) (u >>> 20)];
        return c >= 0 ? c : search(u);
    }

    /**
     * The generator of the multiplicities of the rows from global row {@code firstRow} on: the
     * state that {@code new SplittableRandom(seed)} reaches after the draws of the rows before it
     * ({@code (resamples + 1) / 2} 64-bit draws per row, two 32-bit multiplicities each). Row i's
     * multiplicities therefore depend on (seed, i) alone, so a log split into partitions, each
     * started at its first row's global index, draws exactly what one pass over the whole log draws.
     */
    public static SplitMix64 generator(long seed, long firstRow, int resamples) {
        return new SplitMix64(seed + firstRow * ((resamples + 1) / 2) * GOLDEN_GAMMA);
    }

    /**
     * The {@code q} quantile of ascending {@code sorted}, interpolating linearly between order
     * statistics at {@code (length - 1) * q} ({@code numpy.percentile}'s default).
     */
    public static double quantile(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
