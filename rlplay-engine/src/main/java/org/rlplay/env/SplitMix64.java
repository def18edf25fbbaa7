package org.rlplay.env;

/**
 * The SplitMix64 generator (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number
 * Generators", OOPSLA 2014) with a readable state: the same sequence as
 * {@code new java.util.SplittableRandom(seed)} gives for {@link #nextLong()} and {@link #nextDouble()},
 * but its state is one {@code long} that {@link #state()} returns and {@link #setState(long)}
 * restores, so an env can save and resume its generator exactly. Not thread-safe.
 */
public final class SplitMix64 {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long seed;

    /** A generator seeded with {@code seed}. */
    public SplitMix64(long seed) {
        this.seed = seed;
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long z = seed += GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1), from the top 53 bits of {@link #nextLong()}. */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
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
