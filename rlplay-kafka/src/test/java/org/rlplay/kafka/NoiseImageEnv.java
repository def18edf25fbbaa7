package org.rlplay.kafka;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;

/**
 * An env with {@code uint8} image observations (64 x 64 x 3) of seeded noise, 3 actions, episodes
 * of 20 steps with reward = action: large fragments whose every byte depends on the seed.
 */
final class NoiseImageEnv implements Env<byte[]> {
    static final int[] SHAPE = {64, 64, 3};
    static final int SIZE = 64 * 64 * 3;
    private static final Space OBS;

    static {
        float[] lo = new float[SIZE];
        float[] hi = new float[SIZE];
        Arrays.fill(hi, 255);
        OBS = new Box(lo, hi, SHAPE, ElementType.UINT8);
    }

    private SplittableRandom rng = new SplittableRandom(0);
    private int steps;

    @Override
    public Space observationSpace() {
        return OBS;
    }

    @Override
    public Space actionSpace() {
        return new Discrete(3);
    }

    @Override
    public void reset(long seed, byte[] obs, int off) {
        rng = new SplittableRandom(seed);
        reset(obs, off);
    }

    @Override
    public void reset(byte[] obs, int off) {
        steps = 0;
        fill(obs, off);
    }

    @Override
    public void step(ActionBatch actions, int index, byte[] obs, int off, Transition out) {
        steps++;
        fill(obs, off);
        out.set(actions.discrete(index), steps == 20, false);
    }

    private void fill(byte[] obs, int off) {
        for (int i = 0; i < SIZE; i += 8) {
            long bits = rng.nextLong();
            for (int k = 0; k < 8; k++) {
                obs[off + i + k] = (byte) (bits >>> (8 * k));
            }
        }
    }
}
