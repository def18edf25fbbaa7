package org.rlplay.fragment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One named field of the actor's info (logits, value, log-prob, ...) over a fragment: (T+1, N, ...)
 * elements of one DJL data type, stored in a direct buffer allocated once.
 *
 * <p>Owned by its {@link Fragment}; written by the collector, read by the learner.
 */
public final class InfoColumn {
    private final String name;
    private final DataType dataType;
    private final long[] elementShape;
    private final int records;
    private final int numEnvs;
    private final int bytesPerEnv;
    private final ByteBuffer data;

    InfoColumn(String name, DataType dataType, long[] elementShape, int records, int numEnvs) {
        this.name = name;
        this.dataType = dataType;
        this.elementShape = elementShape.clone();
        this.records = records;
        this.numEnvs = numEnvs;
        long elements = new Shape(elementShape).size();
        this.bytesPerEnv = Math.toIntExact(elements * dataType.getNumOfBytes());
        this.data = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(records, numEnvs), bytesPerEnv))
                .order(ByteOrder.nativeOrder());
    }

    /** The field's name (the NDArray's name, or {@code info<i>} for an unnamed one). */
    public String name() {
        return name;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The shape of one env's value (without the T+1 and N dimensions). */
    public long[] elementShape() {
        return elementShape.clone();
    }

    /** Bytes of one env's value. */
    public int bytesPerEnv() {
        return bytesPerEnv;
    }

    /** The whole (T+1, N, ...) column as native-order bytes. Read-only for callers. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.nativeOrder());
    }

    /** Byte offset of env {@code j} at record {@code t}. */
    public int offset(int t, int j) {
        return (t * numEnvs + j) * bytesPerEnv;
    }

    /** Float value {@code i} of env {@code j} at record {@code t} (FLOAT32 columns). */
    public float getFloat(int t, int j, int i) {
        return data.getFloat(offset(t, j) + 4 * i);
    }

    boolean matches(DataType type, Shape perEnv) {
        return dataType == type && java.util.Arrays.equals(elementShape, perEnv.getShape());
    }

    /** Copies {@code src} (N values, native order) into record {@code t}. */
    void put(int t, ByteBuffer src) {
        data.put(offset(t, 0), src, src.position(), numEnvs * bytesPerEnv);
    }

    /** Copies env range {@code [j0, j0+n)} of record {@code t} into {@code dst} at its env {@code dj}. */
    void copyTo(InfoColumn dst, int t, int j0, int n, int dt, int dj) {
        dst.data.put(dst.offset(dt, dj), data, offset(t, j0), n * bytesPerEnv);
    }


    /** A new (T+1, N, ...) array in {@code manager} holding a copy of the column. */
    public NDArray toNDArray(NDManager manager) {
        long[] shape = new long[elementShape.length + 2];
        shape[0] = records;
        shape[1] = numEnvs;
        System.arraycopy(elementShape, 0, shape, 2, elementShape.length);
        NDArray array = manager.create(new Shape(shape), dataType);
        array.set(data());
        return array;
    }
}
