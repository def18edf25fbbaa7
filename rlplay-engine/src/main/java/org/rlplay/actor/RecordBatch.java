package org.rlplay.actor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;

/**
 * What the actor sees at one step: record t for all N envs, {@code (stepno, obs, act, rew, fin)}
 * (see {@link Fragment} for the meaning of each field).
 *
 * <p>Two ways to read it: scalar accessors over the engine's primitive storage (no allocation), or
 * DJL arrays ({@link #obs()}, {@link #act()}, {@link #rew()}, {@link #fin()}, {@link #stepno()}) made
 * by one bulk copy per field into a staging buffer and created in the step's {@link #manager()}.
 * Observations come in their space's {@linkplain org.rlplay.env.space.Space#storageType() storage
 * type} (float32, or uint8 for an image: cast in the actor). Those arrays alias the staging
 * buffers: they are valid during this {@code actor.step} call only (use {@code duplicate()} to keep
 * one). Made by an {@link ActorDriver}; valid only inside the call it is passed to.
 */
public final class RecordBatch {
    private final int numEnvs;
    private final int obsSize;
    private final int actSize;
    private final StepScope scope;
    private final Staging obsStage;
    private final Staging actStage;
    private final Staging rewStage;
    private final Staging stepStage;
    private final Shape actShape;
    private final ByteBuffer finStage;
    private final Shape batchShape;
    private final ByteBuffer actLongs;
    private final boolean discrete;
    private Fragment fragment;
    private Column obs;
    private int t;
    private int base;

    RecordBatch(FragmentSpec spec, StepScope scope) {
        this.numEnvs = spec.numEnvs();
        this.obsSize = spec.observationSpace().size();
        this.actSize = spec.actionSpace().size();
        this.scope = scope;
        this.discrete = spec.actionSpace().isDiscrete();
        Shape batch = new Shape(numEnvs);
        this.obsStage = new Staging(spec.observationSpace().storageType(),
                new Shape(prepend(numEnvs, spec.observationSpace().shape())));
        this.actShape = new Shape(prepend(numEnvs, spec.actionSpace().shape()));
        this.actStage = discrete ? null : new Staging(ElementType.FLOAT32, actShape);
        this.actLongs = discrete ? direct(numEnvs * actSize * 8) : null;
        this.rewStage = new Staging(ElementType.FLOAT32, batch);
        this.stepStage = new Staging(ElementType.INT32, batch);
        this.finStage = direct(numEnvs);
        this.batchShape = batch;
    }

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(Math.max(bytes, 1)).order(ByteOrder.nativeOrder());
    }

    private static long[] prepend(int n, int[] shape) {
        long[] out = new long[shape.length + 1];
        out[0] = n;
        for (int i = 0; i < shape.length; i++) {
            out[i + 1] = shape[i];
        }
        return out;
    }

    /** Points this batch at record {@code t} of {@code fragment}. */
    void bind(Fragment fragment, int t) {
        if (fragment != this.fragment) {
            this.fragment = fragment;
            this.obs = fragment.column(ColumnSpec.OBS);
        }
        this.t = t;
        this.base = fragment.index(t, 0);
    }

    /** The record index t within the current fragment. */
    public int recordIndex() {
        return t;
    }

    /** Number of envs N. */
    public int numEnvs() {
        return numEnvs;
    }

    /** The manager of the current step: arrays created in it are released after the step. */
    public NDManager manager() {
        return scope.manager();
    }

    public int stepno(int j) {
        return fragment.stepno()[base + j];
    }

    /** Element {@code i} of env {@code j}'s observation, as a float whatever the storage. */
    public float obs(int j, int i) {
        return obs.getFloat(t, j, i);
    }

    public float rew(int j) {
        return fragment.rew()[base + j];
    }

    public boolean fin(int j) {
        return fragment.fin()[base + j];
    }

    /** Element {@code i} of the previous action of env {@code j}, as a float. */
    public float act(int j, int i) {
        int k = (base + j) * actSize + i;
        return discrete ? fragment.actInts()[k] : fragment.actFloats()[k];
    }

    /** Observations, (N, ...) of the observations' storage type (float32 for float spaces). */
    public NDArray obs() {
        return obsStage.load(manager(), obs.array(), base * obsSize);
    }

    /** Previous actions, (N, ...): int64 for discrete-stored action spaces, else float32. */
    public NDArray act() {
        int from = base * actSize;
        if (discrete) {
            int[] a = fragment.actInts();
            int n = numEnvs * actSize;
            for (int i = 0; i < n; i++) {
                actLongs.putLong(8 * i, a[from + i]);
            }
            return manager().create(actLongs, actShape, DataType.INT64);
        }
        return actStage.load(manager(), fragment.actFloats(), from);
    }

    /** Rewards, (N) float32. */
    public NDArray rew() {
        return rewStage.load(manager(), fragment.rew(), base);
    }

    /** Episode-end flags, (N) boolean. */
    public NDArray fin() {
        boolean[] f = fragment.fin();
        for (int j = 0; j < numEnvs; j++) {
            finStage.put(j, f[base + j] ? (byte) 1 : (byte) 0);
        }
        return manager().create(finStage, batchShape, DataType.BOOLEAN);
    }

    /** Steps into the current episode, (N) int32. */
    public NDArray stepno() {
        return stepStage.load(manager(), fragment.stepno(), base);
    }
}
