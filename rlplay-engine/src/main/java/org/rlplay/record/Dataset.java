package org.rlplay.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.rlplay.env.space.Space;
import org.rlplay.env.space.SpaceJson;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.rollout.Rollout;

/**
 * A recorded dataset, opened for reading: a directory holding {@code manifest.json} (see
 * {@link Manifest}) and one {@code chunk-NNNNNN.npz} per recorded fragment, an uncompressed zip of
 * NPY arrays that {@code numpy.load} opens alone. Only the chunks the manifest lists exist for a
 * reader; hidden temp files and unlisted chunks left by a killed recorder are ignored.
 *
 * <table>
 * <caption>arrays of a chunk (fields as in {@link org.rlplay.fragment.Fragment})</caption>
 * <tr><th>key</th><th>dtype</th><th>shape</th></tr>
 * <tr><td>{@code stepno}</td><td>{@code <i4}</td><td>(T+1, N)</td></tr>
 * <tr><td>{@code obs}</td><td>{@code <f4}</td><td>(T+1, N, *obs shape)</td></tr>
 * <tr><td>{@code act}</td><td>{@code <i4} (discrete-stored spaces) or {@code <f4}</td><td>(T+1, N, *act shape)</td></tr>
 * <tr><td>{@code rew}</td><td>{@code <f4}</td><td>(T+1, N)</td></tr>
 * <tr><td>{@code fin}, {@code trunc}</td><td>{@code |b1}</td><td>(T+1, N)</td></tr>
 * <tr><td>{@code final_obs} (if kept)</td><td>{@code <f4}</td><td>(T+1, N, *obs shape)</td></tr>
 * <tr><td>{@code env_info}</td><td>{@code <f4}</td><td>(T, N, K)</td></tr>
 * <tr><td>{@code actor.<name>}</td><td>the actor info column's</td><td>(T+1, N, ...)</td></tr>
 * <tr><td>{@code hx.<k>} (only where the fragment has an hx)</td><td>the array's</td><td>the array's</td></tr>
 * <tr><td>{@code sequence}, {@code actor_version}, {@code collector}, {@code env_offset}</td><td>{@code <i8}</td><td>()</td></tr>
 * <tr><td>{@code episodes.env}, {@code episodes.record}, {@code episodes.length}</td><td>{@code <i4}</td><td>(E,)</td></tr>
 * <tr><td>{@code episodes.return}</td><td>{@code <f8}</td><td>(E,)</td></tr>
 * <tr><td>{@code episodes.truncated}</td><td>{@code |b1}</td><td>(E,)</td></tr>
 * </table>
 * In Python: {@code z = numpy.load("chunk-000000.npz"); z["obs"].shape == (T+1, N, 4)}; the
 * transition view is {@code next = numpy.where(z["fin"][1:, :, None], z["final_obs"][1:], z["obs"][1:])}.
 *
 * <p>Every chunk is checked when read: its size and CRC-32 against the manifest, its zip and npy
 * structure, every array's dtype and shape, its metadata. A problem is a {@link DatasetException}
 * naming the file and what is wrong.
 *
 * <p>Immutable and thread-safe; each {@link #replay} and {@link #readChunk} call has its own
 * buffers.
 */
public final class Dataset {
    private final Path dir;
    private final Manifest manifest;

    private Dataset(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /**
     * Opens the dataset in {@code dir}: parses the manifest and checks that every listed chunk file
     * exists with its listed size (contents are checked as they are read, or by {@link #verify()}).
     *
     * @throws DatasetException if there is no manifest, it does not parse, or a chunk file is
     *     missing or has the wrong size
     */
    public static Dataset open(Path dir) {
        Path file = dir.resolve(Manifest.FILE_NAME);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "no manifest: not a dataset directory", e);
        } catch (IOException e) {
            throw new DatasetException(file, "cannot read the manifest: " + e, e);
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(json);
        } catch (IllegalArgumentException e) {
            throw new DatasetException(file, e.getMessage(), e);
        }
        for (ChunkInfo chunk : manifest.chunks()) {
            ChunkReader.checkSize(dir, chunk);
        }
        return new Dataset(dir, manifest);
    }

    /** The dataset directory. */
    public Path directory() {
        return dir;
    }

    /** The manifest. */
    public Manifest manifest() {
        return manifest;
    }

    /** The layout of every fragment in the dataset. */
    public FragmentSpec spec() {
        return manifest.spec();
    }

    /** Number of chunks (recorded fragments). */
    public int numChunks() {
        return manifest.chunks().size();
    }

    /**
     * Refuses a dataset whose spaces differ from the consumer's.
     *
     * @return this dataset
     * @throws DatasetException giving both full descriptions of the first space that differs
     */
    public Dataset requireSpaces(Space observation, Space action) {
        requireSpace("observation", spec().observationSpace(), observation);
        requireSpace("action", spec().actionSpace(), action);
        return this;
    }

    private void requireSpace(String what, Space recorded, Space expected) {
        if (!recorded.equals(expected)) {
            throw new DatasetException(dir, what + " spaces differ: the dataset has " + recorded + " "
                    + SpaceJson.toJson(recorded) + ", the consumer expects " + expected + " " + SpaceJson.toJson(expected));
        }
    }

    /**
     * Reads chunk {@code index} into {@code dst}, a fragment of this dataset's {@link #spec()}.
     *
     * @throws DatasetException if the chunk is corrupted, truncated or foreign
     */
    public void readChunk(int index, FragmentWriter dst) {
        if (!dst.spec().equals(spec())) {
            throw new IllegalArgumentException("dst: layout " + dst.spec() + " differs from the dataset's " + spec());
        }
        new ChunkReader(dir, manifest).read(manifest.chunks().get(index), dst);
    }

    /**
     * Reads every chunk once and checks it fully.
     *
     * @throws DatasetException at the first bad chunk
     */
    public void verify() {
        ChunkReader reader = new ChunkReader(dir, manifest);
        try (FragmentWriter scratch = new FragmentWriter(spec())) {
            for (ChunkInfo chunk : manifest.chunks()) {
                reader.read(chunk, scratch);
            }
        }
    }

    /**
     * Replays the dataset as a {@link Rollout}, the type the online modes give: each
     * {@code next()} reads one chunk into a fragment slot that stays valid until the next call.
     * {@code hasNext()} turns false after the last chunk of the last pass.
     */
    public Rollout replay(ReplayOptions options) {
        return new ReplayRollout(this, new ChunkReader(dir, manifest), options);
    }
}
