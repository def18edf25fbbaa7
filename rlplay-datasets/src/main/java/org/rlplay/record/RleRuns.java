package org.rlplay.record;

/**
 * Repetition and definition levels, and dictionary indices, as runs of equal values, written in
 * the RLE form of Parquet's RLE/bit-packing hybrid encoding (each run: ULEB128 of
 * {@code count << 1}, then the value in {@code ceil(bitWidth / 8)} little-endian bytes; every
 * sequence of values can be written as such runs). The columns this writes change value rarely
 * along a row group (null, then a value on one row in T; the same dictionary index for a whole
 * episode), so a few runs replace one library call per row. Reused; used by one thread.
 */
final class RleRuns {
    private int[] values = new int[64];
    private int[] counts = new int[64];
    private int size;

    RleRuns clear() {
        size = 0;
        return this;
    }

    /** Appends {@code count} (>= 0) copies of {@code value}. */
    void add(int value, int count) {
        if (count <= 0) {
            return;
        }
        if (size > 0 && values[size - 1] == value) {
            counts[size - 1] += count;
            return;
        }
        if (size == values.length) {
            values = java.util.Arrays.copyOf(values, 2 * size);
            counts = java.util.Arrays.copyOf(counts, 2 * size);
        }
        values[size] = value;
        counts[size] = count;
        size++;
    }

    /**
     * Writes the runs at {@code bitWidth} into {@code out}, preceded by their byte length as a 4-byte
     * little-endian integer if {@code lengthPrefixed} (how data page v1 stores levels).
     */
    void writeTo(PlainBuffer out, int bitWidth, boolean lengthPrefixed) {
        int valueBytes = (bitWidth + 7) / 8;
        int start = out.size();
        if (lengthPrefixed) {
            out.putIntLE(0);
        }
        for (int i = 0; i < size; i++) {
            long header = (long) counts[i] << 1;
            while ((header & ~0x7FL) != 0) {
                out.putByte((int) ((header & 0x7F) | 0x80));
                header >>>= 7;
            }
            out.putByte((int) header);
            int v = values[i];
            for (int b = 0; b < valueBytes; b++) {
                out.putByte(v & 0xff);
                v >>>= 8;
            }
        }
        if (lengthPrefixed) {
            out.patchIntLE(start, out.size() - start - 4);
        }
    }
}
