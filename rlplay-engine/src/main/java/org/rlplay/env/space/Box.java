package org.rlplay.env.space;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A box in R^n (or Z^n for integer element types) with per-element bounds, Gymnasium's
 * {@code Box(low, high, shape, dtype)}. Bounds may be infinite. Integer boxes hold whole numbers
 * only and are stored as {@code int}.
 */
public final class Box implements Space {
    private final int[] shape;
    private final float[] low;
    private final float[] high;
    private final ElementType elementType;

    /**
     * @param low         per-element lower bounds, length {@code prod(shape)}
     * @param high        per-element upper bounds, same length, {@code low[i] <= high[i]}
     * @param shape       the shape of one value
     * @param elementType the element type
     */
    public Box(float[] low, float[] high, int[] shape, ElementType elementType) {
        int size = Space.sizeOf(shape);
        if (low.length != size || high.length != size) {
            throw new IllegalArgumentException("Box bounds must have " + size + " elements for shape "
                    + Arrays.toString(shape) + ", got low " + low.length + " and high " + high.length);
        }
        for (int i = 0; i < size; i++) {
            if (Float.isNaN(low[i]) || Float.isNaN(high[i]) || low[i] > high[i]) {
                throw new IllegalArgumentException("Box bound " + i + " is not an interval: ["
                        + low[i] + ", " + high[i] + "]");
            }
        }
        this.shape = shape.clone();
        this.low = low.clone();
        this.high = high.clone();
        this.elementType = elementType;
    }

    /** A float32 box with the same bounds for every element. */
    public static Box of(float low, float high, int... shape) {
        int size = Space.sizeOf(shape);
        float[] lo = new float[size];
        float[] hi = new float[size];
        Arrays.fill(lo, low);
        Arrays.fill(hi, high);
        return new Box(lo, hi, shape, ElementType.FLOAT32);
    }

    /** A float32 box with per-element bounds and a flat shape. */
    public static Box of(float[] low, float[] high) {
        return new Box(low, high, new int[] {low.length}, ElementType.FLOAT32);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int size() {
        return low.length;
    }

    @Override
    public ElementType elementType() {
        return elementType;
    }

    /** Lower bound of element {@code i}. */
    public float low(int i) {
        return low[i];
    }

    /** Upper bound of element {@code i}. */
    public float high(int i) {
        return high[i];
    }

    /** A copy of the lower bounds. */
    public float[] low() {
        return low.clone();
    }

    /** A copy of the upper bounds. */
    public float[] high() {
        return high.clone();
    }

    @Override
    public void sample(SplittableRandom rng, float[] out, int off) {
        for (int i = 0; i < low.length; i++) {
            out[off + i] = sampleElement(rng, i);
        }
    }

    @Override
    public void sample(SplittableRandom rng, int[] out, int off) {
        for (int i = 0; i < low.length; i++) {
            out[off + i] = (int) sampleElement(rng, i);
        }
    }

    /** Gymnasium's scheme: uniform if bounded, exponential if half-bounded, normal if unbounded. */
    private float sampleElement(SplittableRandom rng, int i) {
        boolean boundedBelow = low[i] != Float.NEGATIVE_INFINITY;
        boolean boundedAbove = high[i] != Float.POSITIVE_INFINITY;
        double v;
        if (boundedBelow && boundedAbove) {
            if (isDiscrete()) {
                return (float) (Math.floor(low[i]) + rng.nextLong((long) Math.floor(high[i]) - (long) Math.floor(low[i]) + 1));
            }
            v = low[i] + rng.nextDouble() * ((double) high[i] - low[i]);
            v = Math.min(v, high[i]);
        } else if (boundedBelow) {
            v = low[i] - Math.log(1.0 - rng.nextDouble());
        } else if (boundedAbove) {
            v = high[i] + Math.log(1.0 - rng.nextDouble());
        } else {
            v = gaussian(rng);
        }
        return isDiscrete() ? (float) Math.floor(v) : (float) v;
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    @Override
    public int firstInvalid(float[] value, int off) {
        for (int i = 0; i < low.length; i++) {
            float v = value[off + i];
            if (!(v >= low[i] && v <= high[i]) || isDiscrete() && v != Math.rint(v)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int firstInvalid(int[] value, int off) {
        for (int i = 0; i < low.length; i++) {
            int v = value[off + i];
            if (!(v >= low[i] && v <= high[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Box b && elementType == b.elementType && Arrays.equals(shape, b.shape)
                && Arrays.equals(low, b.low) && Arrays.equals(high, b.high);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(low) * 31 + Arrays.hashCode(high) * 7 + Arrays.hashCode(shape) + elementType.hashCode();
    }

    @Override
    public String toString() {
        return "Box(" + summary(low) + ", " + summary(high) + ", " + Arrays.toString(shape) + ", "
                + elementType.numpyName() + ")";
    }

    private static String summary(float[] bounds) {
        for (float b : bounds) {
            if (b != bounds[0]) {
                return Arrays.toString(bounds);
            }
        }
        return bounds.length == 0 ? "[]" : Float.toString(bounds[0]);
    }
}
