package org.rlplay.env.space;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Locale;

/**
 * A primitive element type, named as numpy names it: the declared type of a space's elements
 * ({@code space.dtype}) and the storage type of every column of a fragment.
 *
 * <p>Each type is stored in one Java primitive array type ({@link #arrayType()}): {@code boolean[]}
 * for {@link #BOOL}, {@code byte[]} for {@link #UINT8} (read unsigned) and {@link #INT8},
 * {@code int[]}, {@code long[]}, {@code float[]}, {@code double[]} for the others. A space stores its
 * observations as {@link Space#storageType()}, which keeps 8-bit integers as they are (an image stays
 * {@code uint8}), narrows other integers to {@link #INT32} and floats to {@link #FLOAT32}.
 */
public enum ElementType {
    BOOL(1, boolean[].class),
    UINT8(1, byte[].class),
    INT8(1, byte[].class),
    INT32(4, int[].class),
    INT64(8, long[].class),
    FLOAT32(4, float[].class),
    FLOAT64(8, double[].class);

    private final int bytes;
    private final Class<?> arrayType;

    ElementType(int bytes, Class<?> arrayType) {
        this.bytes = bytes;
        this.arrayType = arrayType;
    }

    /** Parses a numpy dtype name such as {@code "float32"}, {@code "uint8"} or {@code "bool"}. */
    public static ElementType ofNumpy(String dtype) {
        for (ElementType t : values()) {
            if (t.numpyName().equals(dtype)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported element type '" + dtype
                + "': expected one of bool, uint8, int8, int32, int64, float32, float64");
    }

    /** The numpy name of this type, e.g. {@code "float32"}. */
    public String numpyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The Java array type that stores elements of this type. */
    public Class<?> arrayType() {
        return arrayType;
    }

    /** True for {@link #FLOAT32} and {@link #FLOAT64}. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** A new zeroed array of {@code n} elements of {@link #arrayType()}. */
    public Object allocate(int n) {
        switch (this) {
            case BOOL: return new boolean[n];
            case UINT8: case INT8: return new byte[n];
            case INT32: return new int[n];
            case INT64: return new long[n];
            case FLOAT32: return new float[n];
            default: return new double[n];
        }
    }

    /** Element {@code i} of {@code array} (of {@link #arrayType()}) as a double; uint8 is read unsigned. */
    public double get(Object array, int i) {
        switch (this) {
            case BOOL: return ((boolean[]) array)[i] ? 1 : 0;
            case UINT8: return ((byte[]) array)[i] & 0xff;
            case INT8: return ((byte[]) array)[i];
            case INT32: return ((int[]) array)[i];
            case INT64: return ((long[]) array)[i];
            case FLOAT32: return ((float[]) array)[i];
            default: return ((double[]) array)[i];
        }
    }

    /** Writes elements {@code [from, from + n)} of {@code array} (of {@link #arrayType()}) to {@code out}, exactly. */
    public void write(DataOutput out, Object array, int from, int n) throws IOException {
        switch (this) {
            case BOOL: {
                boolean[] a = (boolean[]) array;
                for (int i = from; i < from + n; i++) {
                    out.writeBoolean(a[i]);
                }
                break;
            }
            case UINT8: case INT8: out.write((byte[]) array, from, n); break;
            case INT32: {
                int[] a = (int[]) array;
                for (int i = from; i < from + n; i++) {
                    out.writeInt(a[i]);
                }
                break;
            }
            case INT64: {
                long[] a = (long[]) array;
                for (int i = from; i < from + n; i++) {
                    out.writeLong(a[i]);
                }
                break;
            }
            case FLOAT32: {
                float[] a = (float[]) array;
                for (int i = from; i < from + n; i++) {
                    out.writeInt(Float.floatToRawIntBits(a[i]));
                }
                break;
            }
            default: {
                double[] a = (double[]) array;
                for (int i = from; i < from + n; i++) {
                    out.writeLong(Double.doubleToRawLongBits(a[i]));
                }
                break;
            }
        }
    }

    /** Reads what {@link #write} wrote into elements {@code [from, from + n)} of {@code array}. */
    public void read(DataInput in, Object array, int from, int n) throws IOException {
        switch (this) {
            case BOOL: {
                boolean[] a = (boolean[]) array;
                for (int i = from; i < from + n; i++) {
                    a[i] = in.readBoolean();
                }
                break;
            }
            case UINT8: case INT8: in.readFully((byte[]) array, from, n); break;
            case INT32: {
                int[] a = (int[]) array;
                for (int i = from; i < from + n; i++) {
                    a[i] = in.readInt();
                }
                break;
            }
            case INT64: {
                long[] a = (long[]) array;
                for (int i = from; i < from + n; i++) {
                    a[i] = in.readLong();
                }
                break;
            }
            case FLOAT32: {
                float[] a = (float[]) array;
                for (int i = from; i < from + n; i++) {
                    a[i] = Float.intBitsToFloat(in.readInt());
                }
                break;
            }
            default: {
                double[] a = (double[]) array;
                for (int i = from; i < from + n; i++) {
                    a[i] = Double.longBitsToDouble(in.readLong());
                }
                break;
            }
        }
    }

    /** Sets elements {@code [from, to)} of {@code array} (of {@link #arrayType()}) to zero. */
    public void clear(Object array, int from, int to) {
        switch (this) {
            case BOOL: java.util.Arrays.fill((boolean[]) array, from, to, false); break;
            case UINT8: case INT8: java.util.Arrays.fill((byte[]) array, from, to, (byte) 0); break;
            case INT32: java.util.Arrays.fill((int[]) array, from, to, 0); break;
            case INT64: java.util.Arrays.fill((long[]) array, from, to, 0L); break;
            case FLOAT32: java.util.Arrays.fill((float[]) array, from, to, 0f); break;
            default: java.util.Arrays.fill((double[]) array, from, to, 0d); break;
        }
    }
}
