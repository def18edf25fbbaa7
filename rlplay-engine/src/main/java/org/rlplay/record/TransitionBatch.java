package org.rlplay.record;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.rlplay.env.space.Space;

/**
 * B transitions {@code (s, a, r, s', done, truncated)} drawn from a {@link TransitionSampler}, in
 * preallocated primitive arrays (row b of each array belongs to transition b), refilled by each
 * {@link TransitionSampler#sample}.
 *
 * <p>{@code done} is true only for terminated transitions (no bootstrap); a truncated one has
 * {@code done = false}, {@code truncated = true} and the true final observation as {@code s'}, so
 * {@code r + gamma * (1 - done) * V(s')} is the right target for both. The NDArray accessors copy
 * into the caller's manager. Owned by the training loop's thread; not thread-safe.
 */
public final class TransitionBatch {
    private final int size;
    private final int obsSize;
    private final int actSize;
    private final boolean discrete;
    private final Shape obsShape;
    private final Shape actShape;
    private final int[] indices;
    private final float[] obs;
    private final float[] nextObs;
    private final int[] actInts;
    private final long[] actLongs;
    private final float[] actFloats;
    private final float[] rew;
    private final boolean[] done;
    private final boolean[] truncated;
    private final float[] doneFloats;

    TransitionBatch(int size, Space observationSpace, Space actionSpace) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + size);
        }
        this.size = size;
        this.obsSize = observationSpace.size();
        this.actSize = actionSpace.size();
        this.discrete = actionSpace.isDiscrete();
        this.obsShape = new Shape(batchShape(size, observationSpace.shape()));
        this.actShape = new Shape(batchShape(size, actionSpace.shape()));
        this.indices = new int[size];
        this.obs = new float[Math.multiplyExact(size, obsSize)];
        this.nextObs = new float[Math.multiplyExact(size, obsSize)];
        this.actInts = discrete ? new int[Math.multiplyExact(size, actSize)] : null;
        this.actLongs = discrete ? new long[Math.multiplyExact(size, actSize)] : null;
        this.actFloats = discrete ? null : new float[Math.multiplyExact(size, actSize)];
        this.rew = new float[size];
        this.done = new boolean[size];
        this.truncated = new boolean[size];
        this.doneFloats = new float[size];
    }

    private static long[] batchShape(int size, int[] element) {
        long[] shape = new long[element.length + 1];
        shape[0] = size;
        for (int i = 0; i < element.length; i++) {
            shape[i + 1] = element[i];
        }
        return shape;
    }

    /** B, the number of transitions. */
    public int size() {
        return size;
    }

    boolean fits(int observationSize, int actionSize, boolean discreteActions) {
        return obsSize == observationSize && actSize == actionSize && discrete == discreteActions;
    }

    /** (B) the sampler's transition index of each row. */
    public int[] indices() {
        return indices;
    }

    /** (B, obsSize) states. */
    public float[] obs() {
        return obs;
    }

    /** (B, obsSize) next states (the final observation where the episode ended). */
    public float[] nextObs() {
        return nextObs;
    }

    /** (B, actSize) actions for discrete-stored action spaces, else {@code null}. */
    public int[] actInts() {
        return actInts;
    }

    /** (B, actSize) actions for float-stored action spaces, else {@code null}. */
    public float[] actFloats() {
        return actFloats;
    }

    /** (B) rewards. */
    public float[] rew() {
        return rew;
    }

    /** (B) terminated flags. */
    public boolean[] done() {
        return done;
    }

    /** (B) truncated flags. */
    public boolean[] truncated() {
        return truncated;
    }

    /** States as a (B, ...) float32 array. */
    public NDArray obs(NDManager manager) {
        return manager.create(obs, obsShape);
    }

    /** Next states as a (B, ...) float32 array. */
    public NDArray nextObs(NDManager manager) {
        return manager.create(nextObs, obsShape);
    }

    /** Actions as a (B, ...) array: int64 for discrete-stored spaces (ready for gather), else float32. */
    public NDArray act(NDManager manager) {
        if (!discrete) {
            return manager.create(actFloats, actShape);
        }
        for (int i = 0; i < actInts.length; i++) {
            actLongs[i] = actInts[i];
        }
        return manager.create(actLongs, actShape);
    }

    /** Rewards as a (B) float32 array. */
    public NDArray rew(NDManager manager) {
        return manager.create(rew, new Shape(size));
    }

    /** Terminated flags as a (B) float32 array of 0 and 1, ready for {@code (1 - done)} masks. */
    public NDArray done(NDManager manager) {
        for (int i = 0; i < size; i++) {
            doneFloats[i] = done[i] ? 1f : 0f;
        }
        return manager.create(doneFloats, new Shape(size));
    }
}
