package org.rlplay.fragment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;

/**
 * B transitions {@code (s, a, r, s', done, truncated)} with the indices they were drawn from and
 * their importance weights, in preallocated primitive arrays (row b of each array belongs to
 * transition b). Made by the {@code newBatch} of a transition source ({@link Transitions}, the
 * replay buffers, the dataset sampler) and refilled by each of its {@code sample} or
 * {@code gather} calls.
 *
 * <p>{@code done} is true only for terminated transitions (no bootstrap); a truncated one has
 * {@code done = false}, {@code truncated = true} and the true final observation as {@code s'}, so
 * {@code r + gamma * (1 - done) * V(s')} is the right target for both.
 *
 * <p>States keep the observation space's {@linkplain Space#storageType() storage type}: {@link #obs()}
 * and {@link #nextObs()} are for float spaces, {@link #obsArray()} and {@link #nextObsArray()} for
 * any. The NDArray accessors copy into the caller's manager (the caller closes them). Owned by the
 * training loop's thread; not thread-safe.
 */
public final class TransitionBatch {
    private final int size;
    private final int obsSize;
    private final int actSize;
    private final boolean discrete;
    private final ElementType obsType;
    private final Shape obsShape;
    private final Shape actShape;
    private final int[] indices;
    private final Object obs;
    private final Object nextObs;
    private final int[] actInts;
    private final long[] actLongs;
    private final float[] actFloats;
    private final float[] rew;
    private final boolean[] done;
    private final boolean[] truncated;
    private final float[] doneFloats;
    private final float[] weights;

    /**
     * @param size             B, at least 1
     * @param observationSpace the transitions' observation space
     * @param actionSpace      the transitions' action space
     */
    public TransitionBatch(int size, Space observationSpace, Space actionSpace) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + size);
        }
        this.size = size;
        this.obsSize = observationSpace.size();
        this.actSize = actionSpace.size();
        this.discrete = actionSpace.isDiscrete();
        this.obsType = observationSpace.storageType();
        this.obsShape = new Shape(batchShape(size, observationSpace.shape()));
        this.actShape = new Shape(batchShape(size, actionSpace.shape()));
        this.indices = new int[size];
        this.obs = obsType.allocate(Math.multiplyExact(size, obsSize));
        this.nextObs = obsType.allocate(Math.multiplyExact(size, obsSize));
        this.actInts = discrete ? new int[Math.multiplyExact(size, actSize)] : null;
        this.actLongs = discrete ? new long[Math.multiplyExact(size, actSize)] : null;
        this.actFloats = discrete ? null : new float[Math.multiplyExact(size, actSize)];
        this.rew = new float[size];
        this.done = new boolean[size];
        this.truncated = new boolean[size];
        this.doneFloats = new float[size];
        this.weights = new float[size];
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

    /** Whether this batch's rows have the given per-transition sizes (what a source checks before filling it). */
    public boolean fits(ElementType observationType, int observationSize, int actionSize, boolean discreteActions) {
        return obsType == observationType && obsSize == observationSize && actSize == actionSize
                && discrete == discreteActions;
    }

    /**
     * Sets every row's index to a uniform draw from {@code 0..size-1} with {@code rng} (with
     * replacement, one {@code nextInt(size)} per row in row order) and every importance weight to 1:
     * what a uniform sampler does before it gathers the rows. Allocates nothing.
     *
     * @throws IllegalArgumentException if {@code size < 1}
     */
    public void drawUniform(RandomGenerator rng, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("cannot draw from " + size + " transitions");
        }
        for (int b = 0; b < indices.length; b++) {
            indices[b] = rng.nextInt(size);
        }
        Arrays.fill(weights, 1f);
    }

    /** (B) the source's index of each row (a buffer slot or a dataset transition; what priority updates refer to). */
    public int[] indices() {
        return indices;
    }

    /** (B, obsSize) states s of a float observation space. */
    public float[] obs() {
        return floats(obs);
    }

    /** (B, obsSize) next states s' (the final observation where the episode ended) of a float observation space. */
    public float[] nextObs() {
        return floats(nextObs);
    }

    /** (B, obsSize) states s, an array of the observations' storage type. */
    public Object obsArray() {
        return obs;
    }

    /** (B, obsSize) next states s', an array of the observations' storage type. */
    public Object nextObsArray() {
        return nextObs;
    }

    private float[] floats(Object array) {
        if (!(array instanceof float[] f)) {
            throw new IllegalStateException("observations are stored as " + obsType.numpyName()
                    + ": use obsArray()/nextObsArray() or the NDArray views");
        }
        return f;
    }

    /** (B, actSize) actions for discrete-stored action spaces, else {@code null}. */
    public int[] actInts() {
        return actInts;
    }

    /** (B, actSize) actions for float-stored action spaces, else {@code null}. */
    public float[] actFloats() {
        return actFloats;
    }

    /** (B) rewards r. */
    public float[] rew() {
        return rew;
    }

    /** (B) terminated flags. */
    public boolean[] done() {
        return done;
    }

    /** (B) truncation flags. */
    public boolean[] truncated() {
        return truncated;
    }

    /** (B) importance-sampling weights: 1 for uniform sampling. */
    public float[] weights() {
        return weights;
    }

    /** States as a (B, ...) array of the observations' storage type (float32 for float spaces). */
    public NDArray obs(NDManager manager) {
        return TypedArrays.toNDArray(manager, obsType, obs, 0, obsShape);
    }

    /** Next states as a (B, ...) array of the observations' storage type. */
    public NDArray nextObs(NDManager manager) {
        return TypedArrays.toNDArray(manager, obsType, nextObs, 0, obsShape);
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

    /** Importance-sampling weights as a (B) float32 array. */
    public NDArray weights(NDManager manager) {
        return manager.create(weights, new Shape(size));
    }
}
