package org.rlplay.algos.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.random.RandomGenerator;
import org.rlplay.env.SplitMix64;

/**
 * A seeded {@link RandomGenerator} whose position a checkpoint can save and restore, for the training
 * loop's and the actors' draws: the engine's {@link SplitMix64} (the same draws as
 * {@code java.util.SplittableRandom} with that seed) behind the {@link Resumable} face.
 *
 * <p>Not thread-safe: one owner thread.
 */
public final class ResumableRandom implements RandomGenerator, Resumable {
    private final SplitMix64 generator;

    /** A generator seeded with {@code seed}. */
    public ResumableRandom(long seed) {
        this.generator = new SplitMix64(seed);
    }

    @Override
    public long nextLong() {
        return generator.nextLong();
    }

    @Override
    public int nextInt() {
        return generator.nextInt();
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(generator.state());
    }

    @Override
    public void restoreState(DataInput in) throws IOException {
        generator.setState(in.readLong());
    }
}
