package org.rlplay.record;

import java.util.Arrays;

/**
 * One array of every chunk: its name inside the {@code .npz} file, its little-endian numpy dtype and
 * its full shape. Immutable.
 *
 * @param name  the array's key in the npz ({@code obs}, {@code actor.logits}, ...)
 * @param dtype the numpy dtype string ({@code <f4}, {@code <i4}, {@code |b1}, ...)
 * @param shape the array's shape, e.g. {@code (T+1, N, 4)}
 */
public record FieldInfo(String name, String dtype, long[] shape) {

    public FieldInfo {
        shape = shape.clone();
    }

    /** A copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The shape written the numpy way, e.g. {@code (129, 64, 4)}. */
    public String shapeString() {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldInfo f && name.equals(f.name) && dtype.equals(f.dtype) && Arrays.equals(shape, f.shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + dtype.hashCode() * 7 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString();
    }
}
