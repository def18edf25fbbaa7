package org.rlplay.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.BytesInput;
import org.rlplay.env.space.ElementType;

/**
 * A reused little-endian heap buffer holding the values of one Parquet page in PLAIN encoding
 * (the encoding the Parquet format defines as each value's little-endian bytes; booleans one bit
 * each, least significant first; binaries as a 4-byte length and the bytes). Filled in bulk from the
 * fragment's primitive arrays, so a page costs one copy rather than one library call per value.
 * Used by one thread (the recorder's writer).
 */
final class PlainBuffer {
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    /** Empties the buffer. */
    PlainBuffer clear() {
        buffer.clear();
        return this;
    }

    /** The bytes written since {@link #clear()} (a view, valid until the next write). */
    BytesInput bytes() {
        return BytesInput.from(buffer.array(), 0, buffer.position());
    }

    int size() {
        return buffer.position();
    }

    private void ensure(long more) {
        long needed = buffer.position() + more;
        if (needed > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a page of " + needed + " bytes is too large");
        }
        if (needed > buffer.capacity()) {
            ByteBuffer grown = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * buffer.capacity())))
                    .order(ByteOrder.LITTLE_ENDIAN);
            buffer.flip();
            grown.put(buffer);
            buffer = grown;
        }
    }

    /** Appends {@code n} values of {@code type} from {@code array[from ..)} as PLAIN (8-bit integers widened to INT32). */
    void put(ElementType type, Object array, int from, int n) {
        switch (type) {
            case BOOL: throw new IllegalArgumentException("booleans are bit-packed: use putBooleans");
            case UINT8: {
                ensure(4L * n);
                byte[] a = (byte[]) array;
                for (int i = 0; i < n; i++) {
                    buffer.putInt(a[from + i] & 0xff);
                }
                break;
            }
            case INT8: {
                ensure(4L * n);
                byte[] a = (byte[]) array;
                for (int i = 0; i < n; i++) {
                    buffer.putInt(a[from + i]);
                }
                break;
            }
            case INT32: {
                ensure(4L * n);
                buffer.asIntBuffer().put((int[]) array, from, n);
                buffer.position(buffer.position() + 4 * n);
                break;
            }
            case INT64: {
                ensure(8L * n);
                buffer.asLongBuffer().put((long[]) array, from, n);
                buffer.position(buffer.position() + 8 * n);
                break;
            }
            case FLOAT32: {
                ensure(4L * n);
                buffer.asFloatBuffer().put((float[]) array, from, n);
                buffer.position(buffer.position() + 4 * n);
                break;
            }
            default: {
                ensure(8L * n);
                buffer.asDoubleBuffer().put((double[]) array, from, n);
                buffer.position(buffer.position() + 8 * n);
                break;
            }
        }
    }

    /** Appends {@code n} booleans, bit-packed, least significant bit first . */
    void putBooleans(boolean[] a, int from, int n) {
        ensure((n + 7) / 8);
        int at = buffer.position();
        byte[] out = buffer.array();
        int bytes = (n + 7) / 8;
        java.util.Arrays.fill(out, at, at + bytes, (byte) 0);
        int whole = n & ~7;
        for (int i = 0; i < whole; i += 8) {
            int k = from + i;
            out[at + (i >> 3)] = (byte) ((a[k] ? 1 : 0) | (a[k + 1] ? 2 : 0) | (a[k + 2] ? 4 : 0) | (a[k + 3] ? 8 : 0)
                    | (a[k + 4] ? 16 : 0) | (a[k + 5] ? 32 : 0) | (a[k + 6] ? 64 : 0) | (a[k + 7] ? 128 : 0));
        }
        for (int i = whole; i < n; i++) {
            if (a[from + i]) {
                out[at + (i >> 3)] |= (byte) (1 << (i & 7));
            }
        }
        buffer.position(at + bytes);
    }

    /** Appends one BYTE_ARRAY value: its 4-byte length, then the bytes. */
    void putBinary(byte[] value) {
        ensure(4L + value.length);
        buffer.putInt(value.length);
        buffer.put(value);
    }

    void putIntLE(int v) {
        ensure(4);
        buffer.putInt(v);
    }

    /** Overwrites the 4 bytes at {@code at} with {@code v}, little-endian. */
    void patchIntLE(int at, int v) {
        buffer.putInt(at, v);
    }

    void putByte(int b) {
        ensure(1);
        buffer.put((byte) b);
    }

    void put(BytesInput bytes) {
        try {
            byte[] b = bytes.toByteArray();
            ensure(b.length);
            buffer.put(b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
