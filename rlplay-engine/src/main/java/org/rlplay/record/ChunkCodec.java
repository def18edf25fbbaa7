package org.rlplay.record;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.TypedArrays;

/**
 * One fragment as one {@code .npz} chunk (a zip of uncompressed NPY arrays, what
 * {@code numpy.savez} writes), and back.
 *
 * <p>The arrays and their layout are listed in {@link Dataset}'s documentation; the fixed-shape ones
 * (all but hx, the metadata and the episodes) are the manifest's {@code fields}.
 *
 * <p>Writing assembles the whole zip in one reused direct buffer (see {@link #encode}), so a chunk
 * costs one pass to fill, one CRC-32 pass per member and one file write, and allocates only a few
 * small objects. An instance reuses its buffers: one per thread (the recorder's writer, a replay).
 */
final class ChunkCodec {
    static final String ACTOR_PREFIX = "actor.";
    static final String HX_PREFIX = "hx.";
    private static final String NPY = ".npy";
    private static final String[] META = {"sequence", "actor_version", "collector", "env_offset"};
    private static final String[] EPISODES = {"episodes.env", "episodes.record", "episodes.length",
        "episodes.return", "episodes.truncated"};
    private static final byte[][] META_NAMES = Arrays.stream(META).map(ChunkCodec::entryName).toArray(byte[][]::new);
    private static final byte[][] EPISODE_NAMES = Arrays.stream(EPISODES).map(ChunkCodec::entryName)
            .toArray(byte[][]::new);
    private static final byte[] SCALAR_I8_HEADER = npyHeader("<i8", new long[0]);
    /** The largest chunk (and array) a zip32 file with int offsets can hold. */
    private static final long MAX_CHUNK = Integer.MAX_VALUE - 8;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int END_SIGNATURE = 0x06054b50;
    private static final int LOCAL_HEADER = 30;
    private static final int CENTRAL_HEADER = 46;
    private static final int END_RECORD = 22;
    private static final short VERSION_STORED = 10;
    /** General purpose flag bit 11: the names are UTF-8. */
    private static final short FLAG_UTF8 = 0x0800;
    private static final short METHOD_STORED = 0;
    /** 1980-01-01 00:00, the zip epoch, as a DOS date: fixed so that equal fragments give byte-identical chunks. */
    private static final short DOS_DATE_1980 = (1 << 5) | 1;

    private final CRC32 crc = new CRC32();
    /** The chunk being encoded; grown on demand, so a codec that only reads never allocates it. */
    private ByteBuffer out = ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
    private int entries;
    private int[] entryOffsets = new int[32];
    private int[] entrySizes = new int[32];
    private int[] entryCrcs = new int[32];
    private byte[][] entryNames = new byte[32][];
    private Plan plan;

    /** The fixed-shape fields every chunk of {@code spec} has, before actor info and hx. */
    static List<FieldInfo> coreFields(FragmentSpec spec) {
        long records = spec.length() + 1L;
        long n = spec.numEnvs();
        List<FieldInfo> fields = new ArrayList<>();
        fields.add(new FieldInfo("stepno", "<i4", new long[] {records, n}));
        fields.add(new FieldInfo("obs", "<f4", shape(records, n, spec.observationSpace().shape())));
        fields.add(new FieldInfo("act", spec.actionSpace().isDiscrete() ? "<i4" : "<f4",
                shape(records, n, spec.actionSpace().shape())));
        fields.add(new FieldInfo("rew", "<f4", new long[] {records, n}));
        fields.add(new FieldInfo("fin", "|b1", new long[] {records, n}));
        fields.add(new FieldInfo("trunc", "|b1", new long[] {records, n}));
        if (spec.keepFinalObs()) {
            fields.add(new FieldInfo("final_obs", "<f4", shape(records, n, spec.observationSpace().shape())));
        }
        fields.add(new FieldInfo("env_info", "<f4", new long[] {spec.length(), n, spec.envInfoKeys().size()}));
        return fields;
    }

    private static long[] shape(long records, long n, int[] element) {
        long[] s = new long[element.length + 2];
        s[0] = records;
        s[1] = n;
        for (int i = 0; i < element.length; i++) {
            s[i + 2] = element[i];
        }
        return s;
    }

    /** The fixed-shape fields of fragment {@code f}: the core ones and its actor info columns. */
    static List<FieldInfo> fields(Fragment f) {
        List<FieldInfo> fields = coreFields(f.spec());
        for (Column c : f.actorInfo()) {
            fields.add(new FieldInfo(ACTOR_PREFIX + c.name(), Npy.descr(TypedArrays.dataType(c.type())),
                    shape(f.length() + 1L, f.numEnvs(), c.spec().shape())));
        }
        return fields;
    }

    // ---- writing --------------------------------------------------------------------------------

    /**
     * Encodes {@code f} as a complete npz (zip) file into this codec's reusable buffer and returns
     * it, positioned at 0 with the file's size as limit. The buffer is overwritten by the next call.
     *
     * <p>The zip is written directly (what {@code numpy.savez} and {@code ZipOutputStream} write for
     * uncompressed members: STORED entries with sizes and CRC-32 in the local headers, no data
     * descriptors, then the central directory), so that encoding allocates nothing per array.
     *
     * @throws IllegalArgumentException if an array or the whole chunk is too large for a zip32 file
     */
    ByteBuffer encode(Fragment f) {
        Plan p = plan(f);
        out.clear();
        entries = 0;
        for (int i = 0; i < p.fields.size(); i++) {
            begin(p.names[i], p.headers[i], p.dataBytes[i]);
            if (i < p.coreCount) {
                fillCore(f, p.fields.get(i).name());
            } else {
                Column c = f.actorInfo().get(i - p.coreCount);
                int n = c.rows() * f.numEnvs() * c.width();
                TypedArrays.write(c.type(), c.array(), 0, n, out, out.position());
                out.position(out.position() + n * c.type().bytes());
            }
            end();
        }
        NDList hx = f.hx();
        if (hx != null) {
            for (int k = 0; k < hx.size(); k++) {
                NDArray a = hx.get(k);
                String descr = Npy.descr(a.getDataType());
                long[] shape = a.getShape().getShape();
                begin(entryName(HX_PREFIX + k), npyHeader(descr, shape), a.getShape().size() * Npy.itemSize(descr));
                reorder(a.toByteBuffer(true), out, a.getDataType().getNumOfBytes());
                end();
            }
        }
        long[] meta = {f.sequence(), f.actorVersion(), f.collector(), f.envOffset()};
        for (int i = 0; i < META.length; i++) {
            begin(META_NAMES[i], SCALAR_I8_HEADER, 8);
            out.putLong(meta[i]);
            end();
        }
        Episodes e = f.episodes();
        int n = e.count();
        long[] count = {n};
        byte[] intHeader = npyHeader("<i4", count);
        begin(EPISODE_NAMES[0], intHeader, 4L * n);
        for (int i = 0; i < n; i++) {
            out.putInt(e.env(i));
        }
        end();
        begin(EPISODE_NAMES[1], intHeader, 4L * n);
        for (int i = 0; i < n; i++) {
            out.putInt(e.record(i));
        }
        end();
        begin(EPISODE_NAMES[2], intHeader, 4L * n);
        for (int i = 0; i < n; i++) {
            out.putInt(e.length(i));
        }
        end();
        begin(EPISODE_NAMES[3], npyHeader("<f8", count), 8L * n);
        for (int i = 0; i < n; i++) {
            out.putDouble(e.episodeReturn(i));
        }
        end();
        begin(EPISODE_NAMES[4], npyHeader("|b1", count), n);
        for (int i = 0; i < n; i++) {
            out.put(e.truncated(i) ? (byte) 1 : (byte) 0);
        }
        end();
        writeCentralDirectory();
        out.flip();
        return out;
    }

    /** The fixed-shape fields of {@code f}, as {@link #fields(Fragment)}, cached while the layout stays. */
    List<FieldInfo> plannedFields(Fragment f) {
        return plan(f).fields;
    }

    private Plan plan(Fragment f) {
        if (plan == null || !plan.fits(f)) {
            plan = Plan.of(f);
        }
        return plan;
    }

    private void fillCore(Fragment f, String name) {
        switch (name) {
            case "stepno" -> ints(f.stepno());
            case "obs" -> floats(f.obs());
            case "act" -> {
                if (f.actInts() != null) {
                    ints(f.actInts());
                } else {
                    floats(f.actFloats());
                }
            }
            case "rew" -> floats(f.rew());
            case "fin" -> bools(f.fin());
            case "trunc" -> bools(f.trunc());
            case "final_obs" -> floats(f.finalObs());
            case "env_info" -> floats(f.envInfo());
            default -> throw new IllegalStateException("no data for the core array '" + name + "'");
        }
    }

    private void ints(int[] values) {
        out.asIntBuffer().put(values);
        out.position(out.position() + 4 * values.length);
    }

    private void floats(float[] values) {
        out.asFloatBuffer().put(values);
        out.position(out.position() + 4 * values.length);
    }

    private void bools(boolean[] values) {
        for (boolean v : values) {
            out.put(v ? (byte) 1 : (byte) 0);
        }
    }

    /** Writes the local header of a STORED entry (CRC patched by {@link #end}) and the NPY header. */
    private void begin(byte[] name, byte[] npyHeader, long dataBytes) {
        long size = npyHeader.length + dataBytes;
        if (size > MAX_CHUNK) {
            throw new IllegalArgumentException("array '" + new String(name, StandardCharsets.UTF_8) + "' of " + size
                    + " bytes is too large for one chunk");
        }
        ensure(LOCAL_HEADER + name.length + size);
        if (entries == entryOffsets.length) {
            int grown = 2 * entries;
            entryOffsets = Arrays.copyOf(entryOffsets, grown);
            entrySizes = Arrays.copyOf(entrySizes, grown);
            entryCrcs = Arrays.copyOf(entryCrcs, grown);
            entryNames = Arrays.copyOf(entryNames, grown);
        }
        entryOffsets[entries] = out.position();
        entrySizes[entries] = (int) size;
        entryNames[entries] = name;
        out.putInt(LOCAL_SIGNATURE).putShort(VERSION_STORED).putShort(FLAG_UTF8).putShort(METHOD_STORED)
                .putShort((short) 0).putShort(DOS_DATE_1980).putInt(0).putInt((int) size).putInt((int) size)
                .putShort((short) name.length).putShort((short) 0).put(name);
        out.put(npyHeader);
    }

    /** Checks the entry's size, computes its CRC-32 over the buffer and patches its local header. */
    private void end() {
        int start = entryOffsets[entries];
        int dataStart = start + LOCAL_HEADER + entryNames[entries].length;
        int end = out.position();
        if (end - dataStart != entrySizes[entries]) {
            throw new IllegalStateException("array '" + new String(entryNames[entries], StandardCharsets.UTF_8)
                    + "': wrote " + (end - dataStart) + " bytes, expected " + entrySizes[entries]);
        }
        out.limit(end).position(dataStart);
        crc.reset();
        crc.update(out);
        out.limit(out.capacity());
        entryCrcs[entries] = (int) crc.getValue();
        out.putInt(start + 14, entryCrcs[entries]);
        entries++;
    }

    private void writeCentralDirectory() {
        long bytes = END_RECORD;
        for (int i = 0; i < entries; i++) {
            bytes += CENTRAL_HEADER + entryNames[i].length;
        }
        ensure(bytes);
        int start = out.position();
        for (int i = 0; i < entries; i++) {
            byte[] name = entryNames[i];
            out.putInt(CENTRAL_SIGNATURE).putShort(VERSION_STORED).putShort(VERSION_STORED).putShort(FLAG_UTF8)
                    .putShort(METHOD_STORED).putShort((short) 0).putShort(DOS_DATE_1980).putInt(entryCrcs[i])
                    .putInt(entrySizes[i]).putInt(entrySizes[i]).putShort((short) name.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(entryOffsets[i])
                    .put(name);
        }
        int size = out.position() - start;
        out.putInt(END_SIGNATURE).putShort((short) 0).putShort((short) 0).putShort((short) entries)
                .putShort((short) entries).putInt(size).putInt(start).putShort((short) 0);
    }

    /** Makes room for {@code bytes} more bytes, growing (and copying) the buffer if needed. */
    private void ensure(long bytes) {
        long needed = out.position() + bytes;
        if (needed > MAX_CHUNK) {
            throw new IllegalArgumentException("the chunk needs more than " + MAX_CHUNK + " bytes");
        }
        if (needed > out.capacity()) {
            ByteBuffer grown = ByteBuffer.allocateDirect((int) Math.min(MAX_CHUNK, Math.max(needed, 2L * out.capacity())))
                    .order(ByteOrder.LITTLE_ENDIAN);
            out.flip();
            grown.put(out);
            out = grown;
        }
    }

    private static byte[] entryName(String key) {
        return (key + NPY).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] npyHeader(String descr, long[] shape) {
        ByteBuffer b = ByteBuffer.allocate(Npy.headerSize(descr, shape));
        Npy.writeHeader(b, descr, shape);
        return b.array();
    }

    /**
     * Zip names, NPY headers and sizes of the fixed-shape arrays of one fragment layout, built once
     * and reused while the fragments keep the layout (spec and actor info columns).
     */
    private static final class Plan {
        final FragmentSpec spec;
        final List<FieldInfo> fields;
        final int coreCount;
        final byte[][] names;
        final byte[][] headers;
        final long[] dataBytes;
        final ColumnSpec[] columns;

        private Plan(Fragment f) {
            spec = f.spec();
            fields = List.copyOf(fields(f));
            coreCount = coreFields(spec).size();
            names = new byte[fields.size()][];
            headers = new byte[fields.size()][];
            dataBytes = new long[fields.size()];
            for (int i = 0; i < fields.size(); i++) {
                FieldInfo field = fields.get(i);
                long elements = 1;
                for (long d : field.shape()) {
                    elements *= d;
                }
                names[i] = entryName(field.name());
                headers[i] = npyHeader(field.dtype(), field.shape());
                dataBytes[i] = elements * Npy.itemSize(field.dtype());
            }
            List<Column> info = f.actorInfo();
            columns = new ColumnSpec[info.size()];
            for (int i = 0; i < info.size(); i++) {
                columns[i] = info.get(i).spec();
            }
        }

        static Plan of(Fragment f) {
            return new Plan(f);
        }

        boolean fits(Fragment f) {
            List<Column> info = f.actorInfo();
            if (!spec.equals(f.spec()) || info.size() != columns.length) {
                return false;
            }
            for (int i = 0; i < columns.length; i++) {
                if (!info.get(i).spec().equals(columns[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Copies {@code src} (its position to its limit, in its own byte order) to {@code dst} (at its
     * position, in its own byte order), converting elements of {@code itemSize} bytes; advances
     * {@code dst}.
     */
    static void reorder(ByteBuffer src, ByteBuffer dst, int itemSize) {
        int bytes = src.remaining();
        if (itemSize == 1 || src.order() == dst.order()) {
            dst.put(src.duplicate());
            return;
        }
        switch (itemSize) {
            case 2: dst.asShortBuffer().put(src.asShortBuffer()); break;
            case 4: dst.asIntBuffer().put(src.asIntBuffer()); break;
            case 8: dst.asLongBuffer().put(src.asLongBuffer()); break;
            default: throw new IllegalArgumentException("unsupported element size " + itemSize);
        }
        dst.position(dst.position() + bytes);
    }

    // ---- reading --------------------------------------------------------------------------------

    /** One parsed array of a chunk: header and little-endian data. */
    private record Array(Npy.Header header, ByteBuffer data) {
    }

    /**
     * Decodes chunk {@code bytes} (already checked against the manifest's size and checksum) into
     * {@code dst}, whose spec must be the manifest's.
     *
     * @throws DatasetException naming {@code file} and what is wrong: not a zip, a bad array, a
     *     missing array, a wrong dtype or shape, metadata that differs from the manifest
     */
    void read(Path file, byte[] bytes, int length, Manifest manifest, ChunkInfo info, FragmentWriter writer) {
        Fragment dst = writer.fragment();
        if (length < 4 || bytes[0] != 'P' || bytes[1] != 'K' || bytes[2] != 3 || bytes[3] != 4) {
            throw new DatasetException(file, "bad magic: not an npz (zip) file");
        }
        Map<String, Array> arrays = new HashMap<>();
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(bytes, 0, length))) {
            for (ZipEntry z = zin.getNextEntry(); z != null; z = zin.getNextEntry()) {
                String name = z.getName();
                if (!name.endsWith(NPY)) {
                    throw new DatasetException(file, "unexpected member '" + name + "' (not an .npy array)");
                }
                String key = name.substring(0, name.length() - NPY.length());
                ByteBuffer raw = ByteBuffer.wrap(zin.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
                Npy.Header h;
                try {
                    h = Npy.readHeader(raw);
                } catch (IllegalArgumentException e) {
                    throw new DatasetException(file, "array '" + key + "': " + e.getMessage(), e);
                }
                long expected = h.elements() * Npy.itemSize(h.descr());
                if (raw.capacity() - h.dataOffset() != expected) {
                    throw new DatasetException(file, "array '" + key + "' " + h.descr() + " " + h.shapeString()
                            + " needs " + expected + " data bytes, has " + (raw.capacity() - h.dataOffset()));
                }
                raw.position(h.dataOffset());
                arrays.put(key, new Array(h, raw.slice().order(ByteOrder.LITTLE_ENDIAN)));
            }
        } catch (ZipException e) {
            throw new DatasetException(file, "corrupt npz (zip) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot read npz members: " + e.getMessage(), e);
        }
        List<FieldInfo> expected = new ArrayList<>(coreFields(manifest.spec()));
        for (FieldInfo f : manifest.fields()) {
            if (!expected.stream().anyMatch(e -> e.name().equals(f.name()))) {
                expected.add(f);
            }
        }
        for (FieldInfo f : expected) {
            FieldInfo listed = manifest.field(f.name());
            if (listed != null && !listed.equals(f)) {
                throw new DatasetException(file.resolveSibling(Manifest.FILE_NAME), "field " + listed
                        + " contradicts the manifest's spec, which implies " + f);
            }
            require(file, arrays, f.name(), f.dtype(), f.shape());
        }
        FragmentSpec spec = manifest.spec();
        arrays.get("stepno").data().asIntBuffer().get(dst.stepno());
        arrays.get("obs").data().asFloatBuffer().get(dst.obs());
        if (dst.actInts() != null) {
            arrays.get("act").data().asIntBuffer().get(dst.actInts());
        } else {
            arrays.get("act").data().asFloatBuffer().get(dst.actFloats());
        }
        arrays.get("rew").data().asFloatBuffer().get(dst.rew());
        readBools(arrays.get("fin").data(), dst.fin());
        readBools(arrays.get("trunc").data(), dst.trunc());
        if (spec.keepFinalObs()) {
            arrays.get("final_obs").data().asFloatBuffer().get(dst.finalObs());
        }
        arrays.get("env_info").data().asFloatBuffer().get(dst.envInfo());
        for (FieldInfo f : manifest.fields()) {
            if (f.name().startsWith(ACTOR_PREFIX)) {
                long[] shape = f.shape();
                DataType type = Npy.dataType(f.dtype());
                ByteBuffer data = arrays.get(f.name()).data();
                int[] element = Arrays.stream(Arrays.copyOfRange(shape, 2, shape.length)).mapToInt(Math::toIntExact).toArray();
                Column c;
                try {
                    c = writer.actorInfoColumn(new ColumnSpec(f.name().substring(ACTOR_PREFIX.length()),
                            TypedArrays.elementType(type), element, true));
                } catch (IllegalArgumentException e) {
                    throw new DatasetException(file, e.getMessage(), e);
                }
                TypedArrays.read(c.type(), data, data.position(), c.array(), 0, c.rows() * dst.numEnvs() * c.width());
            }
        }
        long[] meta = new long[META.length];
        for (int i = 0; i < META.length; i++) {
            meta[i] = require(file, arrays, META[i], "<i8", new long[0]).data().getLong(0);
        }
        long[] listed = {info.sequence(), info.actorVersion(), info.collector(), info.envOffset()};
        for (int i = 0; i < META.length; i++) {
            if (meta[i] != listed[i]) {
                throw new DatasetException(file, META[i] + " is " + meta[i] + ", the manifest lists " + listed[i]);
            }
        }
        writer.setMeta(meta[0], meta[1], (int) meta[2], (int) meta[3]);
        readEpisodes(file, arrays, info, writer);
        restoreHx(file, arrays, writer);
    }

    private static void readEpisodes(Path file, Map<String, Array> arrays, ChunkInfo info, FragmentWriter writer) {
        Fragment dst = writer.fragment();
        long[] count = {info.episodes()};
        ByteBuffer env = require(file, arrays, "episodes.env", "<i4", count).data();
        ByteBuffer record = require(file, arrays, "episodes.record", "<i4", count).data();
        ByteBuffer len = require(file, arrays, "episodes.length", "<i4", count).data();
        ByteBuffer ret = require(file, arrays, "episodes.return", "<f8", count).data();
        ByteBuffer trunc = require(file, arrays, "episodes.truncated", "|b1", count).data();
        writer.clearEpisodes();
        int n = dst.numEnvs();
        int length = dst.length();
        for (int i = 0; i < info.episodes(); i++) {
            int j = env.getInt(4 * i);
            int t = record.getInt(4 * i);
            if (j < 0 || j >= n || t < 1 || t > length) {
                throw new DatasetException(file, "episode " + i + " ends at env " + j + " record " + t
                        + ", outside the fragment's " + n + " envs and records 1.." + length);
            }
            writer.addEpisode(j, t, ret.getDouble(8 * i), len.getInt(4 * i), trunc.get(i) != 0);
        }
    }

    /** Restores the chunk's optional {@code hx.<k>} arrays (absent where the fragment had no hx). */
    private static void restoreHx(Path file, Map<String, Array> arrays, FragmentWriter dst) {
        List<Array> parts = new ArrayList<>();
        for (int k = 0; arrays.containsKey(HX_PREFIX + k); k++) {
            parts.add(arrays.get(HX_PREFIX + k));
        }
        if (parts.isEmpty()) {
            dst.setHx(null);
            return;
        }
        try (NDManager temporary = NDManager.newBaseManager()) {
            NDList hx = new NDList(parts.size());
            for (Array a : parts) {
                ByteBuffer direct = ByteBuffer.allocateDirect(a.data().remaining()).order(ByteOrder.nativeOrder());
                reorder(a.data(), direct, Npy.itemSize(a.header().descr()));
                direct.flip();
                hx.add(temporary.create(direct, new Shape(a.header().shape()), Npy.dataType(a.header().descr())));
            }
            dst.setHx(hx);
        } catch (RuntimeException e) {
            throw new DatasetException(file, "cannot restore hx: " + e.getMessage(), e);
        }
    }

    private static void readBools(ByteBuffer src, boolean[] dst) {
        for (int i = 0; i < dst.length; i++) {
            dst[i] = src.get(i) != 0;
        }
    }

    private static Array require(Path file, Map<String, Array> arrays, String name, String dtype, long[] shape) {
        Array a = arrays.get(name);
        if (a == null) {
            throw new DatasetException(file, "missing array '" + name + "'");
        }
        if (!a.header().descr().equals(dtype)) {
            throw new DatasetException(file, "array '" + name + "' has dtype " + a.header().descr() + ", expected " + dtype);
        }
        if (!Arrays.equals(a.header().shape(), shape)) {
            throw new DatasetException(file, "array '" + name + "' has shape " + a.header().shapeString()
                    + ", expected " + new FieldInfo(name, dtype, shape).shapeString());
        }
        return a;
    }
}
