package org.rlplay.actor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import org.rlplay.env.ActionBatch;
import org.rlplay.fragment.FragmentWriter;

/**
 * Where {@link Actor#step} puts its actions and its info. Actions go either straight into the
 * primitive {@link #actions()} batch (no DJL, no copy) or from an NDArray via
 * {@link #actions(NDArray)} (one bulk copy); info arrays go via {@link #info(NDList)} into the
 * fragment's actor-info columns (one bulk copy each).
 *
 * <p>Made by an {@link ActorDriver} or an {@link ActorCall}; valid only inside the {@code step} call
 * it is passed to.
 */
public final class ActorOutput {
    private final ActionBatch actions;
    private final int numEnvs;
    private final int width;
    private FragmentWriter fragment;
    private int t;
    private boolean actionsWritten;
    private boolean infoWritten;

    ActorOutput(ActionBatch actions) {
        this.actions = actions;
        this.numEnvs = actions.numEnvs();
        this.width = actions.width();
    }

    /** Points this output at record {@code t} of {@code fragment} and clears the written flags. */
    void bind(FragmentWriter fragment, int t) {
        this.fragment = fragment;
        this.t = t;
        this.actionsWritten = false;
        this.infoWritten = false;
    }

    /** The action batch to write directly; calling this counts as writing the actions. */
    public ActionBatch actions() {
        actionsWritten = true;
        return actions;
    }

    /**
     * Copies the actions from {@code a}, which must hold N * width elements (shape (N,) or (N, ...)):
     * an integer or boolean type for discrete-stored action spaces, float32 or float64 otherwise.
     *
     * @throws IllegalArgumentException naming the field {@code act} on a wrong shape or type
     */
    public void actions(NDArray a) {
        long expected = (long) numEnvs * width;
        if (a.size() != expected || a.getShape().dimension() == 0 || a.getShape().get(0) != numEnvs) {
            throw new IllegalArgumentException("act: expected " + numEnvs + " actions of " + width
                    + " element(s) (shape (N=" + numEnvs + ", ...)), got shape " + a.getShape());
        }
        DataType type = a.getDataType();
        ByteBuffer src = a.toByteBuffer(true);
        int n = (int) expected;
        if (actions.ints() != null) {
            int[] dst = actions.ints();
            switch (type) {
                case INT64: for (int i = 0; i < n; i++) { dst[i] = Math.toIntExact(src.getLong(8 * i)); } break;
                case INT32: for (int i = 0; i < n; i++) { dst[i] = src.getInt(4 * i); } break;
                case INT8: case BOOLEAN: for (int i = 0; i < n; i++) { dst[i] = src.get(i); } break;
                case UINT8: for (int i = 0; i < n; i++) { dst[i] = src.get(i) & 0xff; } break;
                default: throw new IllegalArgumentException("act: the action space " + actions.space()
                        + " needs integer actions, got " + type);
            }
        } else {
            float[] dst = actions.floats();
            switch (type) {
                case FLOAT32: for (int i = 0; i < n; i++) { dst[i] = src.getFloat(4 * i); } break;
                case FLOAT64: for (int i = 0; i < n; i++) { dst[i] = (float) src.getDouble(8 * i); } break;
                default: throw new IllegalArgumentException("act: the action space " + actions.space()
                        + " needs float32 or float64 actions, got " + type);
            }
        }
        actionsWritten = true;
    }

    /**
     * Records the actor's info for this step: each array shaped (N, ...), named by
     * {@link NDArray#setName} (unnamed ones are called {@code info0, info1, ...}). The same names,
     * types and shapes must be reported at every step.
     */
    public void info(NDList info) {
        fragment.putActorInfo(t, info);
        infoWritten = true;
    }

    boolean actionsWritten() {
        return actionsWritten;
    }

    boolean infoWritten() {
        return infoWritten;
    }
}
