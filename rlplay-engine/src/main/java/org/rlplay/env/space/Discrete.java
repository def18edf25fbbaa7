package org.rlplay.env.space;

import java.util.SplittableRandom;

/**
 * The integers {@code start, start+1, ..., start+n-1} (Gymnasium's {@code Discrete(n, start)}).
 *
 * @param n     number of values, at least 1
 * @param start the smallest value
 */
public record Discrete(int n, int start) implements Space {

    public Discrete {
        if (n < 1) {
            throw new IllegalArgumentException("Discrete needs n >= 1, got " + n);
        }
    }

    /** {@code Discrete(n)} with values {@code 0 .. n-1}. */
    public Discrete(int n) {
        this(n, 0);
    }

    @Override
    public int[] shape() {
        return new int[0];
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public ElementType elementType() {
        return ElementType.INT64;
    }

    @Override
    public void sample(SplittableRandom rng, int[] out, int off) {
        out[off] = start + rng.nextInt(n);
    }

    @Override
    public void sample(SplittableRandom rng, float[] out, int off) {
        out[off] = start + rng.nextInt(n);
    }

    @Override
    public int firstInvalid(int[] value, int off) {
        int v = value[off];
        return v >= start && v - start < n ? -1 : 0;
    }

    @Override
    public int firstInvalid(float[] value, int off) {
        float v = value[off];
        return v == Math.rint(v) && v >= start && v - start < n ? -1 : 0;
    }

    @Override
    public String toString() {
        return start == 0 ? "Discrete(" + n + ")" : "Discrete(" + n + ", start=" + start + ")";
    }
}
