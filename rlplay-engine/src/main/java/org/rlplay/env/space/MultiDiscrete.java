package org.rlplay.env.space;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A vector of independent discrete values, element {@code i} in {@code 0 .. nvec[i]-1}
 * (Gymnasium's {@code MultiDiscrete(nvec)} with a one-dimensional {@code nvec}).
 */
public final class MultiDiscrete implements Space {
    private final int[] nvec;

    /** @param nvec the number of values of each element, each at least 1 */
    public MultiDiscrete(int... nvec) {
        if (nvec.length == 0) {
            throw new IllegalArgumentException("MultiDiscrete needs at least one element");
        }
        for (int i = 0; i < nvec.length; i++) {
            if (nvec[i] < 1) {
                throw new IllegalArgumentException("MultiDiscrete nvec[" + i + "] must be >= 1, got " + nvec[i]);
            }
        }
        this.nvec = nvec.clone();
    }

    /** A copy of the per-element value counts. */
    public int[] nvec() {
        return nvec.clone();
    }

    @Override
    public int[] shape() {
        return new int[] {nvec.length};
    }

    @Override
    public int size() {
        return nvec.length;
    }

    @Override
    public ElementType elementType() {
        return ElementType.INT64;
    }

    @Override
    public void sample(SplittableRandom rng, int[] out, int off) {
        for (int i = 0; i < nvec.length; i++) {
            out[off + i] = rng.nextInt(nvec[i]);
        }
    }

    @Override
    public void sample(SplittableRandom rng, float[] out, int off) {
        for (int i = 0; i < nvec.length; i++) {
            out[off + i] = rng.nextInt(nvec[i]);
        }
    }

    @Override
    public int firstInvalid(int[] value, int off) {
        for (int i = 0; i < nvec.length; i++) {
            int v = value[off + i];
            if (v < 0 || v >= nvec[i]) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int firstInvalid(float[] value, int off) {
        for (int i = 0; i < nvec.length; i++) {
            float v = value[off + i];
            if (v != Math.rint(v) || v < 0 || v >= nvec[i]) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MultiDiscrete other && Arrays.equals(nvec, other.nvec);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nvec);
    }

    @Override
    public String toString() {
        return "MultiDiscrete(" + Arrays.toString(nvec) + ")";
    }
}
