package org.rlplay.examples.envs;

import java.util.Arrays;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.EnvWrapper;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Space;

/**
 * An env wrapper that shows only some elements of a flat {@link Box} observation, e.g. CartPole's
 * position and angle without their velocities, which turns a fully observed task into a partially
 * observed one that needs memory.
 *
 * <p>Owns the wrapped env and closes it. Stepping copies the kept elements out of a scratch buffer
 * allocated once; nothing is allocated per step. Not thread-safe, like every {@link Env}.
 */
public final class ObservationMask extends EnvWrapper<float[], float[]> {
    private final int[] keep;
    private final Box space;
    private final float[] full;

    /**
     * @param env  the env to wrap (its observation space must be a flat float {@link Box}, stored as {@code float[]})
     * @param keep indices of the observation elements to show, in the order to show them
     * @throws IllegalArgumentException naming {@code keep} if an index is out of range or repeated
     */
    @SuppressWarnings("unchecked")
    public ObservationMask(Env<?> env, int... keep) {
        super((Env<float[]>) env);
        if (!(env.observationSpace() instanceof Box box) || box.shape().length != 1 || !box.elementType().isFloat()) {
            throw new IllegalArgumentException("ObservationMask needs a flat Box observation space, got "
                    + env.observationSpace());
        }
        if (keep.length == 0) {
            throw new IllegalArgumentException("keep: at least one observation element must stay visible");
        }
        int size = box.size();
        boolean[] seen = new boolean[size];
        float[] low = new float[keep.length];
        float[] high = new float[keep.length];
        for (int i = 0; i < keep.length; i++) {
            int k = keep[i];
            if (k < 0 || k >= size || seen[k]) {
                throw new IllegalArgumentException("keep: index " + k + " is out of range [0, " + size
                        + ") or repeated in " + Arrays.toString(keep));
            }
            seen[k] = true;
            low[i] = box.low(k);
            high[i] = box.high(k);
        }
        this.keep = keep.clone();
        this.space = Box.of(low, high);
        this.full = new float[size];
    }

    @Override
    public Space observationSpace() {
        return space;
    }

    @Override
    public void reset(long seed, float[] obs, int off) {
        env.reset(seed, full, 0);
        mask(obs, off);
    }

    @Override
    public void reset(float[] obs, int off) {
        env.reset(full, 0);
        mask(obs, off);
    }

    @Override
    public void step(ActionBatch actions, int index, float[] obs, int off, Transition out) {
        env.step(actions, index, full, 0, out);
        mask(obs, off);
    }

    private void mask(float[] obs, int off) {
        for (int i = 0; i < keep.length; i++) {
            obs[off + i] = full[keep[i]];
        }
    }
}
