package org.rlplay.gym;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.rlplay.env.space.ElementType;

/**
 * An observation region of the shared memory, in the observations' storage type: float32, int32 or
 * 8-bit elements, copied in bulk into the engine's primitive arrays. Allocates nothing per copy.
 * Used by the owner of its {@link SharedBuffers}.
 */
final class ObsRegion {
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final IntBuffer ints;

    ObsRegion(ElementType type, ByteBuffer region) {
        this.bytes = region;
        this.floats = type == ElementType.FLOAT32 ? region.asFloatBuffer() : null;
        this.ints = type == ElementType.INT32 ? region.asIntBuffer() : null;
        if (type != ElementType.FLOAT32 && type != ElementType.INT32 && type != ElementType.UINT8
                && type != ElementType.INT8) {
            throw new IllegalArgumentException("observations stored as " + type.numpyName() + " are not supported");
        }
    }

    /** Copies {@code count} elements from element {@code from} into {@code dst[at ..)}, an array of the storage type. */
    void read(int from, Object dst, int at, int count) {
        if (floats != null) {
            floats.get(from, (float[]) dst, at, count);
        } else if (ints != null) {
            ints.get(from, (int[]) dst, at, count);
        } else {
            bytes.get(from, (byte[]) dst, at, count);
        }
    }
}
