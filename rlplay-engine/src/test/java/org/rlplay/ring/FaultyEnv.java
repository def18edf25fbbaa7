package org.rlplay.ring;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Space;
import org.rlplay.testing.ScriptedEnv;

/** A {@link ScriptedEnv} that misbehaves at its {@code at}-th step (counted from 1). */
final class FaultyEnv implements Env {
    enum Fault {
        /** Throws {@code IllegalStateException("boom")}. */
        THROW,
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

    FaultyEnv(Fault fault, int at) {
        this.fault = fault;
        this.at = at;
    }

    boolean isClosed() {
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
