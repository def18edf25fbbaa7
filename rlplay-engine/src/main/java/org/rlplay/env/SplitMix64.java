package org.rlplay.env;

import java.util.random.RandomGenerator;

/**
 * The SplitMix64 generator (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number
 * Generators", OOPSLA 2014) with a readable state: {@code new SplitMix64(seed)} draws exactly what
 * {@code new java.util.SplittableRandom(seed)} draws ({@link #nextLong()}, {@link #nextInt()} and,
 * through {@link RandomGenerator}'s defaults as for SplittableRandom, the bounded, floating-point and
 * Gaussian draws), but its whole state is one {@code long} that {@link #state()} returns and
 * {@link #setState(long)} restores, so an env or a training loop can save and resume its generator
 * exactly. Not thread-safe: one owner thread.
 */
public final class SplitMix64 implements RandomGenerator {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long seed;

    /** A generator seeded with {@code seed}. */
    public SplitMix64(long seed) {
        this.seed = seed;
    }

    private long next() {
        seed += GOLDEN_GAMMA;
        return seed;
    }

    /** The next 64 random bits (SplittableRandom's mix64). */
    @Override
    public long nextLong() {
        long z = next();
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The next 32 random bits (SplittableRandom's mix32). */
    @Override
    public int nextInt() {
        long z = next();
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }

    /** The whole state. */
    public long state() {
        return seed;
    }

    /** Restores a state returned by {@link #state()} (or re-seeds). */
    public void setState(long state) {
        this.seed = state;
    }
}
