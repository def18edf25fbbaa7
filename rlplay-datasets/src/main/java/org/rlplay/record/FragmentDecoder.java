package org.rlplay.record;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.MessageType;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.TypedArrays;
import org.rlplay.record.StepColumns.Col;
import org.rlplay.record.StepColumns.Kind;

/**
 * Reads one row group of a dataset file back into a fragment, the inverse of
 * {@link FragmentEncoder}: every column through parquet-java's column readers (so any encoding a
 * file may use is read), every value checked against the layout (row count, list widths, boundary
 * values present once per env, metadata columns equal to the footer's). A mismatch is a
 * {@link DatasetException} naming the file, the row group and the column.
 *
 * <p>One per reader; used by one thread.
 */
final class FragmentDecoder {
    private final Layout layout;
    private final MessageType schema;
    private final List<Col> columns;
    private final int length;
    private final int numEnvs;
    private final int rows;
    private final int[] episodeRecord;
    private final double[] episodeReturn;
    private final int[] episodeLength;
    private final int[] episodeOrder;
    private final boolean[] term;
    private final boolean[] trunc;
    private long consumed;

    FragmentDecoder(Layout layout) {
        this.layout = layout;
        this.schema = StepColumns.schema(layout);
        this.columns = StepColumns.columns(layout);
        this.length = layout.spec().length();
        this.numEnvs = layout.spec().numEnvs();
        this.rows = length * numEnvs;
        this.episodeRecord = new int[rows];
        this.episodeReturn = new double[rows];
        this.episodeLength = new int[rows];
        this.episodeOrder = new int[rows];
        this.term = new boolean[rows];
        this.trunc = new boolean[rows];
    }

    /**
     * Reads {@code rowGroup} (row group {@code index} of {@code file}, described by {@code meta}) into
     * {@code dst}, whose spec is the layout's.
     */
    void decode(Path file, int index, PageReadStore rowGroup, FileMetadata fileMeta, FileMetadata.FragmentMeta meta,
                FragmentWriter dst) {
        String where = "row group " + index;
        if (rowGroup.getRowCount() != rows) {
            throw new DatasetException(file, where + " has " + rowGroup.getRowCount() + " rows, a fragment of T="
                    + length + " and N=" + numEnvs + " has " + rows);
        }
        Fragment f = dst.fragment();
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(rowGroup,
                new GroupRecordConverter(schema).getRootConverter(), schema, "rlplay");
        List<ColumnDescriptor> descriptors = schema.getColumns();
        Arrays.fill(episodeRecord, -1);
        byte[][] state = meta.hasHx() ? new byte[numEnvs][] : null;
        for (int k = 0; k < columns.size(); k++) {
            Col c = columns.get(k);
            ColumnDescriptor d = descriptors.get(k);
            try {
                ColumnReader reader = store.getColumnReader(d);
                consumed = 0;
                read(f, dst, c, d, reader, meta, state);
                if (consumed != reader.getTotalValueCount()) {
                    throw new Corrupt("holds " + reader.getTotalValueCount() + " values, the layout accounts for "
                            + consumed);
                }
            } catch (ParquetDecodingException | IllegalArgumentException | IllegalStateException
                     | ArrayIndexOutOfBoundsException e) {
                throw new DatasetException(file, where + ", column '" + c.name() + "': " + e.getMessage(), e);
            } catch (Corrupt e) {
                throw new DatasetException(file, where + ", column '" + c.name() + "': " + e.getMessage());
            }
        }
        boolean[] fin = f.fin();
        boolean[] tr = f.trunc();
        for (int j = 0; j < numEnvs; j++) {
            for (int t = 0; t < length; t++) {
                int r = j * length + t;
                int i = f.index(t + 1, j);
                tr[i] = trunc[r];
                fin[i] = term[r] || trunc[r];
            }
        }
        dst.clearEpisodes();
        int count = 0;
        int[] byOrder = new int[meta.episodes()];
        Arrays.fill(byOrder, -1);
        for (int r = 0; r < rows; r++) {
            if (episodeRecord[r] >= 0) {
                int o = episodeOrder[r];
                if (o < 0 || o >= byOrder.length || byOrder[o] >= 0) {
                    throw new DatasetException(file, where + ": episode_order " + o + " at row " + r
                            + " is out of range or repeated (the footer lists " + meta.episodes() + " episodes)");
                }
                byOrder[o] = r;
                count++;
            }
        }
        if (count != meta.episodes()) {
            throw new DatasetException(file, where + " ends " + count + " episodes, the footer lists " + meta.episodes());
        }
        for (int r : byOrder) {
            int j = r / length;
            int record = episodeRecord[r];
            dst.addEpisode(j, record, episodeReturn[r], episodeLength[r], f.trunc(record, j));
        }
        dst.setMeta(meta.sequence(), meta.actorVersion(), meta.collector(), meta.envOffset());
        setHx(file, where, dst, fileMeta, state);
    }

    private void setHx(Path file, String where, FragmentWriter dst, FileMetadata fileMeta, byte[][] state) {
        if (state == null) {
            dst.setHx(null);
            return;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDList hx = new NDList(fileMeta.hx().size());
            long[] offsets = new long[numEnvs];
            for (FileMetadata.HxArray a : fileMeta.hx()) {
                long[] shape = a.shape();
                if (shape.length < 2 || shape[1] != numEnvs) {
                    throw new DatasetException(file, "footer hx shape " + Arrays.toString(shape) + " is not batched in dim 1");
                }
                int item = a.type().bytes();
                int slice = (int) (a.perEnv() / shape[0]) * item;
                ByteBuffer full = ByteBuffer.allocateDirect((int) (a.perEnv() * numEnvs * item)).order(ByteOrder.nativeOrder());
                for (int j = 0; j < numEnvs; j++) {
                    for (long l = 0; l < shape[0]; l++) {
                        int from = (int) offsets[j];
                        if (from + slice > state[j].length) {
                            throw new DatasetException(file, where + ": state_in of env " + j + " holds " + state[j].length
                                    + " bytes, fewer than the footer's hx arrays need");
                        }
                        full.position((int) ((l * numEnvs + j) * slice));
                        full.put(state[j], from, slice);
                        offsets[j] += slice;
                    }
                }
                full.clear();
                NDArray array = m.create(full, new Shape(shape), TypedArrays.dataType(a.type()));
                hx.add(array);
            }
            for (int j = 0; j < numEnvs; j++) {
                if (offsets[j] != state[j].length) {
                    throw new DatasetException(file, where + ": state_in of env " + j + " holds " + state[j].length
                            + " bytes, the footer's hx arrays need " + offsets[j]);
                }
            }
            dst.setHx(hx);
        }
    }

    /** A value that contradicts the layout. */
    private static final class Corrupt extends Exception {
        private static final long serialVersionUID = 1L;

        Corrupt(String message) {
            super(message, null, false, false);
        }
    }

    private void read(Fragment f, FragmentWriter dst, Col c, ColumnDescriptor d, ColumnReader r,
                      FileMetadata.FragmentMeta meta, byte[][] state) throws Corrupt {
        switch (c.kind()) {
            case EPISODE_ID: skip(r, d); break;
            case STEP: records(r, d, f.column("stepno"), 0); break;
            case OBS: records(r, d, f.column("obs"), 0); break;
            case ACT: records(r, d, f.column("act"), 1); break;
            case REW: records(r, d, f.column("rew"), 1); break;
            case TERMINATED: scalarsTo(r, d, term); break;
            case TRUNCATED: scalarsTo(r, d, trunc); break;
            case FINAL_OBS: optionalRecords(r, d, f.column("finalObs"), 1); break;
            case ENV_INFO: {
                float[] info = f.envInfo();
                int keys = f.spec().envInfoKeys().size();
                for (int j = 0; j < numEnvs; j++) {
                    for (int t = 0; t < length; t++) {
                        requireValue(r, d, j * length + t);
                        info[(t * numEnvs + j) * keys + c.index()] = r.getFloat();
                        consume(r);
                    }
                }
                break;
            }
            case ACTOR: records(r, d, dst.actorInfoColumn(layout.actorInfo().get(c.index())), 0); break;
            case EPISODE_RETURN: case EPISODE_LENGTH: case EPISODE_ORDER: episodes(r, d, c.kind()); break;
            case ACTOR_VERSION: constant(r, d, meta.actorVersion()); break;
            case FRAGMENT: constant(r, d, meta.sequence()); break;
            case COLLECTOR: constant(r, d, meta.collector()); break;
            case ENV: {
                for (int j = 0; j < numEnvs; j++) {
                    for (int t = 0; t < length; t++) {
                        requireValue(r, d, j * length + t);
                        if (r.getInteger() != meta.envOffset() + j) {
                            throw new Corrupt("row " + (j * length + t) + " has env " + r.getInteger() + ", the footer's env"
                                    + " offset " + meta.envOffset() + " makes it " + (meta.envOffset() + j));
                        }
                        consume(r);
                    }
                }
                break;
            }
            case RECORD: {
                for (int row = 0; row < rows; row++) {
                    requireValue(r, d, row);
                    if (r.getInteger() != row % length) {
                        throw new Corrupt("row " + row + " holds record " + r.getInteger() + ", rows are env-major so it is "
                                + row % length);
                    }
                    consume(r);
                }
                break;
            }
            case PADDING: skip(r, d); break;
            case START_ACT: boundary(r, d, f.column("act"), 0, true); break;
            case START_REW: boundary(r, d, f.column("rew"), 0, true); break;
            case START_DONE: boundary(r, d, f.column("fin"), 0, true); break;
            case START_TRUNC: boundary(r, d, f.column("trunc"), 0, true); break;
            case START_FINAL_OBS: boundary(r, d, f.column("finalObs"), 0, true); break;
            case END_OBS: boundary(r, d, f.column("obs"), length, false); break;
            case END_STEP: boundary(r, d, f.column("stepno"), length, false); break;
            case END_ACTOR: boundary(r, d, dst.actorInfoColumn(layout.actorInfo().get(c.index())), length, false); break;
            case STATE_IN: stateIn(r, d, state); break;
            default: throw new IllegalStateException("no mapping for column " + c.name());
        }
    }

    private static void requireValue(ColumnReader r, ColumnDescriptor d, int row) throws Corrupt {
        if (r.getCurrentDefinitionLevel() != d.getMaxDefinitionLevel()) {
            throw new Corrupt("row " + row + " is null in a required column");
        }
    }

    private void skip(ColumnReader r, ColumnDescriptor d) {
        for (long i = r.getTotalValueCount(); i > 0; i--) {
            r.skip();
            consume(r);
        }
    }

    /** Reads {@code width} elements of one present row into {@code c} at record t, env j. */
    /** Moves {@code r} to its next value, counting the values consumed. */
    private void consume(ColumnReader r) {
        r.consume();
        consumed++;
    }

    private void element(ColumnReader r, ColumnDescriptor d, Column c, int t, int j, int row) throws Corrupt {
        int w = c.width();
        boolean list = d.getMaxRepetitionLevel() > 0;
        int at = c.offset(t, j);
        if (list && r.getCurrentRepetitionLevel() != 0) {
            throw new Corrupt("row " + (row - 1) + " has more than " + w + " elements");
        }
        for (int i = 0; i < w; i++) {
            if (i > 0 && list && r.getCurrentRepetitionLevel() != 1) {
                throw new Corrupt("row " + row + " has " + i + " elements, expected " + w);
            }
            if (r.getCurrentDefinitionLevel() != d.getMaxDefinitionLevel()) {
                throw new Corrupt("row " + row + " has a null element");
            }
            put(r, c.type(), c.array(), at + i, row);
            consume(r);
        }
    }

    private static void put(ColumnReader r, ElementType type, Object array, int at, int row) throws Corrupt {
        switch (type) {
            case BOOL: ((boolean[]) array)[at] = r.getBoolean(); break;
            case UINT8: {
                int v = r.getInteger();
                if (v < 0 || v > 255) {
                    throw new Corrupt("row " + row + " holds " + v + ", not a uint8");
                }
                ((byte[]) array)[at] = (byte) v;
                break;
            }
            case INT8: {
                int v = r.getInteger();
                if (v < -128 || v > 127) {
                    throw new Corrupt("row " + row + " holds " + v + ", not an int8");
                }
                ((byte[]) array)[at] = (byte) v;
                break;
            }
            case INT32: ((int[]) array)[at] = r.getInteger(); break;
            case INT64: ((long[]) array)[at] = r.getLong(); break;
            case FLOAT32: ((float[]) array)[at] = r.getFloat(); break;
            default: ((double[]) array)[at] = r.getDouble(); break;
        }
    }

    private void records(ColumnReader r, ColumnDescriptor d, Column c, int shift) throws Corrupt {
        for (int j = 0; j < numEnvs; j++) {
            for (int t = 0; t < length; t++) {
                element(r, d, c, t + shift, j, j * length + t);
            }
        }
    }

    private void scalarsTo(ColumnReader r, ColumnDescriptor d, boolean[] dst) throws Corrupt {
        for (int row = 0; row < rows; row++) {
            requireValue(r, d, row);
            dst[row] = r.getBoolean();
            consume(r);
        }
    }

    /** An optional column of records t + shift: present rows are read, null rows become zero. */
    private void optionalRecords(ColumnReader r, ColumnDescriptor d, Column c, int shift) throws Corrupt {
        for (int j = 0; j < numEnvs; j++) {
            for (int t = 0; t < length; t++) {
                int row = j * length + t;
                if (r.getCurrentDefinitionLevel() == 0) {
                    int at = c.offset(t + shift, j);
                    c.type().clear(c.array(), at, at + c.width());
                    consume(r);
                } else {
                    element(r, d, c, t + shift, j, row);
                }
            }
        }
    }

    /** A column present only on each env's first (or last) row, holding record {@code record} of {@code c}. */
    private void boundary(ColumnReader r, ColumnDescriptor d, Column c, int record, boolean first) throws Corrupt {
        for (int j = 0; j < numEnvs; j++) {
            for (int t = 0; t < length; t++) {
                int row = j * length + t;
                boolean expected = t == (first ? 0 : length - 1);
                boolean isNull = r.getCurrentDefinitionLevel() == 0;
                if (expected == isNull) {
                    throw new Corrupt("row " + row + " is " + (isNull ? "null" : "set") + "; the column is set on each env's "
                            + (first ? "first" : "last") + " row of a fragment only");
                }
                if (isNull) {
                    consume(r);
                } else {
                    element(r, d, c, record, j, row);
                }
            }
        }
    }

    private void episodes(ColumnReader r, ColumnDescriptor d, Kind kind) throws Corrupt {
        for (int row = 0; row < rows; row++) {
            boolean isNull = r.getCurrentDefinitionLevel() == 0;
            if (kind == Kind.EPISODE_RETURN) {
                episodeRecord[row] = isNull ? -1 : row % length + 1;
                if (!isNull) {
                    episodeReturn[row] = r.getDouble();
                }
            } else if (isNull != (episodeRecord[row] < 0)) {
                throw new Corrupt("row " + row + ": " + (isNull ? "null" : "set") + " where episode_return is "
                        + (isNull ? "set" : "null"));
            } else if (!isNull) {
                if (kind == Kind.EPISODE_LENGTH) {
                    episodeLength[row] = r.getInteger();
                } else {
                    episodeOrder[row] = r.getInteger();
                }
            }
            consume(r);
        }
    }

    private void constant(ColumnReader r, ColumnDescriptor d, long expected) throws Corrupt {
        boolean int32 = d.getPrimitiveType().getPrimitiveTypeName()
                == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
        for (int row = 0; row < rows; row++) {
            requireValue(r, d, row);
            long v = int32 ? r.getInteger() : r.getLong();
            if (v != expected) {
                throw new Corrupt("row " + row + " holds " + v + ", the footer says " + expected);
            }
            consume(r);
        }
    }

    private void stateIn(ColumnReader r, ColumnDescriptor d, byte[][] state) throws Corrupt {
        for (int j = 0; j < numEnvs; j++) {
            for (int t = 0; t < length; t++) {
                int row = j * length + t;
                boolean isNull = r.getCurrentDefinitionLevel() == 0;
                boolean expected = state != null && t == 0;
                if (expected == isNull) {
                    throw new Corrupt("row " + row + " is " + (isNull ? "null" : "set") + ", but the footer says the"
                            + " fragment " + (state != null ? "has" : "has no") + " hx (set on each env's first row)");
                }
                if (!isNull) {
                    state[j] = r.getBinary().getBytes();
                }
                consume(r);
            }
        }
    }
}
