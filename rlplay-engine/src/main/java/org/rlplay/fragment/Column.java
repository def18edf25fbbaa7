package org.rlplay.fragment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.rlplay.env.space.ElementType;

/**
 * The storage of one {@link ColumnSpec column} of a fragment: rows x N x width elements in one
 * primitive array of the column's {@linkplain ElementType#arrayType() array type}, row-major (row,
 * then env, then element), allocated once.
 *
 * <p>Owned by its fragment. Written by the fragment's producer (through {@link FragmentWriter} or the
 * array itself), read by the learner while the fragment is valid; the typed accessors return the
 * storage itself, not a copy.
 */
public final class Column {
    private final ColumnSpec spec;
    private final int rows;
    private final int numEnvs;
    private final int width;
    private final Object data;
    /** The (N, ...shape) shape and DJL type of one row's array, for the allocation-free check of actor info. */
    private final Shape rowShape;
    private final ai.djl.ndarray.types.DataType rowType;

    Column(ColumnSpec spec, int length, int numEnvs) {
        this.spec = spec;
        this.rows = spec.rows(length);
        this.numEnvs = numEnvs;
        this.width = spec.width();
        this.data = spec.type().allocate(Math.multiplyExact(Math.multiplyExact(rows, numEnvs), width));
        int[] element = spec.shape();
        long[] row = new long[element.length + 1];
        row[0] = numEnvs;
        for (int i = 0; i < element.length; i++) {
            row[i + 1] = element[i];
        }
        this.rowShape = new Shape(row);
        this.rowType = TypedArrays.dataType(spec.type());
    }

    /** Whether {@code a} (the {@code i}-th info array of a step) is one row of this column: its name, type and shape. */
    boolean accepts(NDArray a, int i) {
        return a.getDataType() == rowType && a.getShape().equals(rowShape) && FragmentWriter.infoName(a, i).equals(spec.name());
    }

    public ColumnSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public ElementType type() {
        return spec.type();
    }

    /** Rows: T+1 for a per-record column, T for a per-transition one. */
    public int rows() {
        return rows;
    }

    /** Elements of one env's value. */
    public int width() {
        return width;
    }

    /** Index into the storage of element 0 of env {@code j} at row {@code t}. */
    public int offset(int t, int j) {
        return (t * numEnvs + j) * width;
    }

    /** The storage array, of {@link ElementType#arrayType()}. */
    public Object array() {
        return data;
    }

    /** Element {@code i} of env {@code j} at row {@code t}, as a double (uint8 read unsigned). */
    public double get(int t, int j, int i) {
        return spec.type().get(data, offset(t, j) + i);
    }

    /** Element {@code i} of env {@code j} at row {@code t}, as a float. */
    public float getFloat(int t, int j, int i) {
        return (float) get(t, j, i);
    }

    /** The storage of a float32 column. */
    public float[] floats() {
        return (float[]) typed(ElementType.FLOAT32, float[].class);
    }

    /** The storage of an int32 column. */
    public int[] ints() {
        return (int[]) typed(ElementType.INT32, int[].class);
    }

    /** The storage of a uint8 or int8 column. */
    public byte[] bytes() {
        return (byte[]) typed(ElementType.UINT8, byte[].class);
    }

    /** The storage of an int64 column. */
    public long[] longs() {
        return (long[]) typed(ElementType.INT64, long[].class);
    }

    /** The storage of a float64 column. */
    public double[] doubles() {
        return (double[]) typed(ElementType.FLOAT64, double[].class);
    }

    /** The storage of a bool column. */
    public boolean[] booleans() {
        return (boolean[]) typed(ElementType.BOOL, boolean[].class);
    }

    private Object typed(ElementType wanted, Class<?> arrayType) {
        if (data.getClass() != arrayType) {
            throw new IllegalStateException("column '" + spec.name() + "' is stored as " + spec.type().numpyName()
                    + " (" + data.getClass().getSimpleName() + "), not " + wanted.numpyName());
        }
        return data;
    }

    /** A new (rows, N, ...shape) array in {@code manager} holding a copy of the column, in its own type. */
    public NDArray toNDArray(NDManager manager) {
        int[] element = spec.shape();
        long[] shape = new long[element.length + 2];
        shape[0] = rows;
        shape[1] = numEnvs;
        for (int i = 0; i < element.length; i++) {
            shape[i + 2] = element[i];
        }
        return TypedArrays.toNDArray(manager, spec.type(), data, 0, new Shape(shape));
    }

    /** Copies rows of env range {@code [j0, j0 + n)} into {@code dst} (same type and width) at env {@code dj}. */
    void copyEnvsTo(Column dst, int j0, int n, int dj) {
        for (int t = 0; t < rows; t++) {
            System.arraycopy(data, offset(t, j0), dst.data, dst.offset(t, dj), n * width);
        }
    }
}
