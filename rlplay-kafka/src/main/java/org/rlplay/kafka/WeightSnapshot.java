package org.rlplay.kafka;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.PairList;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.TypedArrays;

/**
 * The value of a weights record: every parameter of a DJL block, in {@code block.getParameters()}
 * order, little-endian.
 * <table>
 * <caption>the weights record value</caption>
 * <tr><th>field</th><th>type</th></tr>
 * <tr><td>magic, schema, reserved</td><td>{@code RLWT}, u16 1, u16 0</td></tr>
 * <tr><td>actor version</td><td>i64 (also in header {@code rlplay.actor-version})</td></tr>
 * <tr><td>P, then P parameters</td><td>i32; per parameter: name (u16 length + UTF-8), dtype u8 (the
 * fragment record's codes), rank u8, dims i64 x rank, then its elements row-major</td></tr>
 * </table>
 * Static and thread-safe.
 */
final class WeightSnapshot {
    private static final byte[] MAGIC = {'R', 'L', 'W', 'T'};
    private static final NDIndex ALL = new NDIndex("...");
    private static final ElementType[] CODES = {ElementType.BOOL, ElementType.UINT8, ElementType.INT8,
        ElementType.INT32, ElementType.INT64, ElementType.FLOAT32, ElementType.FLOAT64};

    private WeightSnapshot() {
    }

    /** The snapshot of {@code block}'s parameters, labelled {@code version}. */
    static byte[] encode(Block block, long version) {
        PairList<String, Parameter> params = block.getParameters();
        byte[][] names = new byte[params.size()][];
        Object[] data = new Object[params.size()];
        long size = 4 + 2 + 2 + 8 + 4;
        for (int i = 0; i < params.size(); i++) {
            NDArray a = params.valueAt(i).getArray();
            names[i] = params.keyAt(i).getBytes(StandardCharsets.UTF_8);
            ElementType type = TypedArrays.elementType(a.getDataType());
            int n = Math.toIntExact(a.size());
            ByteBuffer raw = a.toByteBuffer(true).order(ByteOrder.nativeOrder());
            data[i] = type.allocate(n);
            TypedArrays.read(type, raw, raw.position(), data[i], 0, n);
            size += 2 + names[i].length + 2 + 8L * a.getShape().dimension() + (long) n * type.bytes();
        }
        byte[] value = new byte[Math.toIntExact(size)];
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) 1).putShort((short) 0).putLong(version).putInt(params.size());
        for (int i = 0; i < params.size(); i++) {
            NDArray a = params.valueAt(i).getArray();
            ElementType type = TypedArrays.elementType(a.getDataType());
            b.putShort((short) names[i].length).put(names[i]).put(code(type)).put((byte) a.getShape().dimension());
            for (long d : a.getShape().getShape()) {
                b.putLong(d);
            }
            int n = Math.toIntExact(a.size());
            TypedArrays.write(type, data[i], 0, n, b, b.position());
            b.position(b.position() + n * type.bytes());
        }
        return value;
    }

    /** The version a snapshot is labelled with. */
    static long version(byte[] value) {
        check(value);
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
    }

    /**
     * Copies the snapshot into {@code replica}'s parameters in place (grad mode off on this thread).
     *
     * @return the snapshot's version
     * @throws IllegalArgumentException if the replica's parameters differ in number, shape or type,
     *     naming the parameter
     */
    static long loadInto(byte[] value, Block replica) {
        check(value);
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        long version = b.getLong(8);
        b.position(16);
        int count = b.getInt();
        PairList<String, Parameter> params = replica.getParameters();
        if (count != params.size()) {
            throw new IllegalArgumentException("the weights of version " + version + " have " + count
                    + " parameters but the replica has " + params.size() + ": build the collector's network as the"
                    + " learner's");
        }
        JniUtils.setGradMode(false);
        NDArray first = params.valueAt(0).getArray();
        try (NDManager scope = first.getManager().getEngine().newBaseManager(first.getDevice())) {
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                ElementType type = type(b.get());
                long[] dims = new long[b.get()];
                for (int k = 0; k < dims.length; k++) {
                    dims[k] = b.getLong();
                }
                NDArray dst = params.valueAt(i).getArray();
                Shape shape = new Shape(dims);
                if (!shape.equals(dst.getShape()) || TypedArrays.dataType(type) != dst.getDataType()) {
                    throw new IllegalArgumentException("weights parameter " + i + " '"
                            + new String(name, StandardCharsets.UTF_8) + "' is " + type.numpyName() + " "
                            + Arrays.toString(dims) + " but the replica's '" + params.keyAt(i) + "' is "
                            + dst.getDataType() + " " + dst.getShape());
                }
                int n = Math.toIntExact(shape.size());
                Object data = type.allocate(n);
                TypedArrays.read(type, b, b.position(), data, 0, n);
                b.position(b.position() + n * type.bytes());
                dst.set(ALL, TypedArrays.toNDArray(scope, type, data, 0, shape));
            }
        }
        return version;
    }

    private static void check(byte[] value) {
        if (value == null || value.length < 20 || !Arrays.equals(Arrays.copyOf(value, 4), MAGIC)) {
            throw new IllegalArgumentException("not an rlplay weights record");
        }
        int schema = Short.toUnsignedInt(ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getShort(4));
        if (schema != 1) {
            throw new IllegalArgumentException("weights record of schema " + schema + ", this rlplay reads schema 1");
        }
    }

    private static byte code(ElementType t) {
        for (int i = 0; i < CODES.length; i++) {
            if (CODES[i] == t) {
                return (byte) i;
            }
        }
        throw new IllegalArgumentException("no dtype code for " + t);
    }

    private static ElementType type(byte code) {
        if (code < 0 || code >= CODES.length) {
            throw new IllegalArgumentException("unknown dtype code " + code + " in a weights record");
        }
        return CODES[code];
    }
}
