package org.rlplay.env.space;

import java.util.SplittableRandom;

/**
 * A vector of {@code n} independent bits (Gymnasium's {@code MultiBinary(n)}).
 *
 * @param n number of bits, at least 1
 */
public record MultiBinary(int n) implements Space {

    public MultiBinary {
        if (n < 1) {
            throw new IllegalArgumentException("MultiBinary needs n >= 1, got " + n);
        }
    }

    @Override
    public int[] shape() {
        return new int[] {n};
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public ElementType elementType() {
        return ElementType.INT8;
    }

    @Override
    public void sample(SplittableRandom rng, int[] out, int off) {
        for (int i = 0; i < n; i++) {
            out[off + i] = rng.nextInt(2);
        }
    }

    @Override
    public void sample(SplittableRandom rng, float[] out, int off) {
        for (int i = 0; i < n; i++) {
            out[off + i] = rng.nextInt(2);
        }
    }

    @Override
    public int firstInvalid(int[] value, int off) {
        for (int i = 0; i < n; i++) {
            int v = value[off + i];
            if (v != 0 && v != 1) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int firstInvalid(float[] value, int off) {
        for (int i = 0; i < n; i++) {
            float v = value[off + i];
            if (v != 0f && v != 1f) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "MultiBinary(" + n + ")";
    }
}
