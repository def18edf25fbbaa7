package org.rlplay.actor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.rlplay.fragment.TypedArrays;
import org.rlplay.env.ActionBatch;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;

/**
 * Steps an {@link Actor} over the records of fragments being written, and keeps what the actor's
 * contract needs between steps: its recurrent state {@code hx} (alive beyond each step's DJL scope,
 * released when replaced), one DJL sub-scope per step, and the checks that make a misbehaving actor
 * fail loudly instead of writing a wrong fragment:
 * <ul>
 * <li>a real step must write actions;</li>
 * <li>an actor reports info at every step or at none (the virtual step included);</li>
 * <li>every hx array is laid out {@code (layers, N, ...)}, batch in dim 1;</li>
 * <li>the virtual step receives a copy of hx, so an actor that updates hx in place cannot advance it.</li>
 * </ul>
 *
 * <p>For collectors (the engine's rollouts, and collector processes built on them). Used by one
 * thread at a time; owns its DJL scope and hx (released by {@link #close()}), not the actor.
 */
public final class ActorDriver implements AutoCloseable {
    private static final int UNKNOWN = -1;

    private final Actor actor;
    private final int numEnvs;
    private final StepScope scope = new StepScope();
    private final RecordBatch records;
    private final ActionBatch actions;
    private final ActorOutput out;
    private NDList hx;
    private int reportsInfo = UNKNOWN;
    private int firstInfoRecord;

    /** A driver of {@code actor} over fragments of layout {@code spec}. */
    public ActorDriver(Actor actor, FragmentSpec spec) {
        this.actor = actor;
        this.numEnvs = spec.numEnvs();
        this.records = new RecordBatch(spec, scope);
        this.actions = new ActionBatch(spec.actionSpace(), numEnvs);
        this.out = new ActorOutput(actions);
    }

    /** Call at the start of every fragment, on the collecting thread: turns PyTorch's grad mode off there. */
    public void beginFragment() {
        scope.noGrad();
    }

    /** The actions the last real step wrote, (N, width). */
    public ActionBatch actions() {
        return actions;
    }

    /** The actor's current recurrent state (owned by this driver; read, do not close), or null. */
    public NDList hx() {
        return hx;
    }

    /**
     * The real step at record {@code t} of {@code w}'s fragment: the actor reads the record, writes
     * its actions into {@link #actions()} and its info into record t's actor info columns; hx advances.
     *
     * @throws IllegalStateException    if the actor wrote no actions, or reported info at some steps only
     * @throws IllegalArgumentException if the returned hx is not batched in dim 1, or the info is malformed
     */
    public void step(FragmentWriter w, int t) {
        try {
            records.bind(w.fragment(), t);
            out.bind(w, t);
            NDList next = actor.step(records, hx, false, out);
            if (!out.actionsWritten()) {
                throw new IllegalStateException("actor.step wrote no actions at record " + t
                        + ": call out.actions(NDArray) or write out.actions()");
            }
            checkInfo(t, false);
            adopt(next, "actor.step");
        } finally {
            scope.endIteration();
        }
    }

    /**
     * The virtual step at record {@code t} (the fragment's last): the actor writes record t's info
     * from a <em>copy</em> of hx; its actions and the hx it returns are discarded.
     */
    public void virtualStep(FragmentWriter w, int t) {
        try {
            records.bind(w.fragment(), t);
            out.bind(w, t);
            NDList given = hx == null ? null : copy(hx);
            NDList discarded = actor.step(records, given, true, out);
            checkInfo(t, true);
            if (discarded != null && discarded != given) {
                closeExcept(discarded, hx);
            }
        } finally {
            scope.endIteration();
        }
    }

    /** After env {@code j}'s episode ended: {@code hx = actor.reset(hx, j)}, before the next step. */
    public void reset(int j) {
        try {
            adopt(actor.reset(hx, j), "actor.reset");
        } finally {
            scope.endIteration();
        }
    }

    private NDList copy(NDList state) {
        NDList c = new NDList(state.size());
        for (NDArray a : state) {
            NDArray d = a.duplicate();
            d.attach(scope.manager());
            c.add(d);
        }
        return c;
    }

    private void checkInfo(int t, boolean virtual) {
        int reported = out.infoWritten() ? 1 : 0;
        if (reportsInfo == UNKNOWN) {
            reportsInfo = reported;
            firstInfoRecord = t;
        } else if (reported != reportsInfo) {
            String step = virtual ? "the virtual step at record " + t : "record " + t;
            throw new IllegalStateException("actor.step " + (reported == 1 ? "reported" : "did not report")
                    + " info at " + step + " but " + (reportsInfo == 1 ? "reported" : "did not report")
                    + " it at record " + firstInfoRecord + ": report the same info at every step, virtual or not");
        }
    }

    /** Keeps {@code next} alive beyond the step scope and releases what of the old hx it dropped. */
    private void adopt(NDList next, String who) {
        if (next == hx) {
            return;
        }
        if (next != null) {
            for (int k = 0; k < next.size(); k++) {
                Shape s = next.get(k).getShape();
                if (s.dimension() < 2 || s.get(1) != numEnvs) {
                    throw new IllegalArgumentException(who + " returned hx[" + k + "] of shape " + s
                            + ": expected (layers, N=" + numEnvs + ", ...), the batch in dim 1 as DJL/torch recurrent"
                            + " layers lay it out");
                }
            }
            next.attach(scope.base());
        }
        if (hx != null) {
            closeExcept(hx, next);
        }
        hx = next;
    }

    private static void closeExcept(NDList list, NDList keep) {
        for (NDArray a : list) {
            boolean kept = false;
            if (keep != null) {
                for (NDArray k : keep) {
                    kept |= k == a;
                }
            }
            if (!kept) {
                a.close();
            }
        }
    }

    /** Writes hx (types, shapes and values; nothing for a null hx), for an exact resume. */
    public void saveState(DataOutput out) throws IOException {
        if (hx == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(hx.size());
        for (NDArray a : hx) {
            out.writeUTF(TypedArrays.elementType(a.getDataType()).numpyName());
            long[] shape = a.getShape().getShape();
            out.writeInt(shape.length);
            for (long d : shape) {
                out.writeLong(d);
            }
            ByteBuffer bytes = a.toByteBuffer();
            byte[] raw = new byte[bytes.remaining()];
            bytes.get(raw);
            out.writeInt(raw.length);
            out.write(raw);
        }
    }

    /** Restores an hx written by {@link #saveState} (in this driver's DJL scope, checked like a returned hx). */
    public void loadState(DataInput in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            adopt(null, "the saved state");
            return;
        }
        NDList state = new NDList(count);
        for (int k = 0; k < count; k++) {
            DataType type = TypedArrays.dataType(org.rlplay.env.space.ElementType.ofNumpy(in.readUTF()));
            long[] shape = new long[in.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readLong();
            }
            byte[] raw = new byte[in.readInt()];
            in.readFully(raw);
            ByteBuffer data = ByteBuffer.allocateDirect(Math.max(1, raw.length)).order(ByteOrder.nativeOrder());
            data.put(raw).flip();
            state.add(scope.base().create(data, new Shape(shape), type));
        }
        adopt(state, "the saved state");
    }

    /** Releases hx and the DJL scope. Idempotent. */
    @Override
    public void close() {
        hx = null;
        scope.close();
    }
}
