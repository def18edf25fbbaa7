package org.rlplay.record;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridValuesWriter;
import org.apache.parquet.schema.MessageType;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.TypedArrays;
import org.rlplay.record.StepColumns.Col;

/**
 * Writes one fragment as one Parquet row group of T * N rows, env-major (row {@code j * T + t} is
 * env j's step from record t), through parquet-java's page writers: the library writes pages,
 * headers, checksums, compression, column and offset indexes and the footer; this class fills each
 * page's values in bulk from the fragment's primitive arrays (PLAIN values, the library's RLE
 * encoder for levels and dictionary indices) instead of one library call per value, which is what
 * keeps recording cheap (README, "Datasets").
 *
 * <p>Column encodings: PLAIN for values; dictionary (PLAIN_DICTIONARY) for the columns that change
 * rarely along a fragment ({@code episode_id}, {@code env}, {@code actor_version}, {@code fragment},
 * {@code collector}), whose index pages then hold a few RLE runs. The repetition and definition
 * levels of required lists depend only on T, N and the width, so they are encoded once.
 *
 * <p>One per file being written; used by one thread (the recorder's writer).
 */
final class FragmentEncoder {
    private final Layout layout;
    private final MessageType schema;
    private final List<Col> columns;
    private final List<ColumnDescriptor> descriptors;
    private final int length;
    private final int numEnvs;
    private final int rows;
    private final PlainBuffer plain = new PlainBuffer();
    private final Map<Integer, byte[]> requiredListLevels = new HashMap<>();
    private final int[] endAt;
    private final boolean[] present;
    private final boolean[] flags;
    private final long[] longs;
    private List<FileMetadata.HxArray> hx = List.of();

    FragmentEncoder(Layout layout) {
        this.layout = layout;
        this.schema = StepColumns.schema(layout);
        this.columns = StepColumns.columns(layout);
        this.descriptors = schema.getColumns();
        this.length = layout.spec().length();
        this.numEnvs = layout.spec().numEnvs();
        this.rows = Math.multiplyExact(length, numEnvs);
        this.endAt = new int[rows];
        this.present = new boolean[rows];
        this.flags = new boolean[rows];
        this.longs = new long[rows];
        if (descriptors.size() != columns.size()) {
            throw new IllegalStateException("schema has " + descriptors.size() + " leaves for " + columns.size() + " columns");
        }
    }

    MessageType schema() {
        return schema;
    }

    /** The hx arrays of the fragments written so far (empty until one has an hx). */
    List<FileMetadata.HxArray> hx() {
        return hx;
    }

    /**
     * Whether {@code f}'s recurrent state fits this file (none yet, none in {@code f}, or the same
     * arrays): a file describes one hx layout.
     */
    boolean hxFits(Fragment f) {
        List<FileMetadata.HxArray> h = hxOf(f);
        if (h.isEmpty() || hx.isEmpty()) {
            return true;
        }
        if (h.size() != hx.size()) {
            return false;
        }
        for (int k = 0; k < h.size(); k++) {
            if (!h.get(k).sameAs(hx.get(k))) {
                return false;
            }
        }
        return true;
    }

    static List<FileMetadata.HxArray> hxOf(Fragment f) {
        NDList state = f.hx();
        if (state == null) {
            return List.of();
        }
        List<FileMetadata.HxArray> out = new ArrayList<>(state.size());
        for (NDArray a : state) {
            out.add(new FileMetadata.HxArray(TypedArrays.elementType(a.getDataType()), a.getShape().getShape()));
        }
        return out;
    }

    /**
     * Checks what the row layout assumes of a fragment: truncations are episode ends, and the
     * episode list names records 1..T of envs of the fragment with {@code fin} set.
     *
     * @throws IllegalArgumentException naming the first violation
     */
    static void check(Fragment f) {
        int n = f.numEnvs();
        boolean[] fin = f.fin();
        boolean[] trunc = f.trunc();
        for (int i = 0; i < fin.length; i++) {
            if (trunc[i] && !fin[i]) {
                throw new IllegalArgumentException("fragment " + f.sequence() + ": env " + i % n + " is truncated at record "
                        + i / n + " without an episode end (trunc must imply fin)");
            }
        }
        Episodes e = f.episodes();
        for (int i = 0; i < e.count(); i++) {
            int env = e.env(i);
            int record = e.record(i);
            if (env < 0 || env >= n || record < 1 || record > f.length() || !f.fin(record, env)) {
                throw new IllegalArgumentException("fragment " + f.sequence() + ": episode " + i + " ends at env " + env
                        + ", record " + record + ", where no episode end is recorded");
            }
        }
        if (f.hx() != null) {
            for (NDArray a : f.hx()) {
                if (a.getShape().dimension() < 2 || a.getShape().get(1) != n) {
                    throw new IllegalArgumentException("fragment " + f.sequence() + ": hx array of shape " + a.getShape()
                            + " is not batched in dim 1 (N=" + n + ")");
                }
            }
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("recording needs a little-endian machine");
        }
    }

    /**
     * Writes {@code f} (of this encoder's layout, already {@linkplain #check checked}) into
     * {@code pages} as one row group.
     *
     * @param episodeIds the {@code episode_id} of every row
     */
    void encode(Fragment f, long[] episodeIds, PageWriteStore pages) throws IOException {
        if (f.hx() != null && hx.isEmpty()) {
            hx = hxOf(f);
        }
        java.util.Arrays.fill(endAt, -1);
        Episodes e = f.episodes();
        for (int i = 0; i < e.count(); i++) {
            endAt[e.env(i) * length + e.record(i) - 1] = i;
        }
        for (int k = 0; k < columns.size(); k++) {
            Col c = columns.get(k);
            ColumnDescriptor d = descriptors.get(k);
            write(f, c, d, pages.getPageWriter(d), episodeIds);
        }
    }

    private void write(Fragment f, Col c, ColumnDescriptor d, PageWriter pw, long[] episodeIds) throws IOException {
        switch (c.kind()) {
            case EPISODE_ID: runs(d, pw, episodeIds); break;
            case STEP: records(f.column("stepno"), 0, d, pw); break;
            case OBS: records(f.column("obs"), 0, d, pw); break;
            case ACT: records(f.column("act"), 1, d, pw); break;
            case REW: records(f.column("rew"), 1, d, pw); break;
            case TERMINATED: {
                for (int j = 0; j < numEnvs; j++) {
                    for (int t = 0; t < length; t++) {
                        int i = f.index(t + 1, j);
                        flags[j * length + t] = f.fin()[i] && !f.trunc()[i];
                    }
                }
                booleans(d, pw, flags);
                break;
            }
            case TRUNCATED: records(f.column("trunc"), 1, d, pw); break;
            case FINAL_OBS: {
                Column fo = f.column("finalObs");
                for (int j = 0; j < numEnvs; j++) {
                    for (int t = 0; t < length; t++) {
                        present[j * length + t] = endAt[j * length + t] >= 0 || !zero(fo, t + 1, j);
                    }
                }
                optionalRecords(fo, 1, present, d, pw);
                break;
            }
            case ENV_INFO: {
                float[] info = f.envInfo();
                int keys = f.spec().envInfoKeys().size();
                float[] values = new float[rows];
                for (int j = 0; j < numEnvs; j++) {
                    for (int t = 0; t < length; t++) {
                        values[j * length + t] = info[(t * numEnvs + j) * keys + c.index()];
                    }
                }
                plainPage(d, pw, ElementType.FLOAT32, values, rows, null, 0);
                break;
            }
            case ACTOR: records(f.actorInfo().get(c.index()), 0, d, pw); break;
            case EPISODE_RETURN: case EPISODE_LENGTH: case EPISODE_ORDER: {
                int ended = 0;
                for (int r = 0; r < rows; r++) {
                    present[r] = endAt[r] >= 0;
                    ended += present[r] ? 1 : 0;
                }
                Object values;
                if (c.kind() == StepColumns.Kind.EPISODE_RETURN) {
                    double[] v = new double[ended];
                    for (int r = 0, k = 0; r < rows; r++) {
                        if (present[r]) {
                            v[k++] = e(f).episodeReturn(endAt[r]);
                        }
                    }
                    values = v;
                } else {
                    int[] v = new int[ended];
                    for (int r = 0, k = 0; r < rows; r++) {
                        if (present[r]) {
                            v[k++] = c.kind() == StepColumns.Kind.EPISODE_LENGTH ? e(f).length(endAt[r]) : endAt[r];
                        }
                    }
                    values = v;
                }
                optionalPage(d, pw, c.type(), present, values, ended, 1);
                break;
            }
            case ACTOR_VERSION: constant(d, pw, f.actorVersion()); break;
            case FRAGMENT: constant(d, pw, f.sequence()); break;
            case COLLECTOR: constant(d, pw, f.collector()); break;
            case ENV: {
                for (int j = 0; j < numEnvs; j++) {
                    java.util.Arrays.fill(longs, j * length, (j + 1) * length, (long) f.envOffset() + j);
                }
                runs(d, pw, longs);
                break;
            }
            case PADDING: {
                for (int j = 0; j < numEnvs; j++) {
                    for (int t = 0; t < length; t++) {
                        int r = j * length + t;
                        flags[r] = f.fin(t + 1, j) && endAt[r] < 0;
                    }
                }
                booleans(d, pw, flags);
                break;
            }
            case START_ACT: boundary(f.column("act"), 0, true, d, pw); break;
            case START_REW: boundary(f.column("rew"), 0, true, d, pw); break;
            case START_DONE: boundary(f.column("fin"), 0, true, d, pw); break;
            case START_TRUNC: boundary(f.column("trunc"), 0, true, d, pw); break;
            case START_FINAL_OBS: boundary(f.column("finalObs"), 0, true, d, pw); break;
            case END_OBS: boundary(f.column("obs"), length, false, d, pw); break;
            case END_STEP: boundary(f.column("stepno"), length, false, d, pw); break;
            case END_ACTOR: boundary(f.actorInfo().get(c.index()), length, false, d, pw); break;
            case STATE_IN: stateIn(f, d, pw); break;
            default: throw new IllegalStateException("no mapping for column " + c.name());
        }
    }

    private static Episodes e(Fragment f) {
        return f.episodes();
    }

    private static boolean zero(Column c, int t, int j) {
        int at = c.offset(t, j);
        Object a = c.array();
        for (int i = 0; i < c.width(); i++) {
            switch (c.type()) {
                case FLOAT32: if (Float.floatToRawIntBits(((float[]) a)[at + i]) != 0) return false; break;
                case FLOAT64: if (Double.doubleToRawLongBits(((double[]) a)[at + i]) != 0) return false; break;
                case INT32: if (((int[]) a)[at + i] != 0) return false; break;
                case INT64: if (((long[]) a)[at + i] != 0) return false; break;
                case BOOL: if (((boolean[]) a)[at + i]) return false; break;
                default: if (((byte[]) a)[at + i] != 0) return false; break;
            }
        }
        return true;
    }

    /** Rows t = 0..T-1 of each env from records t + shift of {@code c}, env-major, as a required column. */
    private void records(Column c, int shift, ColumnDescriptor d, PageWriter pw) throws IOException {
        int w = c.width();
        Object values = c.type().allocate(rows * w);
        gather(c, shift, values);
        byte[] levels = d.getMaxRepetitionLevel() > 0 ? requiredLevels(w) : null;
        if (c.type() == ElementType.BOOL) {
            plain.clear();
            if (levels != null) {
                plain.put(BytesInput.from(levels));
            }
            PlainBuffer bits = new PlainBuffer();
            bits.putBooleans((boolean[]) values, 0, rows * w);
            plain.put(bits.bytes());
            pw.writePage(plain.bytes(), rows * w, rows, Statistics.createStats(d.getPrimitiveType()), Encoding.RLE,
                    Encoding.RLE, Encoding.PLAIN);
            return;
        }
        plainPage(d, pw, c.type(), values, rows * w, levels, w);
    }

    private void gather(Column c, int shift, Object dst) {
        int w = c.width();
        for (int j = 0; j < numEnvs; j++) {
            for (int t = 0; t < length; t++) {
                System.arraycopy(c.array(), c.offset(t + shift, j), dst, (j * length + t) * w, w);
            }
        }
    }

    /** An optional column holding records t + shift of {@code c} where {@code present}. */
    private void optionalRecords(Column c, int shift, boolean[] present, ColumnDescriptor d, PageWriter pw)
            throws IOException {
        int w = c.width();
        int count = 0;
        for (boolean p : present) {
            count += p ? 1 : 0;
        }
        Object values = c.type().allocate(count * w);
        for (int j = 0, k = 0; j < numEnvs; j++) {
            for (int t = 0; t < length; t++) {
                if (present[j * length + t]) {
                    System.arraycopy(c.array(), c.offset(t + shift, j), values, k++ * w, w);
                }
            }
        }
        optionalPage(d, pw, c.type(), present, values, count, w);
    }

    /** An optional column holding record {@code record} of {@code c} on each env's first (or last) row. */
    private void boundary(Column c, int record, boolean first, ColumnDescriptor d, PageWriter pw) throws IOException {
        int w = c.width();
        java.util.Arrays.fill(present, false);
        Object values = c.type().allocate(numEnvs * w);
        for (int j = 0; j < numEnvs; j++) {
            present[j * length + (first ? 0 : length - 1)] = true;
            System.arraycopy(c.array(), c.offset(record, j), values, j * w, w);
        }
        optionalPage(d, pw, c.type(), present, values, numEnvs, w);
    }

    private void stateIn(Fragment f, ColumnDescriptor d, PageWriter pw) throws IOException {
        java.util.Arrays.fill(present, false);
        NDList state = f.hx();
        Statistics<?> stats = Statistics.createStats(d.getPrimitiveType());
        RunLengthBitPackingHybridValuesWriter dl = levelWriter(1);
        plain.clear();
        int count = 0;
        if (state != null) {
            ByteBuffer[] data = new ByteBuffer[state.size()];
            long[] perEnvBytes = new long[state.size()];
            for (int k = 0; k < data.length; k++) {
                NDArray a = state.get(k);
                data[k] = a.toByteBuffer(true).order(ByteOrder.nativeOrder());
                FileMetadata.HxArray spec = hx.get(k);
                perEnvBytes[k] = spec.perEnv() / spec.shape()[0] * spec.type().bytes();
            }
            for (int j = 0; j < numEnvs; j++) {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                for (int k = 0; k < data.length; k++) {
                    long layers = hx.get(k).shape()[0];
                    int slice = (int) perEnvBytes[k];
                    byte[] chunk = new byte[slice];
                    for (long l = 0; l < layers; l++) {
                        ByteBuffer b = data[k].duplicate();
                        b.position((int) ((l * numEnvs + j) * slice));
                        b.get(chunk);
                        bytes.write(chunk, 0, slice);
                    }
                }
                plain.putBinary(bytes.toByteArray());
                present[j * length] = true;
                count++;
            }
        }
        for (int r = 0; r < rows; r++) {
            dl.writeInteger(present[r] ? 1 : 0);
        }
        stats.incrementNumNulls(rows - count);
        BytesInput page = BytesInput.concat(dl.getBytes(), plain.bytes());
        pw.writePage(page, rows, rows, stats, Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
        dl.close();
    }

    private void booleans(ColumnDescriptor d, PageWriter pw, boolean[] values) throws IOException {
        plain.clear().putBooleans(values, 0, rows);
        pw.writePage(plain.bytes(), rows, rows, Statistics.createStats(d.getPrimitiveType()), Encoding.RLE, Encoding.RLE,
                Encoding.PLAIN);
    }

    /** A required column: its levels (for lists; null for scalars) and {@code count} PLAIN values. */
    private void plainPage(ColumnDescriptor d, PageWriter pw, ElementType type, Object values, int count, byte[] levels,
                           int width) throws IOException {
        plain.clear();
        if (levels != null) {
            plain.put(BytesInput.from(levels));
        }
        plain.put(type, values, 0, count);
        Statistics<?> stats = Statistics.createStats(d.getPrimitiveType());
        if (levels == null) {
            minMax(stats, type, values, count);
        }
        pw.writePage(plain.bytes(), count, rows, stats, Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
    }

    private static void minMax(Statistics<?> stats, ElementType type, Object values, int count) {
        if (count == 0) {
            return;
        }
        if (type == ElementType.INT32) {
            int[] v = (int[]) values;
            int min = Integer.MAX_VALUE;
            int max = Integer.MIN_VALUE;
            for (int i = 0; i < count; i++) {
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
            }
            stats.updateStats(min);
            stats.updateStats(max);
        } else if (type == ElementType.INT64) {
            long[] v = (long[]) values;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < count; i++) {
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
            }
            stats.updateStats(min);
            stats.updateStats(max);
        }
    }

    /** The rl and dl bytes (each length-prefixed) of a required list column of {@code width} elements per row. */
    private byte[] requiredLevels(int width) throws IOException {
        byte[] cached = requiredListLevels.get(width);
        if (cached == null) {
            RunLengthBitPackingHybridValuesWriter rl = levelWriter(1);
            RunLengthBitPackingHybridValuesWriter dl = levelWriter(1);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < width; i++) {
                    rl.writeInteger(i == 0 ? 0 : 1);
                    dl.writeInteger(1);
                }
            }
            cached = BytesInput.concat(rl.getBytes(), dl.getBytes()).toByteArray();
            rl.close();
            dl.close();
            requiredListLevels.put(width, cached);
        }
        return cached;
    }

    /**
     * An optional scalar or list column: {@code count} present rows, whose {@code count * width}
     * values are packed in {@code values}.
     */
    private void optionalPage(ColumnDescriptor d, PageWriter pw, ElementType type, boolean[] present, Object values,
                              int count, int width) throws IOException {
        boolean list = d.getMaxRepetitionLevel() > 0;
        int maxDl = d.getMaxDefinitionLevel();
        RunLengthBitPackingHybridValuesWriter rl = list ? levelWriter(1) : null;
        RunLengthBitPackingHybridValuesWriter dl = levelWriter(BytesUtils.getWidthFromMaxInt(maxDl));
        int entries = 0;
        for (int r = 0; r < rows; r++) {
            if (!present[r]) {
                if (list) {
                    rl.writeInteger(0);
                }
                dl.writeInteger(0);
                entries++;
            } else {
                for (int i = 0; i < width; i++) {
                    if (list) {
                        rl.writeInteger(i == 0 ? 0 : 1);
                    }
                    dl.writeInteger(maxDl);
                    entries++;
                }
            }
        }
        plain.clear();
        if (list) {
            plain.put(rl.getBytes());
        }
        plain.put(dl.getBytes());
        if (type == ElementType.BOOL) {
            PlainBuffer bits = new PlainBuffer();
            bits.putBooleans((boolean[]) values, 0, count * width);
            plain.put(bits.bytes());
        } else {
            plain.put(type, values, 0, count * width);
        }
        Statistics<?> stats = Statistics.createStats(d.getPrimitiveType());
        stats.incrementNumNulls(rows - count);
        if (!list) {
            minMax(stats, type, values, count);
        }
        pw.writePage(plain.bytes(), entries, rows, stats, Encoding.RLE, Encoding.RLE, Encoding.PLAIN);
        if (rl != null) {
            rl.close();
        }
        dl.close();
    }

    /** A column equal to {@code value} on every row: a one-entry dictionary and one RLE run of index 0. */
    private void constant(ColumnDescriptor d, PageWriter pw, long value) throws IOException {
        java.util.Arrays.fill(longs, value);
        runs(d, pw, longs);
    }

    /**
     * A dictionary-encoded INT32/INT64 column whose dictionary holds the value of each run of equal
     * consecutive values (a value may occur in several entries; readers only map indices to values).
     */
    private void runs(ColumnDescriptor d, PageWriter pw, long[] values) throws IOException {
        boolean int32 = d.getPrimitiveType().getPrimitiveTypeName()
                == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
        int[] index = new int[rows];
        long[] dictionary = new long[rows];
        int size = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int r = 0; r < rows; r++) {
            long v = values[r];
            if (size == 0 || dictionary[size - 1] != v) {
                dictionary[size++] = v;
            }
            index[r] = size - 1;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        PlainBuffer dict = new PlainBuffer();
        if (int32) {
            int[] narrow = new int[size];
            for (int i = 0; i < size; i++) {
                narrow[i] = Math.toIntExact(dictionary[i]);
            }
            dict.put(ElementType.INT32, narrow, 0, size);
        } else {
            dict.put(ElementType.INT64, dictionary, 0, size);
        }
        pw.writeDictionaryPage(new DictionaryPage(BytesInput.copy(dict.bytes()), size, Encoding.PLAIN_DICTIONARY));
        int bitWidth = BytesUtils.getWidthFromMaxInt(size - 1);
        RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(bitWidth, 1024, 1 << 20,
                HeapByteBufferAllocator.getInstance());
        for (int r = 0; r < rows; r++) {
            encoder.writeInt(index[r]);
        }
        plain.clear().putByte(bitWidth);
        plain.put(encoder.toBytes());
        encoder.close();
        Statistics<?> stats = Statistics.createStats(d.getPrimitiveType());
        if (int32) {
            stats.updateStats((int) min);
            stats.updateStats((int) max);
        } else {
            stats.updateStats(min);
            stats.updateStats(max);
        }
        pw.writePage(plain.bytes(), rows, rows, stats, Encoding.RLE, Encoding.RLE, Encoding.PLAIN_DICTIONARY);
    }

    private RunLengthBitPackingHybridValuesWriter levelWriter(int bitWidth) {
        return new RunLengthBitPackingHybridValuesWriter(bitWidth, 1024, 1 << 20, HeapByteBufferAllocator.getInstance());
    }
}
