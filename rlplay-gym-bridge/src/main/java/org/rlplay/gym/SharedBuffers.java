package org.rlplay.gym;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.env.space.ElementType;

/**
 * The data plane of one {@link GymVecEnv}: a file in {@code /dev/shm} (or the temporary directory
 * where there is none) mapped into both the JVM and the Python child, holding the regions listed
 * in the Python module's docstring at 64-byte aligned offsets, in native byte order.
 *
 * <p>Observations are held in their space's {@linkplain org.rlplay.env.space.Space#storageType()
 * storage type} (a {@code uint8} image stays bytes), copied as they are into the {@link BatchStep}'s
 * targets. Java writes actions, the skip mask and seeds; Python writes observations, final observations,
 * rewards, flags and info. The two never touch the memory at the same time: Java writes, then
 * makes one Py4J call, during which Python reads and writes, then Java reads after the call
 * returned (the socket round trip orders the accesses). Used by one thread at a time, the owner of
 * the {@link GymVecEnv}. Copies allocate nothing.
 *
 * <p>The file is unlinked as soon as Python has mapped it ({@link #unlink()}), so nothing is left
 * behind even if both processes die; the memory itself is released when the mapping is garbage
 * collected (Java 17 has no explicit unmap).
 */
final class SharedBuffers {
    private static final int ALIGN = 64;

    private final int numEnvs;
    private final int obsSize;
    private final int actionWidth;
    private final int infoSize;
    private final Path path;
    private final Map<String, Integer> offsets;
    private final IntBuffer actionInts;
    private final FloatBuffer actionFloats;
    private final ByteBuffer skip;
    private final LongBuffer seeds;
    private final ElementType obsType;
    private final ObsRegion obs;
    private final ObsRegion finalObs;
    private final FloatBuffer reward;
    private final ByteBuffer terminated;
    private final ByteBuffer truncated;
    private final FloatBuffer info;

    private SharedBuffers(int numEnvs, int obsSize, ElementType obsType, int actionWidth, boolean intActions, int infoSize)
            throws IOException {
        this.numEnvs = numEnvs;
        this.obsType = obsType;
        this.obsSize = obsSize;
        this.actionWidth = actionWidth;
        this.infoSize = infoSize;
        this.offsets = new LinkedHashMap<>();
        long end = 0;
        end = region("actions", end, 4L * numEnvs * actionWidth);
        end = region("skip", end, numEnvs);
        end = region("seeds", end, 8L * numEnvs);
        long obsBytes = (long) obsType.bytes() * numEnvs * obsSize;
        end = region("obs", end, obsBytes);
        end = region("final_obs", end, obsBytes);
        end = region("reward", end, 4L * numEnvs);
        end = region("terminated", end, numEnvs);
        end = region("truncated", end, numEnvs);
        end = region("info", end, 4L * numEnvs * infoSize);
        if (end > Integer.MAX_VALUE) {
            throw new GymBridgeException("the shared memory for " + numEnvs + " envs with observations of "
                    + obsSize + " elements would need " + end + " bytes, more than 2 GiB: use fewer envs per VecEnv");
        }
        offsets.put("size", (int) end);
        this.path = newFile();
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            map = ch.map(FileChannel.MapMode.READ_WRITE, 0, end);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        this.actionInts = intActions ? slice(map, "actions", 4L * numEnvs * actionWidth).asIntBuffer() : null;
        this.actionFloats = intActions ? null : slice(map, "actions", 4L * numEnvs * actionWidth).asFloatBuffer();
        this.skip = slice(map, "skip", numEnvs);
        this.seeds = slice(map, "seeds", 8L * numEnvs).asLongBuffer();
        this.obs = new ObsRegion(obsType, slice(map, "obs", obsBytes));
        this.finalObs = new ObsRegion(obsType, slice(map, "final_obs", obsBytes));
        this.reward = slice(map, "reward", 4L * numEnvs).asFloatBuffer();
        this.terminated = slice(map, "terminated", numEnvs);
        this.truncated = slice(map, "truncated", numEnvs);
        this.info = slice(map, "info", 4L * numEnvs * infoSize).asFloatBuffer();
    }

    /**
     * Creates and maps the file for {@code numEnvs} envs.
     *
     * @param obsType    the observations' storage type (the obs regions hold elements of it)
     * @param intActions actions are stored as int32 (discrete-like spaces) rather than float32
     */
    static SharedBuffers create(int numEnvs, int obsSize, ElementType obsType, int actionWidth, boolean intActions,
                                int infoSize) {
        try {
            return new SharedBuffers(numEnvs, obsSize, obsType, actionWidth, intActions, infoSize);
        } catch (IOException e) {
            throw new GymBridgeException("cannot create the bridge's shared memory file: " + e, e);
        }
    }

    private long region(String name, long start, long bytes) {
        long aligned = (start + ALIGN - 1) / ALIGN * ALIGN;
        offsets.put(name, (int) aligned);
        return aligned + bytes;
    }

    private ByteBuffer slice(MappedByteBuffer map, String name, long bytes) {
        return map.slice(offsets.get(name), (int) bytes).order(ByteOrder.nativeOrder());
    }

    private static Path newFile() throws IOException {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        Path file = dir.resolve("rlplay-gym-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random));
        try {
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createFile(file);
        }
    }

    /** The file both sides map. */
    Path path() {
        return path;
    }

    /** The regions as {@code name=offset} pairs separated by {@code ;}, plus {@code size}. */
    String layout() {
        StringBuilder sb = new StringBuilder();
        offsets.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append('=').append(v));
        return sb.toString();
    }

    /** Removes the file name; both mappings stay valid. Idempotent. */
    void unlink() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new GymBridgeException("cannot delete the shared memory file " + path + ": " + e, e);
        }
    }

    void writeActions(ActionBatch actions) {
        int len = numEnvs * actionWidth;
        if (actionInts != null) {
            actionInts.put(0, actions.ints(), 0, len);
        } else {
            actionFloats.put(0, actions.floats(), 0, len);
        }
    }

    void writeSkip(boolean[] mask) {
        for (int j = 0; j < numEnvs; j++) {
            skip.put(j, mask[j] ? (byte) 1 : (byte) 0);
        }
    }

    void writeSeeds(long[] values) {
        seeds.put(0, values, 0, numEnvs);
    }

    /** Copies every env's observation into {@code out}'s observation target. */
    void readObs(BatchStep out) {
        obs.read(0, out.obs(), out.obsOffset(), numEnvs * obsSize);
    }

    /**
     * Copies the results of a step into {@code out}: all of them, or only those of envs not in
     * {@code skipped}; {@code finalObs} rows only of envs whose episode ended.
     */
    void readStep(boolean[] skipped, BatchStep out) {
        if (skipped == null) {
            obs.read(0, out.obs(), out.obsOffset(), numEnvs * obsSize);
            reward.get(0, out.reward(), out.rewardOffset(), numEnvs);
            info.get(0, out.info(), out.infoOffset(), numEnvs * infoSize);
        }
        boolean[] term = out.terminated();
        boolean[] trunc = out.truncated();
        for (int j = 0; j < numEnvs; j++) {
            if (skipped != null) {
                if (skipped[j]) {
                    continue;
                }
                obs.read(j * obsSize, out.obs(), out.obsOffset() + j * obsSize, obsSize);
                out.reward()[out.rewardOffset() + j] = reward.get(j);
                info.get(j * infoSize, out.info(), out.infoOffset() + j * infoSize, infoSize);
            }
            term[j] = terminated.get(j) != 0;
            trunc[j] = truncated.get(j) != 0;
            if (term[j] || trunc[j]) {
                finalObs.read(j * obsSize, out.finalObs(), out.finalObsOffset() + j * obsSize, obsSize);
            }
        }
    }
}
