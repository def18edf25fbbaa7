package org.rlplay.kafka;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a replay of a fragments topic starts ({@link KafkaRollouts#replay}): at the beginning of what
 * the topic retains, at an offset (the same on every partition), or at the first record sent at or
 * after a time. Immutable.
 */
public final class ReplayStart {
    private final long offset;
    private final Instant time;

    private ReplayStart(long offset, Instant time) {
        this.offset = offset;
        this.time = time;
    }

    /** The oldest record the topic retains. */
    public static ReplayStart beginning() {
        return new ReplayStart(-1, null);
    }

    /** Offset {@code offset} of every partition (or the oldest retained, if that is later). */
    public static ReplayStart offset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        return new ReplayStart(offset, null);
    }

    /** The first record of each partition whose timestamp (the time its collector sent it) is at or after {@code time}. */
    public static ReplayStart time(Instant time) {
        return new ReplayStart(-1, Objects.requireNonNull(time, "time"));
    }

    /** The offset, or -1 if this start is not an offset. */
    long offsetOrNegative() {
        return offset;
    }

    /** The time, or null if this start is not a time. */
    Instant timeOrNull() {
        return time;
    }

    @Override
    public String toString() {
        return time != null ? "time " + time : offset >= 0 ? "offset " + offset : "beginning";
    }
}
