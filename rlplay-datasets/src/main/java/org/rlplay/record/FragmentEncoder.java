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
 * env j's step from record t), through parquet-java's page writers: the library writes page headers,
 * checksums, compression, statistics and the footer; this class fills each page's values in bulk
 * from the fragment's primitive arrays instead of one library call per value, which is what keeps
 * recording cheap (README, "Datasets").
 *
 * <p>Encodings: PLAIN values (the format's little-endian bytes, {@link PlainBuffer}); levels and
 * dictionary indices as RLE runs ({@link RleRuns}), since they change rarely along a fragment;
 * dictionaries (PLAIN_DICTIONARY) for the columns that do ({@code episode_id}, {@code env},
 * {@code actor_version}, {@code fragment}, {@code collector}). Levels that depend only on T, N and
 * a column's width (required lists, the boundary columns) are encoded once. One data page per
 * column chunk, without page indexes.
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
    private PlainBuffer plain = new PlainBuffer();
    private final PlainBuffer dictionary = new PlainBuffer();
    private final RleRuns levels = new RleRuns();
    private final Map<Integer, byte[]> requiredListLevels = new HashMap<>();
    private final Map<String, byte[]> boundaryLevels = new HashMap<>();
    private final Map<ElementType, Object> scratch = new java.util.EnumMap<>(ElementType.class);
    private final long[] dictionaryLongs;
    private final int[] dictionaryInts;
    private final int[] endAt;
    private final int[] endRows;
    private int ends;
    private final PlainBuffer endLevelBuffer = new PlainBuffer();
    private PlainBuffer endLevels;
    private final boolean[] present;
    private final boolean[] flags;
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
        this.endRows = new int[rows];
        this.present = new boolean[rows];
        this.flags = new boolean[rows];
        this.dictionaryLongs = new long[rows];
        this.dictionaryInts = new int[rows];
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
        ends = e.count();
        for (int i = 0; i < ends; i++) {
            endRows[i] = e.env(i) * length + e.record(i) - 1;
            endAt[endRows[i]] = i;
        }
        java.util.Arrays.sort(endRows, 0, ends);
        endLevels = null;
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
                boolean[] fin = f.fin();
                boolean[] trunc = f.trunc();
                for (int j = 0; j < numEnvs; j++) {
                    for (int t = 0, i = numEnvs + j, r = j * length; t < length; t++, i += numEnvs, r++) {
                        flags[r] = fin[i] & !trunc[i];
                    }
                }
                booleans(d, pw, flags);
                break;
            }
            case TRUNCATED: records(f.column("trunc"), 1, d, pw); break;
            case FINAL_OBS: {
                Column fo = f.column("finalObs");
                nonZeroRows(fo, 1, present);
                for (int k = 0; k < ends; k++) {
                    present[endRows[k]] = true;
                }
                optionalRecords(fo, 1, present, d, pw);
                break;
            }
            case ENV_INFO: {
                float[] info = f.envInfo();
                int keys = f.spec().envInfoKeys().size();
                float[] values = (float[]) scratch(ElementType.FLOAT32, rows);
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
                Object values;
                if (c.kind() == StepColumns.Kind.EPISODE_RETURN) {
                    double[] v = (double[]) scratch(ElementType.FLOAT64, ends);
                    for (int k = 0; k < ends; k++) {
                        v[k] = e(f).episodeReturn(endAt[endRows[k]]);
                    }
                    values = v;
                } else {
                    int[] v = (int[]) scratch(ElementType.INT32, ends);
                    for (int k = 0; k < ends; k++) {
                        int i = endAt[endRows[k]];
                        v[k] = c.kind() == StepColumns.Kind.EPISODE_LENGTH ? e(f).length(i) : i;
                    }
                    values = v;
                }
                if (endLevels == null) {
                    java.util.Arrays.fill(present, false);
                    for (int k = 0; k < ends; k++) {
                        present[endRows[k]] = true;
                    }
                    PlainBuffer saved = plain;
                    plain = endLevelBuffer.clear();
                    optionalLevels(present, 1, false, 1);
                    endLevels = plain;
                    plain = saved;
                }
                optionalPage(d, pw, c.type(), null, values, ends, 1, endLevels);
                break;
            }
            case ACTOR_VERSION: constant(d, pw, f.actorVersion()); break;
            case FRAGMENT: constant(d, pw, f.sequence()); break;
            case COLLECTOR: constant(d, pw, f.collector()); break;
            case ENV: {
                levels.clear();
                for (int j = 0; j < numEnvs; j++) {
                    dictionaryInts[j] = f.envOffset() + j;
                    levels.add(j, length);
                }
                dictionaryPage(d, pw, dictionaryInts, null, numEnvs, f.envOffset(), f.envOffset() + numEnvs - 1L);
                break;
            }
            case RECORD: {
                int[] values = (int[]) scratch(ElementType.INT32, rows);
                for (int r = 0; r < rows; r++) {
                    values[r] = r % length;
                }
                plainPage(d, pw, ElementType.INT32, values, rows, null, 1);
                break;
            }
            case PADDING: {
                boolean[] fin = f.fin();
                for (int j = 0; j < numEnvs; j++) {
                    for (int t = 0, i = numEnvs + j, r = j * length; t < length; t++, i += numEnvs, r++) {
                        flags[r] = fin[i] & endAt[r] < 0;
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

    /** Sets {@code present[r]} for the rows whose record t + shift of {@code c} has a non-zero bit. */
    private void nonZeroRows(Column c, int shift, boolean[] present) {
        int w = c.width();
        if (c.array() instanceof float[] x) {
            int at = c.offset(shift, 0);
            for (int t = 0; t < length; t++) {
                for (int j = 0, r = t; j < numEnvs; j++, at += w, r += length) {
                    int bits = 0;
                    for (int i = 0; i < w; i++) {
                        bits |= Float.floatToRawIntBits(x[at + i]);
                    }
                    present[r] = bits != 0;
                }
            }
            return;
        }
        for (int j = 0; j < numEnvs; j++) {
            for (int t = 0; t < length; t++) {
                present[j * length + t] = !zero(c, t + shift, j);
            }
        }
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
        Object values = scratch(c.type(), rows * w);
        gather(c, shift, values);
        byte[] levels = d.getMaxRepetitionLevel() > 0 ? requiredLevels(w) : null;
        if (c.type() == ElementType.BOOL) {
            plain.clear();
            if (levels != null) {
                plain.put(BytesInput.from(levels));
            }
            plain.putBooleans((boolean[]) values, 0, rows * w);
            page(pw, plain.bytes(), rows * w, Statistics.createStats(d.getPrimitiveType()), Encoding.PLAIN);
            return;
        }
        plainPage(d, pw, c.type(), values, rows * w, levels, w);
    }

    private void gather(Column c, int shift, Object dst) {
        int w = c.width();
        Object src = c.array();
        int from = c.offset(shift, 0);
        // read the column in storage order (record, then env); each env's rows are T apart in dst
        switch (c.type()) {
            case FLOAT32: {
                float[] a = (float[]) src;
                float[] b = (float[]) dst;
                for (int t = 0; t < length; t++) {
                    for (int j = 0, to = t * w; j < numEnvs; j++, from += w, to += length * w) {
                        for (int i = 0; i < w; i++) {
                            b[to + i] = a[from + i];
                        }
                    }
                }
                break;
            }
            case INT32: {
                int[] a = (int[]) src;
                int[] b = (int[]) dst;
                for (int t = 0; t < length; t++) {
                    for (int j = 0, to = t * w; j < numEnvs; j++, from += w, to += length * w) {
                        for (int i = 0; i < w; i++) {
                            b[to + i] = a[from + i];
                        }
                    }
                }
                break;
            }
            case BOOL: {
                boolean[] a = (boolean[]) src;
                boolean[] b = (boolean[]) dst;
                for (int t = 0; t < length; t++) {
                    for (int j = 0, to = t * w; j < numEnvs; j++, from += w, to += length * w) {
                        for (int i = 0; i < w; i++) {
                            b[to + i] = a[from + i];
                        }
                    }
                }
                break;
            }
            default: {
                for (int t = 0; t < length; t++) {
                    for (int j = 0, to = t * w; j < numEnvs; j++, from += w, to += length * w) {
                        System.arraycopy(src, from, dst, to, w);
                    }
                }
                break;
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
        Object values = scratch(c.type(), count * w);
        for (int j = 0, k = 0; j < numEnvs; j++) {
            for (int t = 0; t < length; t++) {
                if (present[j * length + t]) {
                    System.arraycopy(c.array(), c.offset(t + shift, j), values, k++ * w, w);
                }
            }
        }
        optionalPage(d, pw, c.type(), present, values, count, w, null);
    }

    /** An optional column holding record {@code record} of {@code c} on each env's first (or last) row. */
    private void boundary(Column c, int record, boolean first, ColumnDescriptor d, PageWriter pw) throws IOException {
        int w = c.width();
        Object values = scratch(c.type(), numEnvs * w);
        for (int j = 0; j < numEnvs; j++) {
            System.arraycopy(c.array(), c.offset(record, j), values, j * w, w);
        }
        optionalPage(d, pw, c.type(), null, values, numEnvs, w, boundaryLevels(first, w, d));
    }

    private void stateIn(Fragment f, ColumnDescriptor d, PageWriter pw) throws IOException {
        NDList state = f.hx();
        Statistics<?> stats = Statistics.createStats(d.getPrimitiveType());
        plain.clear();
        int count = 0;
        if (state == null) {
            levels.clear().add(0, rows);
            levels.writeTo(plain, 1, true);
        } else {
            plain.put(BytesInput.from(boundaryLevels(true, 1, d)));
            ByteBuffer[] data = new ByteBuffer[state.size()];
            int[] slices = new int[state.size()];
            int perEnv = 0;
            for (int k = 0; k < data.length; k++) {
                data[k] = state.get(k).toByteBuffer(true).order(ByteOrder.nativeOrder());
                FileMetadata.HxArray spec = hx.get(k);
                slices[k] = (int) (spec.perEnv() / spec.shape()[0]) * spec.type().bytes();
                perEnv += slices[k] * (int) spec.shape()[0];
            }
            byte[] value = new byte[perEnv];
            for (int j = 0; j < numEnvs; j++) {
                int at = 0;
                for (int k = 0; k < data.length; k++) {
                    long layers = hx.get(k).shape()[0];
                    for (long l = 0; l < layers; l++) {
                        data[k].get((int) ((l * numEnvs + j) * slices[k]), value, at, slices[k]);
                        at += slices[k];
                    }
                }
                plain.putBinary(value);
                count++;
            }
        }
        stats.incrementNumNulls(rows - count);
        page(pw, plain.bytes(), rows, stats, Encoding.PLAIN);
    }

    private void booleans(ColumnDescriptor d, PageWriter pw, boolean[] values) throws IOException {
        plain.clear().putBooleans(values, 0, rows);
        page(pw, plain.bytes(), rows, Statistics.createStats(d.getPrimitiveType()), Encoding.PLAIN);
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
        page(pw, plain.bytes(), count, stats, Encoding.PLAIN);
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
     * values are packed in {@code values}; {@code cachedLevels}, if not null, holds the levels of this
     * presence pattern (boundary columns, whose pattern depends on T and N only).
     */
    private void optionalPage(ColumnDescriptor d, PageWriter pw, ElementType type, boolean[] present, Object values,
                              int count, int width, Object cachedLevels) throws IOException {
        boolean list = d.getMaxRepetitionLevel() > 0;
        plain.clear();
        if (cachedLevels instanceof byte[] bytes) {
            plain.put(BytesInput.from(bytes));
        } else if (cachedLevels instanceof PlainBuffer buffer) {
            plain.put(buffer.bytes());
        } else {
            optionalLevels(present, width, list, d.getMaxDefinitionLevel());
        }
        if (type == ElementType.BOOL) {
            plain.putBooleans((boolean[]) values, 0, count * width);
        } else {
            plain.put(type, values, 0, count * width);
        }
        Statistics<?> stats = Statistics.createStats(d.getPrimitiveType());
        stats.incrementNumNulls(rows - count);
        if (!list) {
            minMax(stats, type, values, count);
        }
        int entries = rows - count + count * width;
        page(pw, plain.bytes(), entries, stats, Encoding.PLAIN);
    }

    /** Appends the (length-prefixed) rl and dl runs of an optional column with rows {@code present}. */
    private void optionalLevels(boolean[] present, int width, boolean list, int maxDl) {
        if (list) {
            levels.clear();
            int absent = 0;
            for (int r = 0; r < rows; r++) {
                if (present[r]) {
                    levels.add(0, absent + 1);
                    levels.add(1, width - 1);
                    absent = 0;
                } else {
                    absent++;
                }
            }
            levels.add(0, absent);
            levels.writeTo(plain, 1, true);
        }
        levels.clear();
        int absent = 0;
        for (int r = 0; r < rows; r++) {
            if (present[r]) {
                levels.add(0, absent);
                levels.add(maxDl, width);
                absent = 0;
            } else {
                absent++;
            }
        }
        levels.add(0, absent);
        levels.writeTo(plain, BytesUtils.getWidthFromMaxInt(maxDl), true);
    }

    /** The levels of a boundary column (present on each env's first or last row only), encoded once. */
    private byte[] boundaryLevels(boolean first, int width, ColumnDescriptor d) {
        String key = (first ? "first/" : "last/") + width + "/" + d.getMaxRepetitionLevel() + "/" + d.getMaxDefinitionLevel();
        return boundaryLevels.computeIfAbsent(key, k -> {
            boolean[] p = new boolean[rows];
            for (int j = 0; j < numEnvs; j++) {
                p[j * length + (first ? 0 : length - 1)] = true;
            }
            PlainBuffer saved = plain;
            plain = new PlainBuffer();
            optionalLevels(p, width, d.getMaxRepetitionLevel() > 0, d.getMaxDefinitionLevel());
            byte[] bytes;
            try {
                bytes = plain.bytes().toByteArray();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            plain = saved;
            return bytes;
        });
    }

    /** A column equal to {@code value} on every row: a one-entry dictionary and one RLE run of index 0. */
    private void constant(ColumnDescriptor d, PageWriter pw, long value) throws IOException {
        levels.clear().add(0, rows);
        if (isInt32(d)) {
            dictionaryInts[0] = Math.toIntExact(value);
            dictionaryPage(d, pw, dictionaryInts, null, 1, value, value);
        } else {
            dictionaryLongs[0] = value;
            dictionaryPage(d, pw, null, dictionaryLongs, 1, value, value);
        }
    }

    private static boolean isInt32(ColumnDescriptor d) {
        return d.getPrimitiveType().getPrimitiveTypeName() == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
    }

    /**
     * A dictionary-encoded INT32/INT64 column whose dictionary holds the value of each run of equal
     * consecutive values (a value may occur in several entries; readers only map indices to values),
     * so the index page is one RLE run per dictionary entry.
     */
    private void runs(ColumnDescriptor d, PageWriter pw, long[] values) throws IOException {
        boolean int32 = isInt32(d);
        int size = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        levels.clear();
        int runStart = 0;
        for (int r = 1; r <= rows; r++) {
            if (r == rows || values[r] != values[r - 1]) {
                long v = values[runStart];
                if (int32) {
                    dictionaryInts[size] = Math.toIntExact(v);
                } else {
                    dictionaryLongs[size] = v;
                }
                levels.add(size++, r - runStart);
                min = Math.min(min, v);
                max = Math.max(max, v);
                runStart = r;
            }
        }
        dictionaryPage(d, pw, int32 ? dictionaryInts : null, int32 ? null : dictionaryLongs, size, min, max);
    }

    /** Writes the dictionary page of {@code size} entries and the index page of the runs in {@link #levels}. */
    private void dictionaryPage(ColumnDescriptor d, PageWriter pw, int[] ints, long[] longValues, int size, long min,
                                long max) throws IOException {
        PlainBuffer dict = dictionary.clear();
        if (ints != null) {
            dict.put(ElementType.INT32, ints, 0, size);
        } else {
            dict.put(ElementType.INT64, longValues, 0, size);
        }
        pw.writeDictionaryPage(new DictionaryPage(BytesInput.copy(dict.bytes()), size, Encoding.PLAIN_DICTIONARY));
        int bitWidth = BytesUtils.getWidthFromMaxInt(size - 1);
        plain.clear().putByte(bitWidth);
        levels.writeTo(plain, bitWidth, false);
        Statistics<?> stats = Statistics.createStats(d.getPrimitiveType());
        if (ints != null) {
            stats.updateStats((int) min);
            stats.updateStats((int) max);
        } else {
            stats.updateStats(min);
            stats.updateStats(max);
        }
        page(pw, plain.bytes(), rows, stats, Encoding.PLAIN_DICTIONARY);
    }

    /**
     * A reused array of {@code type} with at least {@code n} elements, valid until the next call for
     * the same type (each column's page is written before the next column's values are gathered).
     */
    private Object scratch(ElementType type, int n) {
        Object a = scratch.get(type);
        if (a == null || java.lang.reflect.Array.getLength(a) < n) {
            a = type.allocate(Math.max(n, rows));
            scratch.put(type, a);
        }
        return a;
    }

    /**
     * Writes one data page (v1, RLE levels). Each column chunk of a row group is one page, so page
     * indexes would repeat the chunk statistics: the page is written without them (parquet-java's
     * form of writePage without a row count), which keeps the footer small.
     */
    @SuppressWarnings("deprecation")
    private static void page(PageWriter pw, BytesInput bytes, int values, Statistics<?> stats, Encoding encoding)
            throws IOException {
        pw.writePage(bytes, values, stats, Encoding.RLE, Encoding.RLE, encoding);
    }

    private RunLengthBitPackingHybridValuesWriter levelWriter(int bitWidth) {
        return new RunLengthBitPackingHybridValuesWriter(bitWidth, 1024, 1 << 20, HeapByteBufferAllocator.getInstance());
    }
}
