package org.rlplay.rollout;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one way threads of a rollout wait: park until a condition holds, the rollout stops, or a
 * deadline passes, re-checking at a fixed period even if nobody wakes the thread (a missed wake-up
 * costs at most that period, never a hang). No spinning, no allocation.
 *
 * <p>One waiting thread per waiter; {@link #wake()} may be called from any thread.
 */
final class Waiter {
    /** A condition over one long argument (a ring sequence), so that waiting allocates no closure. */
    @FunctionalInterface
    interface Condition {
        boolean holds(long argument);
    }

    /** How a wait ended. */
    enum Outcome { READY, STOPPED, TIMED_OUT }

    /** Period at which a parked thread re-checks its condition. */
    static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Condition stopped;
    private volatile Thread parked;

    /** A waiter that also ends its waits when {@code stopped} holds (its argument is ignored). */
    Waiter(Condition stopped) {
        this.stopped = stopped;
    }

    /**
     * Waits until {@code ready.holds(argument)}, the stop condition holds, or {@code deadline} (a
     * {@link System#nanoTime()} value; {@link Long#MAX_VALUE} for none) passes. Readiness wins over
     * stopping when both hold.
     */
    Outcome await(Condition ready, long argument, long deadline) {
        while (true) {
            if (ready.holds(argument)) {
                return Outcome.READY;
            }
            if (stopped.holds(argument)) {
                return Outcome.STOPPED;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Outcome.TIMED_OUT;
            }
            parked = Thread.currentThread();
            VarHandle.fullFence();
            if (!ready.holds(argument) && !stopped.holds(argument)) {
                LockSupport.parkNanos(this, Math.min(left, RECHECK_NANOS));
            }
            parked = null;
        }
    }

    /** Unparks the waiting thread, if one is parked. */
    void wake() {
        VarHandle.fullFence();
        Thread t = parked;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
