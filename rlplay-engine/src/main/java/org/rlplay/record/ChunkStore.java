package org.rlplay.record;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
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
 * <p>Used by one thread at a time: the recorder's writer thread, or the caller's in inline mode.
 */
final class ChunkStore {
    static final String TEMP_SUFFIX = ".tmp";
    private static final int BUFFER = 1 << 16;

    private final Path dir;
    private final boolean fsync;
    private final ChunkCodec codec = new ChunkCodec();
    private Manifest manifest;

    /**
     * Creates the directory (or takes an empty existing one) and writes the initial manifest with
     * no chunks, so that a recording killed before its first chunk still leaves a readable dataset.
     *
     * @throws DatasetException if {@code dir} is a file or a non-empty directory, or on I/O errors
     */
    ChunkStore(Path dir, Manifest initial, boolean fsync) {
        this.dir = dir;
        this.fsync = fsync;
        this.manifest = initial;
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
            writeManifest(initial);
        } catch (IOException e) {
            throw new DatasetException(dir, "cannot create the dataset: " + e, e);
        }
    }

    /** The file name of chunk {@code index}. */
    static String chunkName(int index) {
        return String.format(Locale.ROOT, "chunk-%06d.npz", index);
    }

    /** Chunks written so far. */
    int chunks() {
        return manifest.chunks().size();
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
        Manifest next = manifest;
        for (Fragment f : fragments) {
            next = next.withChunk(writeChunk(f, next), ChunkCodec.fields(f));
        }
        try {
            syncDirectory();
            writeManifest(next);
            manifest = next;
        } catch (IOException e) {
            throw new DatasetException(dir.resolve(Manifest.FILE_NAME), "cannot write the manifest: " + e, e);
        }
    }

    /** Encodes {@code f} into a temp file, syncs it and renames it to the chunk after those of {@code listed}. */
    private ChunkInfo writeChunk(Fragment f, Manifest listed) {
        String name = chunkName(listed.chunks().size());
        Path target = dir.resolve(name);
        Path temp = dir.resolve("." + name + TEMP_SUFFIX);
        List<FieldInfo> fields = ChunkCodec.fields(f);
        if (!listed.fields().isEmpty() && !listed.fields().equals(fields)) {
            throw new DatasetException(target, "the fragment's arrays " + fields
                    + " differ from the earlier chunks' " + listed.fields());
        }
        try {
            CRC32 crc = new CRC32();
            try (FileOutputStream file = new FileOutputStream(temp.toFile())) {
                OutputStream out = new CheckedOutputStream(new BufferedOutputStream(file, BUFFER), crc);
                codec.write(f, out);
                out.flush();
                if (fsync) {
                    file.getFD().sync();
                }
            }
            long bytes = Files.size(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return new ChunkInfo(name, bytes, String.format(Locale.ROOT, "%08x", crc.getValue()),
                    f.sequence(), f.actorVersion(), f.collector(), f.envOffset(), f.episodes().count());
        } catch (IOException e) {
            throw new DatasetException(target, "cannot write the chunk: " + e, e);
        }
    }

    /** Marks the manifest complete (the recording was closed normally). */
    void complete() {
        try {
            Manifest done = manifest.completed();
            writeManifest(done);
            manifest = done;
        } catch (IOException e) {
            throw new DatasetException(dir.resolve(Manifest.FILE_NAME), "cannot write the manifest: " + e, e);
        }
    }

    private void writeManifest(Manifest m) throws IOException {
        Path target = dir.resolve(Manifest.FILE_NAME);
        Path temp = dir.resolve("." + Manifest.FILE_NAME + TEMP_SUFFIX);
        byte[] json = m.toJson().getBytes(StandardCharsets.UTF_8);
        try (FileOutputStream file = new FileOutputStream(temp.toFile())) {
            file.write(json);
            if (fsync) {
                file.getFD().sync();
            }
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    private void syncDirectory() throws IOException {
        if (fsync) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        }
    }
}
