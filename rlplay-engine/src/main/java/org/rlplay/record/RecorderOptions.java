package org.rlplay.record;

import java.time.Duration;

/**
 * How a {@link Recorder} writes. Immutable.
 *
 * @param queueCapacity fragments copied and waiting for the background writer thread, at least 1;
 *                      or 0 to write each chunk inline on the caller's thread (no thread, no copy)
 * @param fsync         force each chunk file, the manifest and the directory to the disk before the
 *                      chunk counts as written, so a dataset also survives power loss. Not needed
 *                      against a killed process: chunks and the manifest appear by atomic rename, so
 *                      a kill loses at most the chunk in flight either way. Off by default, because
 *                      on slow disks the syncs hold back collection
 * @param timeout       the longest {@link Recorder#write} waits for a free slot and
 *                      {@link Recorder#close} waits for the writer to finish, before failing
 */
public record RecorderOptions(int queueCapacity, boolean fsync, Duration timeout) {

    public RecorderOptions {
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity must be >= 0, got " + queueCapacity);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** A background writer with a queue of 8 fragments, fsync off, 60 s timeout. */
    public static RecorderOptions defaults() {
        return new RecorderOptions(8, false, Duration.ofSeconds(60));
    }

    /** The same options writing inline on the caller's thread. */
    public RecorderOptions inline() {
        return new RecorderOptions(0, fsync, timeout);
    }

    /** The same options with another queue capacity (0: inline). */
    public RecorderOptions withQueueCapacity(int capacity) {
        return new RecorderOptions(capacity, fsync, timeout);
    }

    /** The same options with fsync on or off. */
    public RecorderOptions withFsync(boolean on) {
        return new RecorderOptions(queueCapacity, on, timeout);
    }
}
