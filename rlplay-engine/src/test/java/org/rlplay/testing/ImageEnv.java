package org.rlplay.testing;

import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;

/**
 * A deterministic env with {@code uint8} image observations of shape (H, W, C) = (6, 5, 3), stored
 * as bytes: pixel {@code (h, w, c)} at step s of episode k (seed z) is {@link #pixel}, which covers
 * the whole 0..255 range (values above 127 test that nothing reads the bytes as signed). Episodes
 * last 7 steps; reward = action. Actions: {@code Discrete(2)}.
 */
public final class ImageEnv implements Env<byte[]> {
    public static final int H = 6;
    public static final int W = 5;
    public static final int C = 3;
    public static final int LENGTH = 7;
    public static final Space OBS;

    static {
        float[] low = new float[H * W * C];
        float[] high = new float[H * W * C];
        java.util.Arrays.fill(high, 255f);
        OBS = new Box(low, high, new int[] {H, W, C}, ElementType.UINT8);
    }

    private long seed;
    private int episode;
    private int step;

    /** Pixel value (0..255) of element i = (h * W + w) * C + c at step s of episode k after seed z. */
    public static int pixel(long seed, int episode, int step, int i) {
        return (int) ((seed * 31 + episode * 17 + step * 7 + i * 13) & 0xff);
    }

    @Override
    public Space observationSpace() {
        return OBS;
    }

    @Override
    public Space actionSpace() {
        return new Discrete(2);
    }

    @Override
    public void reset(long seed, byte[] obs, int off) {
        this.seed = seed;
        this.episode = 0;
        this.step = 0;
        write(obs, off);
    }

    @Override
    public void reset(byte[] obs, int off) {
        episode++;
        step = 0;
        write(obs, off);
    }

    @Override
    public void step(ActionBatch actions, int index, byte[] obs, int off, Transition out) {
        int a = actions.discrete(index);
        step++;
        out.set(a, step >= LENGTH, false);
        write(obs, off);
    }

    private void write(byte[] obs, int off) {
        for (int i = 0; i < H * W * C; i++) {
            obs[off + i] = (byte) pixel(seed, episode, step, i);
        }
    }
}
