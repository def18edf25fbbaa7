package org.rlplay.actor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.rlplay.fragment.Fragment;

/**
 * What the actor sees at one step: record t for all N envs, {@code (stepno, obs, act, rew, fin)}
 * (see {@link Fragment} for the meaning of each field).
 *
 * <p>Two ways to read it: scalar accessors over the engine's primitive storage (no allocation), or
 * DJL arrays ({@link #obs()}, {@link #act()}, {@link #rew()}, {@link #fin()}, {@link #stepno()}) made
 * by one bulk copy per field into a staging buffer and created in the step's {@link #manager()}.
 * Those arrays alias the staging buffers: they are valid during this {@code actor.step} call only
 * (use {@code duplicate()} to keep one). Owned by a collector; valid only inside the call it is
 * passed to.
 */
public final class RecordBatch {
    private final int numEnvs;
    private final int obsSize;
    private final int actSize;
    private final StepScope scope;
    private final Shape obsShape;
    private final Shape actShape;
    private final Shape batchShape;
    private final ByteBuffer obsStage;
    private final ByteBuffer actStage;
    private final ByteBuffer rewStage;
    private final ByteBuffer finStage;
    private final ByteBuffer stepStage;
    private final FloatBuffer obsFloats;
    private final FloatBuffer actFloats;
    private final FloatBuffer rewFloats;
    private final IntBuffer stepInts;
    private final boolean discrete;
    private Fragment fragment;
    private int t;
    private int base;

    /** Staging for {@code numEnvs} envs of the given spaces, creating arrays in {@code scope}. */
    public RecordBatch(org.rlplay.fragment.FragmentSpec spec, StepScope scope) {
        this.numEnvs = spec.numEnvs();
        this.obsSize = spec.observationSpace().size();
        this.actSize = spec.actionSpace().size();
        this.scope = scope;
        this.obsShape = new Shape(prepend(numEnvs, spec.observationSpace().shape()));
        this.actShape = new Shape(prepend(numEnvs, spec.actionSpace().shape()));
        this.batchShape = new Shape(numEnvs);
        this.discrete = spec.actionSpace().isDiscrete();
        this.obsStage = direct(numEnvs * obsSize * 4);
        this.actStage = direct(numEnvs * actSize * (discrete ? 8 : 4));
        this.rewStage = direct(numEnvs * 4);
        this.finStage = direct(numEnvs);
        this.stepStage = direct(numEnvs * 4);
        this.obsFloats = obsStage.asFloatBuffer();
        this.actFloats = actStage.asFloatBuffer();
        this.rewFloats = rewStage.asFloatBuffer();
        this.stepInts = stepStage.asIntBuffer();
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

    /** Points this batch at record {@code t} of {@code fragment}. For collectors. */
    public void bind(Fragment fragment, int t) {
        this.fragment = fragment;
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

    public float obs(int j, int i) {
        return fragment.obs()[(base + j) * obsSize + i];
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

    /** Observations, (N, ...) float32. */
    public NDArray obs() {
        obsFloats.clear();
        obsFloats.put(fragment.obs(), base * obsSize, numEnvs * obsSize);
        return manager().create(obsStage, obsShape, DataType.FLOAT32);
    }

    /** Previous actions, (N, ...): int64 for discrete-stored action spaces, else float32. */
    public NDArray act() {
        actStage.clear();
        int from = base * actSize;
        int n = numEnvs * actSize;
        if (discrete) {
            int[] a = fragment.actInts();
            for (int i = 0; i < n; i++) {
                actStage.putLong(8 * i, a[from + i]);
            }
            return manager().create(actStage, actShape, DataType.INT64);
        }
        actFloats.clear();
        actFloats.put(fragment.actFloats(), from, n);
        return manager().create(actStage, actShape, DataType.FLOAT32);
    }

    /** Rewards, (N) float32. */
    public NDArray rew() {
        rewFloats.clear();
        rewFloats.put(fragment.rew(), base, numEnvs);
        return manager().create(rewStage, batchShape, DataType.FLOAT32);
    }

    /** Episode-end flags, (N) boolean. */
    public NDArray fin() {
        boolean[] f = fragment.fin();
        for (int j = 0; j < numEnvs; j++) {
            finStage.put(j, f[base + j] ? (byte) 1 : (byte) 0);
        }
        finStage.clear();
        return manager().create(finStage, batchShape, DataType.BOOLEAN);
    }

    /** Steps into the current episode, (N) int32. */
    public NDArray stepno() {
        stepInts.clear();
        stepInts.put(fragment.stepno(), base, numEnvs);
        return manager().create(stepStage, batchShape, DataType.INT32);
    }
}
