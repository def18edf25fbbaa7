package org.rlplay.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.OpenOption;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import org.rlplay.fragment.Fragment;

/**
 * The writing side of a dataset directory: appends chunks so that a chunk becomes visible only
 * when complete, and keeps the manifest in step.
 *
 * <p>Appending chunks: encode each into a hidden temp file ({@code .chunk-000007.npz.tmp}), fsync it,
 * rename it atomically to {@code chunk-000007.npz}; then fsync the directory (the renames are
 * durable before anything lists them), replace the manifest atomically the same way
 * ({@code .manifest.json.tmp} -&gt; {@code manifest.json}) and fsync the directory again. Chunks
 * queued together share one manifest update (group commit). A process
 * killed at any point leaves the previous manifest (whose chunks are all whole) or the new one;
 * at worst a stray temp file or an unlisted chunk, which readers ignore.
 *
 * <p>Each chunk is encoded into the codec's reused buffer and written with one {@link FileChannel}
 * write; the manifest is rendered incrementally by a {@link ManifestWriter} (each chunk's JSON once),
 * so an append allocates little and costs no more than the bytes it writes.
 *
 * <p>Used by one thread at a time: the recorder's writer thread, or the caller's in inline mode.
 */
final class ChunkStore {
    static final String TEMP_SUFFIX = ".tmp";
    private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);

    private final Path dir;
    private final boolean fsync;
    private final ChunkCodec codec = new ChunkCodec();
    private final CRC32 crc = new CRC32();
    private final ManifestWriter manifest;
    private final Path manifestFile;
    private final Path manifestTemp;

    /**
     * Creates the directory (or takes an empty existing one) and writes the initial manifest with
     * no chunks, so that a recording killed before its first chunk still leaves a readable dataset.
     *
     * @throws DatasetException if {@code dir} is a file or a non-empty directory, or on I/O errors
     */
    ChunkStore(Path dir, Manifest initial, boolean fsync) {
        this.dir = dir;
        this.fsync = fsync;
        this.manifest = new ManifestWriter(initial);
        this.manifestFile = dir.resolve(Manifest.FILE_NAME);
        this.manifestTemp = dir.resolve("." + Manifest.FILE_NAME + TEMP_SUFFIX);
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new DatasetException(dir, "cannot record here: it is a file, not a directory");
            }
            Files.createDirectories(dir);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                if (entries.iterator().hasNext()) {
                    throw new DatasetException(dir, "cannot record here: the directory is not empty"
                            + (Files.exists(dir.resolve(Manifest.FILE_NAME)) ? " (it holds a dataset)" : ""));
                }
            }
            writeManifest();
        } catch (IOException e) {
            throw new DatasetException(dir, "cannot create the dataset: " + e, e);
        }
    }

    /** The file name of chunk {@code index}. */
    static String chunkName(int index) {
        String digits = Integer.toString(index);
        return "chunk-" + "000000".substring(Math.min(6, digits.length())) + digits + ".npz";
    }

    /** Chunks written so far. */
    int chunks() {
        return manifest.chunks();
    }

    /**
     * Writes {@code f} as the next chunk and lists it in the manifest.
     *
     * @throws DatasetException if the fragment's arrays differ from the earlier chunks' or on I/O errors
     */
    void append(Fragment f) {
        appendAll(List.of(f));
    }

    /**
     * Writes {@code fragments} as the next chunks, in order, then lists them all in one manifest
     * update (a group commit: one manifest write and two directory syncs for the whole group).
     *
     * @throws DatasetException if a fragment's arrays differ from the earlier chunks' or on I/O errors;
     *     the chunks renamed before the failure are left unlisted
     */
    void appendAll(List<Fragment> fragments) {
        int listed = manifest.chunks();
        List<FieldInfo> expected = manifest.fields().isEmpty() && !fragments.isEmpty()
                ? codec.plannedFields(fragments.get(0)) : manifest.fields();
        ChunkInfo[] written = new ChunkInfo[fragments.size()];
        for (int i = 0; i < written.length; i++) {
            written[i] = writeChunk(fragments.get(i), listed + i, expected);
        }
        try {
            syncDirectory();
            for (int i = 0; i < written.length; i++) {
                manifest.add(written[i], codec.plannedFields(fragments.get(i)));
            }
            writeManifest();
        } catch (IOException e) {
            throw new DatasetException(manifestFile, "cannot write the manifest: " + e, e);
        }
    }

    /**
     * Encodes {@code f} into a temp file, syncs it and renames it to chunk {@code index}; its arrays
     * must be {@code expected}.
     */
    private ChunkInfo writeChunk(Fragment f, int index, List<FieldInfo> expected) {
        String name = chunkName(index);
        Path target = dir.resolve(name);
        Path temp = dir.resolve("." + name + TEMP_SUFFIX);
        List<FieldInfo> fields = codec.plannedFields(f);
        if (!expected.equals(fields)) {
            throw new DatasetException(target, "the fragment's arrays " + fields
                    + " differ from the earlier chunks' " + expected);
        }
        ByteBuffer data = codec.encode(f);
        int bytes = data.remaining();
        crc.reset();
        crc.update(data);
        data.position(0);
        try {
            write(temp, data);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return new ChunkInfo(name, bytes, hex8(crc.getValue()),
                    f.sequence(), f.actorVersion(), f.collector(), f.envOffset(), f.episodes().count());
        } catch (IOException e) {
            throw new DatasetException(target, "cannot write the chunk: " + e, e);
        }
    }

    /** {@code value} as 8 lowercase hex digits, as {@code "%08x"} formats it. */
    static String hex8(long value) {
        String digits = Long.toHexString(value & 0xffffffffL);
        return "00000000".substring(digits.length()) + digits;
    }

    /** Marks the manifest complete (the recording was closed normally). */
    void complete() {
        try {
            manifest.complete();
            writeManifest();
        } catch (IOException e) {
            throw new DatasetException(manifestFile, "cannot write the manifest: " + e, e);
        }
    }

    /** Replaces the manifest atomically with the current one. */
    private void writeManifest() throws IOException {
        write(manifestTemp, manifest.render());
        Files.move(manifestTemp, manifestFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    /**
     * Writes {@code data} (each buffer from its position to its limit, in order) as the whole
     * content of {@code file}, synced if fsync is on.
     */
    private void write(Path file, ByteBuffer... data) throws IOException {
        long left = 0;
        for (ByteBuffer b : data) {
            left += b.remaining();
        }
        try (FileChannel channel = FileChannel.open(file, CREATE)) {
            while (left > 0) {
                left -= channel.write(data);
            }
            if (fsync) {
                channel.force(true);
            }
        }
    }

    private void syncDirectory() throws IOException {
        if (fsync) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
    }
}
