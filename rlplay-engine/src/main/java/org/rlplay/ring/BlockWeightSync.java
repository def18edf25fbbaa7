package org.rlplay.ring;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link WeightSync} for DJL: the learner trains a {@link Block}; collector c's actor runs
 * replica block c, built by the same code and initialised with the same input shape (same
 * parameters in the same order, same shapes and types).
 *
 * <p>{@link #publish} copies every parameter array of the learner's block into a snapshot: native
 * in-place copies, grad mode off, into a buffer no collector is reading (double buffering; when
 * every buffer is being read a new one is allocated, so there are never more than collectors + 2).
 * {@link #adopt} copies the newest snapshot into the replica's parameter arrays in place. The
 * learner never waits for a collector, and a collector waits only for its own copy (plus a short
 * lock around the bookkeeping). Snapshots live on the learner's parameters' device; a replica on
 * another device gets a transient transfer per parameter.
 *
 * <p>Threads: {@code publish} on the training loop's thread, {@code adopt(c, ...)} on collector c's
 * thread. Owns the snapshots (closed by {@link #close()}); does not own the blocks.
 */
public final class BlockWeightSync implements WeightSync {
    private static final NDIndex ALL = new NDIndex("...");

    private final Parameter[] source;
    private final Parameter[][] replicas;
    private final NDManager manager;
    private final List<Snapshot> snapshots = new ArrayList<>();
    private Snapshot newest;
    private boolean closed;

    /**
     * @param learner  the block the learner trains, initialised
     * @param replicas replica block c for collector c, initialised, with the learner's parameters
     * @throws IllegalArgumentException if a replica's parameters differ in number, name, shape or type,
     *     naming the replica and the parameter
     */
    public BlockWeightSync(Block learner, List<? extends Block> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("replicas: at least one replica block is needed");
        }
        this.source = parameters(learner, "learner");
        this.replicas = new Parameter[replicas.size()][];
        for (int c = 0; c < replicas.size(); c++) {
            Parameter[] r = parameters(replicas.get(c), "replica " + c);
            if (r.length != source.length) {
                throw new IllegalArgumentException("replica " + c + " has " + r.length
                        + " parameters but the learner's block has " + source.length);
            }
            for (int i = 0; i < r.length; i++) {
                NDArray want = source[i].getArray();
                NDArray got = r[i].getArray();
                if (!want.getShape().equals(got.getShape()) || want.getDataType() != got.getDataType()) {
                    throw new IllegalArgumentException("replica " + c + " parameter " + i + " '" + r[i].getName()
                            + "' is " + got.getDataType() + " " + got.getShape() + " but the learner's '"
                            + source[i].getName() + "' is " + want.getDataType() + " " + want.getShape());
                }
            }
            this.replicas[c] = r;
        }
        this.manager = source[0].getArray().getManager().getEngine()
                .newBaseManager(source[0].getArray().getDevice());
    }

    private static Parameter[] parameters(Block block, String which) {
        PairList<String, Parameter> list = block.getParameters();
        if (list.isEmpty()) {
            throw new IllegalArgumentException(which + ": the block has no parameters");
        }
        Parameter[] out = new Parameter[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.valueAt(i);
            if (!out[i].isInitialized()) {
                throw new IllegalArgumentException(which + ": parameter '" + list.keyAt(i)
                        + "' is not initialised (call block.initialize first)");
            }
        }
        return out;
    }

    /** Number of snapshot buffers allocated so far (2 unless collectors read while the learner published). */
    public synchronized int snapshotBuffers() {
        return snapshots.size();
    }

    @Override
    public void publish(long version) {
        Snapshot s;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the weight sync is closed");
            }
            s = free();
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int i = 0; i < source.length; i++) {
                s.arrays[i].set(ALL, source[i].getArray());
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        synchronized (this) {
            s.version = version;
            newest = s;
        }
    }

    /** A snapshot that is neither the newest nor being read, allocated if there is none. */
    private Snapshot free() {
        for (Snapshot s : snapshots) {
            if (s != newest && s.readers == 0) {
                return s;
            }
        }
        Snapshot s = new Snapshot(source, manager);
        snapshots.add(s);
        return s;
    }

    @Override
    public long adopt(int collector, long held) {
        Snapshot s;
        synchronized (this) {
            s = newest;
            if (s == null || s.version <= held || closed) {
                return held;
            }
            s.readers++;
        }
        JniUtils.setGradMode(false);
        try {
            Parameter[] target = replicas[collector];
            for (int i = 0; i < target.length; i++) {
                NDArray dst = target[i].getArray();
                NDArray src = s.arrays[i];
                Device device = dst.getDevice();
                if (device.equals(src.getDevice())) {
                    dst.set(ALL, src);
                } else {
                    try (NDArray moved = src.toDevice(device, true)) {
                        dst.set(ALL, moved);
                    }
                }
            }
        } finally {
            synchronized (this) {
                s.readers--;
            }
        }
        return s.version;
    }

    /** Releases the snapshots. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            newest = null;
            manager.close();
        }
    }

    /** One copy of every parameter, with the version it holds and the number of collectors reading it. */
    private static final class Snapshot {
        final NDArray[] arrays;
        long version;
        int readers;

        Snapshot(Parameter[] like, NDManager manager) {
            arrays = new NDArray[like.length];
            for (int i = 0; i < like.length; i++) {
                NDArray a = like[i].getArray();
                arrays[i] = manager.zeros(a.getShape(), a.getDataType());
            }
        }
    }
}
