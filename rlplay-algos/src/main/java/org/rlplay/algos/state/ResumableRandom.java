package org.rlplay.algos.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.random.RandomGenerator;

/**
 * A seeded {@link RandomGenerator} whose position can be saved and restored, for the training
 * loop's and the actors' draws: the SplitMix64 algorithm (Steele, Lea and Flood 2014, "Fast
 * Splittable Pseudorandom Number Generators") with the golden gamma, so
 * {@code new ResumableRandom(seed)} draws exactly what {@code new java.util.SplittableRandom(seed)}
 * draws ({@code nextLong}, {@code nextInt} and, through {@link RandomGenerator}'s defaults as for
 * SplittableRandom, the bounded, floating-point and Gaussian draws), which keeps seeded runs
 * unchanged when a SplittableRandom is replaced by it. Its whole state is one {@code long}. (The
 * engine's {@code org.rlplay.env.SplitMix64} is the envs' counterpart, without {@code nextInt} and
 * the {@code RandomGenerator} face.)
 *
 * <p>Not thread-safe: one owner thread.
 */
public final class ResumableRandom implements RandomGenerator, Resumable {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long state;

    /** A generator seeded with {@code seed}. */
    public ResumableRandom(long seed) {
        this.state = seed;
    }

    private long next() {
        state += GOLDEN_GAMMA;
        return state;
    }

    @Override
    public long nextLong() {
        long z = next();
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public int nextInt() {
        long z = next();
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(state);
    }

    @Override
    public void restoreState(DataInput in) throws IOException {
        state = in.readLong();
    }
}
