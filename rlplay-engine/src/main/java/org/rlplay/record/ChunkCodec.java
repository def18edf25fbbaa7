package org.rlplay.record;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.zip.ZipOutputStream;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.InfoColumn;

/**
 * One fragment as one {@code .npz} chunk (a zip of uncompressed NPY arrays, what
 * {@code numpy.savez} writes), and back.
 *
 * <p>The arrays and their layout are listed in {@link Dataset}'s documentation; the fixed-shape ones
 * (all but hx, the metadata and the episodes) are the manifest's {@code fields}.
 *
 * <p>An instance reuses its buffers: one per thread (the recorder's writer, a replay).
 */
final class ChunkCodec {
    static final String ACTOR_PREFIX = "actor.";
    static final String HX_PREFIX = "hx.";
    private static final String NPY = ".npy";
    /** 1980-01-01, the zip epoch: fixed so that equal fragments give byte-identical chunks. */
    private static final long ZIP_TIME = 315532800000L;
    private static final String[] META = {"sequence", "actor_version", "collector", "env_offset"};

    private final CRC32 crc = new CRC32();
    private ByteBuffer entry = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    /** Writes the data of one array at the entry buffer's position. */
    @FunctionalInterface
    private interface Filler {
        void fill(ByteBuffer out);
    }

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
        for (InfoColumn c : f.actorInfo()) {
            long[] element = c.elementShape();
            fields.add(new FieldInfo(ACTOR_PREFIX + c.name(), Npy.descr(c.dataType()), shape(f.length() + 1L,
                    f.numEnvs(), Arrays.stream(element).mapToInt(Math::toIntExact).toArray())));
        }
        return fields;
    }

    // ---- writing --------------------------------------------------------------------------------

    /** Writes {@code f} as an npz archive to {@code out} (not closed). */
    void write(Fragment f, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.setMethod(ZipOutputStream.STORED);
        List<FieldInfo> fields = fields(f);
        Map<String, Filler> data = fillers(f);
        for (FieldInfo field : fields) {
            put(zip, field.name(), field.dtype(), field.shape(), data.get(field.name()));
        }
        NDList hx = f.hx();
        if (hx != null) {
            for (int k = 0; k < hx.size(); k++) {
                NDArray a = hx.get(k);
                put(zip, HX_PREFIX + k, Npy.descr(a.getDataType()), a.getShape().getShape(),
                        b -> reorder(a.toByteBuffer(true), b, a.getDataType().getNumOfBytes()));
            }
        }
        long[] meta = {f.sequence(), f.actorVersion(), f.collector(), f.envOffset()};
        for (int i = 0; i < META.length; i++) {
            long value = meta[i];
            put(zip, META[i], "<i8", new long[0], b -> b.putLong(value));
        }
        Episodes e = f.episodes();
        long[] count = {e.count()};
        put(zip, "episodes.env", "<i4", count, b -> {
            for (int i = 0; i < e.count(); i++) {
                b.putInt(e.env(i));
            }
        });
        put(zip, "episodes.record", "<i4", count, b -> {
            for (int i = 0; i < e.count(); i++) {
                b.putInt(e.record(i));
            }
        });
        put(zip, "episodes.length", "<i4", count, b -> {
            for (int i = 0; i < e.count(); i++) {
                b.putInt(e.length(i));
            }
        });
        put(zip, "episodes.return", "<f8", count, b -> {
            for (int i = 0; i < e.count(); i++) {
                b.putDouble(e.episodeReturn(i));
            }
        });
        put(zip, "episodes.truncated", "|b1", count, b -> {
            for (int i = 0; i < e.count(); i++) {
                b.put(e.truncated(i) ? (byte) 1 : (byte) 0);
            }
        });
        zip.finish();
    }

    private static Map<String, Filler> fillers(Fragment f) {
        Map<String, Filler> m = new HashMap<>();
        m.put("stepno", b -> advance(b, 4 * f.stepno().length, () -> b.asIntBuffer().put(f.stepno())));
        m.put("obs", b -> floats(b, f.obs()));
        m.put("act", b -> {
            if (f.actInts() != null) {
                advance(b, 4 * f.actInts().length, () -> b.asIntBuffer().put(f.actInts()));
            } else {
                floats(b, f.actFloats());
            }
        });
        m.put("rew", b -> floats(b, f.rew()));
        m.put("fin", b -> bools(b, f.fin()));
        m.put("trunc", b -> bools(b, f.trunc()));
        m.put("final_obs", b -> floats(b, f.finalObs()));
        m.put("env_info", b -> floats(b, f.envInfo()));
        for (InfoColumn c : f.actorInfo()) {
            m.put(ACTOR_PREFIX + c.name(), b -> reorder(c.data(), b, c.dataType().getNumOfBytes()));
        }
        return m;
    }

    private static void advance(ByteBuffer b, int bytes, Runnable viewPut) {
        viewPut.run();
        b.position(b.position() + bytes);
    }

    private static void floats(ByteBuffer b, float[] values) {
        advance(b, 4 * values.length, () -> b.asFloatBuffer().put(values));
    }

    private static void bools(ByteBuffer b, boolean[] values) {
        for (boolean v : values) {
            b.put(v ? (byte) 1 : (byte) 0);
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

    private void put(ZipOutputStream zip, String name, String descr, long[] shape, Filler filler) throws IOException {
        long elements = 1;
        for (long d : shape) {
            elements *= d;
        }
        long size = Npy.headerSize(descr, shape) + elements * Npy.itemSize(descr);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("array '" + name + "' of " + size + " bytes is too large for one chunk");
        }
        if (entry.capacity() < size) {
            entry = ByteBuffer.allocate((int) Math.max(size, Math.min(Integer.MAX_VALUE - 8, 2L * entry.capacity())))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        entry.clear();
        Npy.writeHeader(entry, descr, shape);
        filler.fill(entry);
        if (entry.position() != size) {
            throw new IllegalStateException("array '" + name + "': wrote " + entry.position() + " bytes, expected " + size);
        }
        crc.reset();
        crc.update(entry.array(), 0, (int) size);
        ZipEntry z = new ZipEntry(name + NPY);
        z.setMethod(ZipEntry.STORED);
        z.setSize(size);
        z.setCompressedSize(size);
        z.setCrc(crc.getValue());
        z.setTime(ZIP_TIME);
        zip.putNextEntry(z);
        zip.write(entry.array(), 0, (int) size);
        zip.closeEntry();
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
    void read(Path file, byte[] bytes, int length, Manifest manifest, ChunkInfo info, Fragment dst) {
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
                ByteBuffer nativeData = data;
                if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                    nativeData = ByteBuffer.allocate(data.remaining()).order(ByteOrder.nativeOrder());
                    reorder(data, nativeData, type.getNumOfBytes());
                    nativeData.flip();
                }
                dst.putActorInfoColumn(f.name().substring(ACTOR_PREFIX.length()), type,
                        Arrays.copyOfRange(shape, 2, shape.length), nativeData);
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
        dst.setMeta(meta[0], meta[1], (int) meta[2], (int) meta[3]);
        readEpisodes(file, arrays, info, dst);
        restoreHx(file, arrays, dst);
    }

    private static void readEpisodes(Path file, Map<String, Array> arrays, ChunkInfo info, Fragment dst) {
        long[] count = {info.episodes()};
        ByteBuffer env = require(file, arrays, "episodes.env", "<i4", count).data();
        ByteBuffer record = require(file, arrays, "episodes.record", "<i4", count).data();
        ByteBuffer len = require(file, arrays, "episodes.length", "<i4", count).data();
        ByteBuffer ret = require(file, arrays, "episodes.return", "<f8", count).data();
        ByteBuffer trunc = require(file, arrays, "episodes.truncated", "|b1", count).data();
        dst.clearEpisodes();
        int n = dst.numEnvs();
        int length = dst.length();
        for (int i = 0; i < info.episodes(); i++) {
            int j = env.getInt(4 * i);
            int t = record.getInt(4 * i);
            if (j < 0 || j >= n || t < 1 || t > length) {
                throw new DatasetException(file, "episode " + i + " ends at env " + j + " record " + t
                        + ", outside the fragment's " + n + " envs and records 1.." + length);
            }
            dst.episodes().add(j, t, ret.getDouble(8 * i), len.getInt(4 * i), trunc.get(i) != 0);
        }
    }

    /** Restores the chunk's optional {@code hx.<k>} arrays (absent where the fragment had no hx). */
    private static void restoreHx(Path file, Map<String, Array> arrays, Fragment dst) {
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
