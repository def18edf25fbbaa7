package org.rlplay.kafka;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.TypedArrays;

/**
 * One fragment as the value of one Kafka record: a self-describing header driven by the fragment's
 * column table ({@link Fragment#columns()}), the episodes, the hx, then every column's elements as
 * they are stored. Little-endian throughout; every data block starts at a multiple of 8 bytes from
 * the start of the value, so {@code numpy.frombuffer(value, dtype, count, offset)} reads a column in
 * place.
 *
 * <table>
 * <caption>the record value, schema {@value #SCHEMA}</caption>
 * <tr><th>field</th><th>type</th><th>meaning</th></tr>
 * <tr><td>magic</td><td>4 bytes</td><td>{@code RLFR}</td></tr>
 * <tr><td>schema</td><td>u16</td><td>{@value #SCHEMA}; also in header {@value #HEADER_SCHEMA}</td></tr>
 * <tr><td>reserved</td><td>u16</td><td>0</td></tr>
 * <tr><td>T, N</td><td>i32, i32</td><td>fragment length and number of envs</td></tr>
 * <tr><td>collector, envOffset</td><td>i32, i32</td><td>the collector's id; global index of its env 0</td></tr>
 * <tr><td>incarnation, sequence</td><td>i64, i64</td><td>as in the key ({@link FragmentKey})</td></tr>
 * <tr><td>actorVersion</td><td>i64</td><td>the weights the fragment was collected with; also in header
 * {@value #HEADER_VERSION}</td></tr>
 * <tr><td>envSteps</td><td>i64</td><td>real env steps in this fragment (sticky envs are not stepped)</td></tr>
 * <tr><td>C, then C columns</td><td>i32; per column: name (u16 length + UTF-8), dtype u8, perRecord u8,
 * rank u8, dims i32 x rank</td><td>the fixed columns in {@link FragmentSpec#columns()} order, then the
 * actor info columns; dtype codes: 0 bool, 1 uint8, 2 int8, 3 int32, 4 int64, 5 float32, 6 float64</td></tr>
 * <tr><td>K, then K env info keys</td><td>i32; u16 length + UTF-8 each</td><td>the names of the
 * {@code envInfo} elements</td></tr>
 * <tr><td>E, then E episodes</td><td>i32; per episode: env i32, record i32, length i32, truncated u8,
 * return f64 (21 bytes)</td><td>{@link Episodes}</td></tr>
 * <tr><td>H, then H hx arrays</td><td>i32 (-1: no hx); per array: dtype u8, rank u8, dims i64 x rank</td>
 * <td>the actor's recurrent state before record 0</td></tr>
 * <tr><td>padding</td><td>0-7 bytes</td><td>to a multiple of 8</td></tr>
 * <tr><td>column data</td><td>per column: rows x N x width elements, row-major (record, env, element),
 * then padding to a multiple of 8</td><td>bool as one byte 0/1; floats bit for bit (NaN payloads
 * kept)</td></tr>
 * <tr><td>hx data</td><td>per array: its elements, row-major, then padding to a multiple of 8</td><td></td></tr>
 * </table>
 * The value carries everything its key and headers do, so a dump of the values alone (a Spark job
 * reading the topic) loses nothing. A CartPole fragment of N = 64, T = 128 with {@code finalObs} and
 * the categorical actor's logits is about 457 KB: 446 KB of columns (54 bytes per env and record), 21
 * bytes per episode end (a few hundred at a random policy's short episodes) and a header of about 300
 * bytes. Only the {@code finalObs} column is mostly zeros; set {@code compression.type} in the producer's settings
 * ({@code lz4}, {@code zstd}) to trade collector CPU for wire bytes.
 *
 * <p>Static and thread-safe. {@link #encode} allocates the value (Kafka's serializer contract);
 * {@link #decode} writes into a preallocated {@link FragmentWriter} and allocates only the hx arrays.
 */
public final class FragmentCodec {
    /** The layout version this class writes and reads. */
    public static final int SCHEMA = 1;
    /** Record header holding {@link #SCHEMA} as a decimal string. */
    public static final String HEADER_SCHEMA = "rlplay.schema";
    /** Record header holding the actor version as 8 big-endian bytes. */
    public static final String HEADER_VERSION = "rlplay.actor-version";
    /**
     * Record header saying what the value is: {@value #KIND_FRAGMENT} or {@value #KIND_FAILURE} on the
     * fragments topic, {@value #KIND_WEIGHTS} on the weights topic.
     */
    public static final String HEADER_KIND = "rlplay.kind";
    /** {@link #HEADER_KIND} of a fragment record. */
    public static final String KIND_FRAGMENT = "fragment";
    /** {@link #HEADER_KIND} of a collector's last record when it failed: the value is its UTF-8 message. */
    public static final String KIND_FAILURE = "failure";
    /** {@link #HEADER_KIND} of a weights snapshot (the weights topic). */
    public static final String KIND_WEIGHTS = "weights";

    private static final byte[] MAGIC = {'R', 'L', 'F', 'R'};
    private static final ElementType[] CODES = {ElementType.BOOL, ElementType.UINT8, ElementType.INT8,
        ElementType.INT32, ElementType.INT64, ElementType.FLOAT32, ElementType.FLOAT64};
    private static final int EPISODE_BYTES = 21;

    private FragmentCodec() {
    }

    /** What a record's header says about its fragment, without its data. */
    public record Meta(int length, int numEnvs, int collector, int envOffset, long incarnation, long sequence,
                       long actorVersion, long envSteps) {
    }

    /** The value size of {@code f}'s record. */
    public static int size(Fragment f) {
        return layout(f).total;
    }

    /**
     * The record value of {@code f}, labelled with {@code meta} (its length and N must be {@code f}'s).
     *
     * @throws IllegalArgumentException if {@code meta} does not describe {@code f}'s layout
     */
    public static byte[] encode(Fragment f, Meta meta) {
        if (meta.length() != f.length() || meta.numEnvs() != f.numEnvs()) {
            throw new IllegalArgumentException("meta describes T=" + meta.length() + ", N=" + meta.numEnvs()
                    + " but the fragment has T=" + f.length() + ", N=" + f.numEnvs());
        }
        Layout l = layout(f);
        byte[] value = new byte[l.total];
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) SCHEMA).putShort((short) 0);
        b.putInt(meta.length()).putInt(meta.numEnvs()).putInt(meta.collector()).putInt(meta.envOffset());
        b.putLong(meta.incarnation()).putLong(meta.sequence()).putLong(meta.actorVersion()).putLong(meta.envSteps());
        b.putInt(l.columns.size());
        for (Column c : l.columns) {
            putString(b, c.name());
            int[] shape = c.spec().shape();
            b.put(code(c.type())).put((byte) (c.spec().perRecord() ? 1 : 0)).put((byte) shape.length);
            for (int d : shape) {
                b.putInt(d);
            }
        }
        List<String> keys = f.spec().envInfoKeys();
        b.putInt(keys.size());
        keys.forEach(k -> putString(b, k));
        Episodes e = f.episodes();
        b.putInt(e.count());
        for (int i = 0; i < e.count(); i++) {
            b.putInt(e.env(i)).putInt(e.record(i)).putInt(e.length(i)).put((byte) (e.truncated(i) ? 1 : 0))
                    .putDouble(e.episodeReturn(i));
        }
        NDList hx = f.hx();
        b.putInt(hx == null ? -1 : hx.size());
        List<Object> hxData = new ArrayList<>();
        if (hx != null) {
            for (NDArray a : hx) {
                ElementType type = TypedArrays.elementType(a.getDataType());
                long[] shape = a.getShape().getShape();
                b.put(code(type)).put((byte) shape.length);
                for (long d : shape) {
                    b.putLong(d);
                }
                ByteBuffer raw = a.toByteBuffer(true).order(ByteOrder.nativeOrder());
                int n = Math.toIntExact(a.size());
                Object data = type.allocate(n);
                TypedArrays.read(type, raw, raw.position(), data, 0, n);
                hxData.add(data);
            }
        }
        int at = align(b.position());
        for (Column c : l.columns) {
            int n = c.rows() * f.numEnvs() * c.width();
            TypedArrays.write(c.type(), c.array(), 0, n, b, at);
            at = align(at + n * c.type().bytes());
        }
        for (int k = 0; k < hxData.size(); k++) {
            NDArray a = hx.get(k);
            ElementType type = TypedArrays.elementType(a.getDataType());
            int n = Math.toIntExact(a.size());
            TypedArrays.write(type, hxData.get(k), 0, n, b, at);
            at = align(at + n * type.bytes());
        }
        if (at != l.total) {
            throw new IllegalStateException("encoded " + at + " bytes, expected " + l.total);
        }
        return value;
    }

    /**
     * The header of a record value, checked for magic and schema.
     *
     * @throws IllegalArgumentException if {@code value} is not an rlplay fragment of schema {@value #SCHEMA}
     */
    public static Meta meta(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        if (value.length < 56 || !Arrays.equals(Arrays.copyOf(value, 4), MAGIC)) {
            throw new IllegalArgumentException("not an rlplay fragment record (no RLFR magic, " + value.length
                    + " bytes)");
        }
        int schema = Short.toUnsignedInt(b.getShort(4));
        if (schema != SCHEMA) {
            throw new IllegalArgumentException("fragment record of schema " + schema + ", this rlplay reads schema "
                    + SCHEMA + ": run collectors and learner of the same rlplay version");
        }
        return new Meta(b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20), b.getLong(24), b.getLong(32),
                b.getLong(40), b.getLong(48));
    }

    /**
     * Decodes {@code value} into {@code w}'s fragment: every column, the episodes, hx (created in
     * {@code manager}, then copied by the writer) and the metadata (sequence, actor version, collector,
     * env offset). Actor info columns are created in {@code w} on the first decode.
     *
     * @return the record's header
     * @throws IllegalArgumentException if the value is not a fragment of {@code w}'s layout (T, N, the
     *     fixed columns, env info keys), its actor info differs from the fragment's, or it is truncated
     */
    public static Meta decode(byte[] value, FragmentWriter w, NDManager manager) {
        Meta meta = meta(value);
        Fragment f = w.fragment();
        FragmentSpec spec = w.spec();
        if (meta.length() != spec.length() || meta.numEnvs() != spec.numEnvs()) {
            throw new IllegalArgumentException("fragment of T=" + meta.length() + ", N=" + meta.numEnvs()
                    + " but T=" + spec.length() + ", N=" + spec.numEnvs() + " is expected");
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            b.position(56);
            int count = b.getInt();
            List<ColumnSpec> fixed = spec.columns();
            if (count < fixed.size()) {
                throw new IllegalArgumentException("fragment with " + count + " columns, the layout has "
                        + fixed.size() + " fixed ones");
            }
            List<Column> columns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = getString(b);
                ElementType type = type(b.get());
                boolean perRecord = b.get() != 0;
                int[] shape = new int[b.get()];
                for (int k = 0; k < shape.length; k++) {
                    shape[k] = b.getInt();
                }
                ColumnSpec c = new ColumnSpec(name, type, shape, perRecord);
                if (i < fixed.size()) {
                    if (!c.equals(fixed.get(i))) {
                        throw new IllegalArgumentException("column " + i + " is " + c + ", the layout has "
                                + fixed.get(i));
                    }
                    columns.add(f.fixedColumns().get(i));
                } else {
                    columns.add(w.actorInfoColumn(c));
                }
            }
            if (f.actorInfo().size() != count - fixed.size()) {
                throw new IllegalArgumentException("fragment with " + (count - fixed.size())
                        + " actor info column(s), earlier fragments had " + f.actorInfo().size());
            }
            int keys = b.getInt();
            List<String> infoKeys = new ArrayList<>(keys);
            for (int i = 0; i < keys; i++) {
                infoKeys.add(getString(b));
            }
            if (!infoKeys.equals(spec.envInfoKeys())) {
                throw new IllegalArgumentException("env info keys " + infoKeys + ", the layout has "
                        + spec.envInfoKeys());
            }
            w.clearEpisodes();
            int episodes = b.getInt();
            for (int i = 0; i < episodes; i++) {
                int env = b.getInt();
                int record = b.getInt();
                int length = b.getInt();
                boolean truncated = b.get() != 0;
                w.addEpisode(env, record, b.getDouble(), length, truncated);
            }
            int hxCount = b.getInt();
            ElementType[] hxTypes = new ElementType[Math.max(0, hxCount)];
            long[][] hxShapes = new long[hxTypes.length][];
            for (int k = 0; k < hxTypes.length; k++) {
                hxTypes[k] = type(b.get());
                hxShapes[k] = new long[b.get()];
                for (int i = 0; i < hxShapes[k].length; i++) {
                    hxShapes[k][i] = b.getLong();
                }
            }
            int at = align(b.position());
            for (Column c : columns) {
                int n = c.rows() * spec.numEnvs() * c.width();
                checkRoom(value, at, n * c.type().bytes(), c.name());
                TypedArrays.read(c.type(), b, at, c.array(), 0, n);
                at = align(at + n * c.type().bytes());
            }
            if (hxCount < 0) {
                w.setHx(null);
            } else {
                try (NDManager scope = manager.newSubManager()) {
                    NDList hx = new NDList(hxCount);
                    for (int k = 0; k < hxCount; k++) {
                        Shape shape = new Shape(hxShapes[k]);
                        int n = Math.toIntExact(shape.size());
                        checkRoom(value, at, n * hxTypes[k].bytes(), "hx[" + k + "]");
                        Object data = hxTypes[k].allocate(n);
                        TypedArrays.read(hxTypes[k], b, at, data, 0, n);
                        hx.add(TypedArrays.toNDArray(scope, hxTypes[k], data, 0, shape));
                        at = align(at + n * hxTypes[k].bytes());
                    }
                    w.setHx(hx);
                }
            }
            if (at != value.length) {
                throw new IllegalArgumentException("fragment record of " + value.length + " bytes, its header describes "
                        + at);
            }
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated fragment record (" + value.length + " bytes)", e);
        }
        w.setMeta(meta.sequence(), meta.actorVersion(), meta.collector(), meta.envOffset());
        return meta;
    }

    private static void checkRoom(byte[] value, int at, int bytes, String what) {
        if (at + (long) bytes > value.length) {
            throw new IllegalArgumentException("truncated fragment record: " + what + " needs bytes " + at + ".."
                    + (at + (long) bytes) + " of " + value.length);
        }
    }

    /** The columns in record order and the exact value size. */
    private record Layout(List<Column> columns, int total) {
    }

    private static Layout layout(Fragment f) {
        List<Column> columns = f.columns();
        long header = 56 + 4;
        for (Column c : columns) {
            header += 2 + utf8(c.name()).length + 3 + 4L * c.spec().shape().length;
        }
        header += 4;
        for (String k : f.spec().envInfoKeys()) {
            header += 2 + utf8(k).length;
        }
        header += 4 + (long) EPISODE_BYTES * f.episodes().count();
        header += 4;
        NDList hx = f.hx();
        long data = 0;
        for (Column c : columns) {
            data += align((long) c.rows() * f.numEnvs() * c.width() * c.type().bytes());
        }
        if (hx != null) {
            for (NDArray a : hx) {
                header += 2 + 8L * a.getShape().dimension();
                data += align(a.size() * TypedArrays.elementType(a.getDataType()).bytes());
            }
        }
        long total = align(header) + data;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a fragment of " + total + " bytes cannot be one record");
        }
        return new Layout(columns, (int) total);
    }

    private static int align(int n) {
        return (n + 7) & ~7;
    }

    private static long align(long n) {
        return (n + 7) & ~7L;
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
            throw new IllegalArgumentException("unknown dtype code " + code + " in a fragment record");
        }
        return CODES[code];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = utf8(s);
        if (bytes.length > 0xffff) {
            throw new IllegalArgumentException("name too long for a fragment record: " + s.substring(0, 40) + "...");
        }
        b.putShort((short) bytes.length).put(bytes);
    }

    private static String getString(ByteBuffer b) {
        byte[] bytes = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
