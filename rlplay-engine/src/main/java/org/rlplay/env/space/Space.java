package org.rlplay.env.space;

import java.util.SplittableRandom;

/**
 * The set of values an observation or an action may take, with Gymnasium's meaning.
 *
 * <p>Every space has a flat element count ({@link #size()}): the number of primitive elements one
 * value occupies in the engine's buffers. Observations are stored as {@link #storageType()}
 * ({@code float} for float spaces, {@code byte} for 8-bit integers, {@code int} for other integers);
 * actions as {@code int} when {@link #isDiscrete()}, else as {@code float}. Spaces are immutable and
 * thread-safe.
 */
public sealed interface Space permits Box, Discrete, MultiDiscrete, MultiBinary {

    /** The shape of one value (Gymnasium's {@code space.shape}); {@code []} for {@link Discrete}. */
    int[] shape();

    /** Number of primitive elements one value occupies (the product of the shape, 1 for a scalar). */
    int size();

    /** The element type used to store values of this space. */
    ElementType elementType();

    /** True when actions of this space are stored as {@code int} (Discrete, MultiDiscrete, MultiBinary, integer Box). */
    default boolean isDiscrete() {
        return !elementType().isFloat();
    }

    /**
     * The element type observations of this space are stored as, in env buffers, fragments and
     * recordings: {@code uint8} and {@code int8} as they are (images stay bytes), other integer
     * types as {@code int32}, float types as {@code float32}.
     */
    default ElementType storageType() {
        ElementType e = elementType();
        if (e == ElementType.UINT8 || e == ElementType.INT8) {
            return e;
        }
        return e.isFloat() ? ElementType.FLOAT32 : ElementType.INT32;
    }

    /** Writes one random value of this space into {@code out[off .. off+size())}. */
    void sample(SplittableRandom rng, int[] out, int off);

    /** Writes one random value of this space into {@code out[off .. off+size())}. */
    void sample(SplittableRandom rng, float[] out, int off);

    /**
     * Checks that {@code value[off .. off+size())} belongs to this space.
     *
     * @return {@code -1} if it does, else the index (relative to {@code off}) of the first bad element
     */
    int firstInvalid(int[] value, int off);

    /** As {@link #firstInvalid(int[], int)} for float-stored values; NaN is never valid. */
    int firstInvalid(float[] value, int off);

    /** True when {@code value[off .. off+size())} belongs to this space. */
    default boolean contains(int[] value, int off) {
        return firstInvalid(value, off) < 0;
    }

    /** True when {@code value[off .. off+size())} belongs to this space. */
    default boolean contains(float[] value, int off) {
        return firstInvalid(value, off) < 0;
    }

    /** The product of a shape's dimensions; 1 for the empty shape. */
    static int sizeOf(int[] shape) {
        int size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
            }
            size = Math.multiplyExact(size, d);
        }
        return size;
    }
}
