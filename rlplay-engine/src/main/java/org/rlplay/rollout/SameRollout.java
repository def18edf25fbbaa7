package org.rlplay.rollout;

import java.util.NoSuchElementException;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;

/**
 * The {@code same} mode: each {@link #next()} collects one fragment on the caller's thread into a
 * single preallocated slot. Deterministic, no threads. The returned fragment is overwritten by the
 * next call.
 */
final class SameRollout implements Rollout {
    private final Collector collector;
    private final Fragment slot;
    private long version;
    private boolean closed;

    SameRollout(Collector collector) {
        this.collector = collector;
        this.slot = new Fragment(collector.spec());
    }

    @Override
    public FragmentSpec spec() {
        return collector.spec();
    }

    @Override
    public long envSteps() {
        return collector.envSteps();
    }

    /** Advances the version only: the actor is the learner's model and sees every update at once. */
    @Override
    public long publish() {
        return ++version;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean hasNext() {
        return !closed;
    }

    @Override
    public Fragment next() {
        if (closed) {
            throw new NoSuchElementException("the rollout is closed");
        }
        collector.collect(slot, version);
        return slot;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            collector.close();
        } finally {
            slot.close();
        }
    }
}
