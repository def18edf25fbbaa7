package org.rlplay.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.CRC32;
import org.rlplay.fragment.FragmentWriter;

/**
 * Reads and checks chunk files of one dataset: size and CRC-32 against the manifest, then the npz
 * contents ({@link ChunkCodec#read}). Reuses its buffers; used by one thread at a time (a replay, a
 * sampler being loaded).
 */
final class ChunkReader {
    private final Path dir;
    private final Manifest manifest;
    private final ChunkCodec codec = new ChunkCodec();
    private final CRC32 crc = new CRC32();
    private byte[] buffer = new byte[0];

    ChunkReader(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /** The path of a listed chunk, refusing names that leave the dataset directory. */
    static Path path(Path dir, ChunkInfo info) {
        String name = info.file();
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new DatasetException(dir.resolve(Manifest.FILE_NAME), "chunk file name '" + name
                    + "' is not a plain file name in the dataset directory");
        }
        return dir.resolve(name);
    }

    /** Checks that chunk {@code info}'s file exists with the listed size. */
    static void checkSize(Path dir, ChunkInfo info) {
        Path file = path(dir, info);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "missing chunk file (listed in the manifest)", e);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot read the chunk file: " + e, e);
        }
        if (size != info.bytes()) {
            throw new DatasetException(file, (size < info.bytes() ? "truncated: " : "wrong size: ") + size
                    + " bytes, the manifest lists " + info.bytes());
        }
    }

    /** Reads chunk {@code info} into {@code dst} (whose spec must be the manifest's), checking everything. */
    void read(ChunkInfo info, FragmentWriter dst) {
        Path file = path(dir, info);
        checkSize(dir, info);
        int size = Math.toIntExact(info.bytes());
        if (buffer.length < size) {
            buffer = new byte[size];
        }
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(buffer, 0, size);
            if (n != size) {
                throw new DatasetException(file, "truncated while reading: " + n + " bytes, the manifest lists " + size);
            }
        } catch (IOException e) {
            throw new DatasetException(file, "cannot read the chunk file: " + e, e);
        }
        crc.reset();
        crc.update(buffer, 0, size);
        String actual = String.format(Locale.ROOT, "%08x", crc.getValue());
        if (!actual.equalsIgnoreCase(info.crc32())) {
            throw new DatasetException(file, "checksum mismatch: crc32 is " + actual + ", the manifest lists " + info.crc32());
        }
        codec.read(file, buffer, size, manifest, info, dst);
    }
}
