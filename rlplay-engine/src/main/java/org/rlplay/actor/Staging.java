package org.rlplay.actor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.TypedArrays;

/**
 * A preallocated direct buffer through which one batch of a column is handed to DJL: one bulk copy
 * from the primitive storage, then an NDArray created over the buffer (it aliases the buffer, so it
 * is valid until the next {@link #load}). Allocates nothing per load besides the NDArray itself.
 */
final class Staging {
    private final ElementType type;
    private final Shape shape;
    private final int count;
    private final ByteBuffer buffer;
    private final FloatBuffer floats;
    private final IntBuffer ints;

    Staging(ElementType type, Shape shape) {
        this.type = type;
        this.shape = shape;
        this.count = Math.toIntExact(shape.size());
        this.buffer = ByteBuffer.allocateDirect(Math.max(1, count * type.bytes())).order(ByteOrder.nativeOrder());
        this.floats = type == ElementType.FLOAT32 ? buffer.asFloatBuffer() : null;
        this.ints = type == ElementType.INT32 ? buffer.asIntBuffer() : null;
    }

    /** Copies {@code array[from .. from + count)} into the buffer and returns an array over it, created in {@code manager}. */
    NDArray load(NDManager manager, Object array, int from) {
        if (floats != null) {
            floats.put(0, (float[]) array, from, count);
        } else if (ints != null) {
            ints.put(0, (int[]) array, from, count);
        } else {
            TypedArrays.write(type, array, from, count, buffer, 0);
        }
        buffer.clear();
        return manager.create(buffer, shape, TypedArrays.dataType(type));
    }
}
