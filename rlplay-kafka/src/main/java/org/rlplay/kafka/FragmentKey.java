package org.rlplay.kafka;

import java.nio.ByteBuffer;

/**
 * The key of a fragment record: which collector wrote it, which run of that collector
 * ({@code incarnation}: the wall-clock millisecond at which that collector process started, so a
 * restarted collector's is larger), and its sequence within that run, from 0. Encoded as 20
 * big-endian bytes {@code collector i32, incarnation i64, sequence i64}, so keys sort by collector,
 * run and sequence.
 *
 * <p>The learner hands a fragment out only if its key is newer than the last one it handed out from
 * that collector: a record of an older incarnation (a collector process thought dead that still
 * sends, or a replayed record) or a sequence already seen is dropped. Records of one collector all go
 * to one partition ({@code collector mod partitions}), so they arrive in the order they were sent.
 *
 * @param collector   the collector's id
 * @param incarnation the start time of the collector process, in ms since the epoch
 * @param sequence    the fragment's sequence number within that run
 */
public record FragmentKey(int collector, long incarnation, long sequence) {
    /** Bytes of an encoded key. */
    public static final int BYTES = 20;

    /** The 20-byte key. */
    public byte[] encode() {
        return ByteBuffer.allocate(BYTES).putInt(collector).putLong(incarnation).putLong(sequence).array();
    }

    /**
     * Decodes a 20-byte key.
     *
     * @throws IllegalArgumentException if {@code key} is not 20 bytes
     */
    public static FragmentKey decode(byte[] key) {
        if (key == null || key.length != BYTES) {
            throw new IllegalArgumentException("not an rlplay fragment key: expected " + BYTES + " bytes, got "
                    + (key == null ? "none" : key.length));
        }
        ByteBuffer b = ByteBuffer.wrap(key);
        return new FragmentKey(b.getInt(), b.getLong(), b.getLong());
    }

    /** Whether this key comes after {@code other} in the same collector's stream (a newer run, or a later sequence). */
    public boolean isAfter(FragmentKey other) {
        return incarnation > other.incarnation || (incarnation == other.incarnation && sequence > other.sequence);
    }
}
