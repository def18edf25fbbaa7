package org.rlplay.fragment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.rlplay.env.space.ElementType;

/**
 * Conversions between the engine's primitive arrays (of an {@link ElementType}'s
 * {@linkplain ElementType#arrayType() array type}) and DJL: element types to data types, array
 * ranges to NDArrays (one bulk copy), native-order bytes into array ranges (no allocation). Static
 * and thread-safe.
 */
public final class TypedArrays {
    private TypedArrays() {
    }

    /** The DJL data type of {@code type}. */
    public static DataType dataType(ElementType type) {
        switch (type) {
            case BOOL: return DataType.BOOLEAN;
            case UINT8: return DataType.UINT8;
            case INT8: return DataType.INT8;
            case INT32: return DataType.INT32;
            case INT64: return DataType.INT64;
            case FLOAT32: return DataType.FLOAT32;
            default: return DataType.FLOAT64;
        }
    }

    /**
     * The element type of DJL's {@code type}.
     *
     * @throws IllegalArgumentException for types the engine does not store (float16, bfloat16, strings, ...)
     */
    public static ElementType elementType(DataType type) {
        switch (type) {
            case BOOLEAN: return ElementType.BOOL;
            case UINT8: return ElementType.UINT8;
            case INT8: return ElementType.INT8;
            case INT32: return ElementType.INT32;
            case INT64: return ElementType.INT64;
            case FLOAT32: return ElementType.FLOAT32;
            case FLOAT64: return ElementType.FLOAT64;
            default: throw new IllegalArgumentException("unsupported data type " + type
                    + ": expected boolean, uint8, int8, int32, int64, float32 or float64");
        }
    }

    /**
     * A new array in {@code manager} of {@code shape}, holding {@code array[from .. from + shape.size())}
     * ({@code array} of {@code type}'s array type), in {@code type}'s DJL data type.
     */
    public static NDArray toNDArray(NDManager manager, ElementType type, Object array, int from, Shape shape) {
        int n = Math.toIntExact(shape.size());
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(1, n * type.bytes())).order(ByteOrder.nativeOrder());
        write(type, array, from, n, buffer, 0);
        return manager.create(buffer, shape, dataType(type));
    }

    /** Writes {@code array[from .. from + n)} into {@code dst} from byte {@code at}, native order. Allocates nothing. */
    public static void write(ElementType type, Object array, int from, int n, ByteBuffer dst, int at) {
        switch (type) {
            case BOOL: {
                boolean[] a = (boolean[]) array;
                for (int i = 0; i < n; i++) {
                    dst.put(at + i, a[from + i] ? (byte) 1 : (byte) 0);
                }
                break;
            }
            case UINT8: case INT8: dst.put(at, (byte[]) array, from, n); break;
            case INT32: {
                int[] a = (int[]) array;
                for (int i = 0; i < n; i++) {
                    dst.putInt(at + 4 * i, a[from + i]);
                }
                break;
            }
            case INT64: {
                long[] a = (long[]) array;
                for (int i = 0; i < n; i++) {
                    dst.putLong(at + 8 * i, a[from + i]);
                }
                break;
            }
            case FLOAT32: {
                float[] a = (float[]) array;
                for (int i = 0; i < n; i++) {
                    dst.putFloat(at + 4 * i, a[from + i]);
                }
                break;
            }
            default: {
                double[] a = (double[]) array;
                for (int i = 0; i < n; i++) {
                    dst.putDouble(at + 8 * i, a[from + i]);
                }
                break;
            }
        }
    }

    /** Reads {@code n} elements of {@code type} from {@code src} at byte {@code at} (native order) into {@code array[to ..)}. Allocates nothing. */
    public static void read(ElementType type, ByteBuffer src, int at, Object array, int to, int n) {
        switch (type) {
            case BOOL: {
                boolean[] a = (boolean[]) array;
                for (int i = 0; i < n; i++) {
                    a[to + i] = src.get(at + i) != 0;
                }
                break;
            }
            case UINT8: case INT8: src.get(at, (byte[]) array, to, n); break;
            case INT32: {
                int[] a = (int[]) array;
                for (int i = 0; i < n; i++) {
                    a[to + i] = src.getInt(at + 4 * i);
                }
                break;
            }
            case INT64: {
                long[] a = (long[]) array;
                for (int i = 0; i < n; i++) {
                    a[to + i] = src.getLong(at + 8 * i);
                }
                break;
            }
            case FLOAT32: {
                float[] a = (float[]) array;
                for (int i = 0; i < n; i++) {
                    a[to + i] = src.getFloat(at + 4 * i);
                }
                break;
            }
            default: {
                double[] a = (double[]) array;
                for (int i = 0; i < n; i++) {
                    a[to + i] = src.getDouble(at + 8 * i);
                }
                break;
            }
        }
    }
}
