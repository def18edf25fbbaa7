package org.rlplay.testing;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Space;

/** A {@link ScriptedEnv} (episodes of 5 steps) that misbehaves at its {@code at}-th step (counted from 1). */
public final class FaultyEnv implements Env<float[]> {
    /** What goes wrong. */
    public enum Fault {
        /** Throws {@code IllegalStateException("boom")}. */
        THROW,
        /** Steps normally, then writes NaN into observation element 1. */
        NAN_OBSERVATION,
        /** Ends the episode (terminated) with NaN in element 1 of its last observation; the reset observation is finite. */
        NAN_FINAL_OBSERVATION,
        /** Steps normally but reports NaN as its info value (an env that does not report the key at this step). */
        NAN_INFO,
        /** Blocks until interrupted, then throws. */
        HANG_INTERRUPTIBLY,
        /** Blocks, ignoring interrupts, until {@link #close()}. */
        HANG_UNTIL_CLOSED
    }

    private final ScriptedEnv inner = new ScriptedEnv(new int[] {5}, -1);
    private final Fault fault;
    private final int at;
    private final CountDownLatch closed = new CountDownLatch(1);
    private int steps;

    public FaultyEnv(Fault fault, int at) {
        this.fault = fault;
        this.at = at;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    @Override
    public Space observationSpace() {
        return inner.observationSpace();
    }

    @Override
    public Space actionSpace() {
        return inner.actionSpace();
    }

    @Override
    public List<String> infoKeys() {
        return inner.infoKeys();
    }

    @Override
    public void reset(long seed, float[] obs, int off) {
        inner.reset(seed, obs, off);
    }

    @Override
    public void reset(float[] obs, int off) {
        inner.reset(obs, off);
    }

    @Override
    public void step(ActionBatch actions, int index, float[] obs, int off, Transition out) {
        if (++steps == at) {
            switch (fault) {
                case THROW -> throw new IllegalStateException("boom");
                case NAN_OBSERVATION -> {
                    inner.step(actions, index, obs, off, out);
                    obs[off + 1] = Float.NaN;
                    return;
                }
                case NAN_FINAL_OBSERVATION -> {
                    inner.step(actions, index, obs, off, out);
                    obs[off + 1] = Float.NaN;
                    out.set(out.reward(), true, false);
                    return;
                }
                case NAN_INFO -> {
                    inner.step(actions, index, obs, off, out);
                    out.info()[0] = Float.NaN;
                    return;
                }
                case HANG_INTERRUPTIBLY -> {
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while hanging", e);
                    }
                }
                case HANG_UNTIL_CLOSED -> {
                    while (closed.getCount() > 0) {
                        try {
                            closed.await();
                        } catch (InterruptedException ignoredOnPurpose) {
                            // this env models a native call that interruption does not end
                        }
                    }
                    throw new IllegalStateException("closed while stepping");
                }
                default -> throw new AssertionError(fault);
            }
        }
        inner.step(actions, index, obs, off, out);
    }

    @Override
    public void close() {
        closed.countDown();
    }
}
