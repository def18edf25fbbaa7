package org.rlplay.record;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * How a {@link Recorder} writes. Immutable.
 *
 * @param fragmentsPerFile fragments per Parquet file (one row group each), at least 1. A file appears
 *                         only complete, so a killed recorder loses at most this many fragments: the
 *                         file in flight. With a background writer it is also the number of fragment
 *                         copies the recorder holds: {@link Recorder#write} blocks while the writer
 *                         still holds a whole file's worth that is not on disk yet
 * @param background       encode and write on the recorder's own thread (the caller only copies the
 *                         fragment), or inline on the caller's thread
 * @param fsync            force each file and its directory to the disk when the file completes, so a
 *                         dataset also survives power loss (not needed against a killed process: files
 *                         appear by atomic rename either way)
 * @param timeout          the longest {@link Recorder#write} and {@link Recorder#flush} wait for the
 *                         writer, and {@link Recorder#close} for it to finish, before failing
 * @param compression      the page compression
 * @param partition        the Hive partition directory ({@code key=value}) a new file goes to, given the
 *                         day; {@link #daily()} by default
 * @param clock            the clock that dates new files
 */
public record RecorderOptions(int fragmentsPerFile, boolean background, boolean fsync, Duration timeout,
                              Compression compression, Partitioning partition, Clock clock) {

    /** Where a new file goes: the partition path, relative to the dataset directory, for the day it is started. */
    @FunctionalInterface
    public interface Partitioning {
        /** The partition directory, e.g. {@code date=2026-12-01}; each segment {@code key=value}, separated by '/'. */
        String path(LocalDate day);
    }

    public RecorderOptions {
        if (fragmentsPerFile < 1) {
            throw new IllegalArgumentException("fragmentsPerFile must be >= 1, got " + fragmentsPerFile);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(clock, "clock");
    }

    /** Partition by the UTC day a file is started: {@code date=YYYY-MM-DD}. */
    public static Partitioning daily() {
        return day -> "date=" + day;
    }

    /** Every file in one partition, {@code key=value}. */
    public static Partitioning fixed(String key, String value) {
        Partitions.requireSegment(key, value);
        return day -> key + "=" + value;
    }

    /** 8 fragments per file on a background writer, no fsync, snappy, daily partitions, 60 s timeout. */
    public static RecorderOptions defaults() {
        return new RecorderOptions(8, true, false, Duration.ofSeconds(60), Compression.SNAPPY, daily(),
                Clock.systemUTC());
    }

    /** The same options writing on the caller's thread. */
    public RecorderOptions inline() {
        return new RecorderOptions(fragmentsPerFile, false, fsync, timeout, compression, partition, clock);
    }

    /** The same options with {@code n} fragments per file. */
    public RecorderOptions withFragmentsPerFile(int n) {
        return new RecorderOptions(n, background, fsync, timeout, compression, partition, clock);
    }

    /** The same options with fsync on or off. */
    public RecorderOptions withFsync(boolean on) {
        return new RecorderOptions(fragmentsPerFile, background, on, timeout, compression, partition, clock);
    }

    /** The same options with another compression. */
    public RecorderOptions withCompression(Compression c) {
        return new RecorderOptions(fragmentsPerFile, background, fsync, timeout, c, partition, clock);
    }

    /** The same options with another partitioning. */
    public RecorderOptions withPartition(Partitioning p) {
        return new RecorderOptions(fragmentsPerFile, background, fsync, timeout, compression, p, clock);
    }

    /** The same options dating files by {@code c}. */
    public RecorderOptions withClock(Clock c) {
        return new RecorderOptions(fragmentsPerFile, background, fsync, timeout, compression, partition, c);
    }

    /** The same options with another timeout. */
    public RecorderOptions withTimeout(Duration t) {
        return new RecorderOptions(fragmentsPerFile, background, fsync, t, compression, partition, clock);
    }

    /** Today in UTC, by {@link #clock()}. */
    LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
