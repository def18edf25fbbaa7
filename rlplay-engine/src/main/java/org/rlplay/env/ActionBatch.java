package org.rlplay.env;

import org.rlplay.env.space.Space;

/**
 * The actions of a batch of N envs for one step, in one preallocated primitive array.
 *
 * <p>Env {@code j}'s action occupies elements {@code [j*width, (j+1)*width)} of {@link #ints()}
 * when the action space {@link Space#isDiscrete() is discrete}, else of {@link #floats()}; the
 * other array is {@code null}. {@code width} is the action space's {@link Space#size()}.
 *
 * <p>Not thread-safe: owned by one collector, written by its actor, read by its envs.
 */
public final class ActionBatch {
    private final Space space;
    private final int numEnvs;
    private final int width;
    private final int[] ints;
    private final float[] floats;

    /** Allocates the actions of {@code numEnvs} envs of the given action space, all zero. */
    public ActionBatch(Space space, int numEnvs) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException("numEnvs must be >= 1, got " + numEnvs);
        }
        this.space = space;
        this.numEnvs = numEnvs;
        this.width = space.size();
        this.ints = space.isDiscrete() ? new int[numEnvs * width] : null;
        this.floats = space.isDiscrete() ? null : new float[numEnvs * width];
    }

    /** The action space. */
    public Space space() {
        return space;
    }

    /** Number of envs N. */
    public int numEnvs() {
        return numEnvs;
    }

    /** Elements per env. */
    public int width() {
        return width;
    }

    /** The backing int array (discrete spaces), {@code null} otherwise. Callers may write it. */
    public int[] ints() {
        return ints;
    }

    /** The backing float array (continuous spaces), {@code null} otherwise. Callers may write it. */
    public float[] floats() {
        return floats;
    }

    /** The scalar action of env {@code j} in a {@code Discrete} space. */
    public int discrete(int j) {
        return ints[j * width];
    }

    /** Element {@code i} of env {@code j}'s action in a discrete-stored space. */
    public int intAt(int j, int i) {
        return ints[j * width + i];
    }

    /** Element {@code i} of env {@code j}'s action in a float-stored space. */
    public float floatAt(int j, int i) {
        return floats[j * width + i];
    }

    /** Sets the scalar action of env {@code j} in a {@code Discrete} space. */
    public void setDiscrete(int j, int value) {
        ints[j * width] = value;
    }

    /**
     * Checks every env's action against the action space.
     *
     * @throws InvalidActionException naming the first env and element that are outside the space
     */
    public void validate() {
        for (int j = 0; j < numEnvs; j++) {
            int bad = ints != null ? space.firstInvalid(ints, j * width) : space.firstInvalid(floats, j * width);
            if (bad >= 0) {
                Object value = ints != null ? (Object) ints[j * width + bad] : (Object) floats[j * width + bad];
                throw new InvalidActionException("act: env " + j + " element " + bad + " = " + value
                        + " is outside the action space " + space, j);
            }
        }
    }
}
