package org.rlplay.env.classic;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.SplitMix64;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Space;

/**
 * What the classic-control envs share: their spaces, the generator their resets draw from (Gymnasium's
 * {@code np_random} role, re-seeded by {@code reset(seed)}), the reset-before-step rule, access to the
 * physical state as doubles, and saving and loading the whole state (generator included) so that a
 * run can resume exactly.
 *
 * <p>A subclass draws a new state in {@link #resetState()}, advances it in {@link #advance} and writes
 * its observation in {@link #writeObservation}. Not thread-safe: one thread at a time, like every env.
 */
public abstract class ClassicControlEnv implements Env<float[]> {
    private final String name;
    private final Space observationSpace;
    private final Space actionSpace;
    private final int stateSize;
    /** The generator resets draw from. */
    protected final SplitMix64 rng = new SplitMix64(0L);
    private boolean hasState;

    protected ClassicControlEnv(String name, Space observationSpace, Space actionSpace, int stateSize) {
        this.name = name;
        this.observationSpace = observationSpace;
        this.actionSpace = actionSpace;
        this.stateSize = stateSize;
    }

    @Override
    public final Space observationSpace() {
        return observationSpace;
    }

    @Override
    public final Space actionSpace() {
        return actionSpace;
    }

    @Override
    public final void reset(long seed, float[] obs, int off) {
        rng.setState(seed);
        reset(obs, off);
    }

    @Override
    public final void reset(float[] obs, int off) {
        resetState();
        hasState = true;
        writeObservation(obs, off);
    }

    @Override
    public final void step(ActionBatch actions, int index, float[] obs, int off, Transition out) {
        if (!hasState) {
            throw new IllegalStateException(name + ": call reset before step");
        }
        advance(actions, index, out);
        writeObservation(obs, off);
    }

    /** Draws a new initial state from {@link #rng}. */
    protected abstract void resetState();

    /** Takes the action in slot {@code index}, advancing the state; sets reward and flags in {@code out}. */
    protected abstract void advance(ActionBatch actions, int index, Transition out);

    /** Writes the observation of the current state into {@code obs[off ..)}. */
    protected abstract void writeObservation(float[] obs, int off);

    /** The physical state into {@code out} (of the state size). */
    protected abstract void getState(double[] out);

    /** Sets the physical state from {@code in} (of the state size), as if the env had just been reset to it. */
    protected abstract void putState(double[] in);

    /** A copy of the physical state, in the order the subclass documents. */
    public final double[] state() {
        double[] s = new double[stateSize];
        getState(s);
        return s;
    }

    /**
     * Sets the physical state, as if the env had just been reset to it.
     *
     * @throws IllegalArgumentException if {@code state} does not have the state size
     */
    public final void setState(double... state) {
        if (state.length != stateSize) {
            throw new IllegalArgumentException(name + " state has " + stateSize + " elements, got " + state.length);
        }
        putState(state.clone());
        hasState = true;
    }

    @Override
    public boolean canSaveState() {
        return true;
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(rng.state());
        out.writeBoolean(hasState);
        for (double v : state()) {
            out.writeDouble(v);
        }
        saveExtra(out);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        rng.setState(in.readLong());
        boolean had = in.readBoolean();
        double[] s = new double[stateSize];
        for (int i = 0; i < stateSize; i++) {
            s[i] = in.readDouble();
        }
        putState(s);
        loadExtra(in);
        hasState = had;
    }

    /** Writes state beyond the physical one (the default: none). */
    protected void saveExtra(DataOutput out) throws IOException {
    }

    /** Reads what {@link #saveExtra} wrote, after {@link #putState}. */
    protected void loadExtra(DataInput in) throws IOException {
    }
}
