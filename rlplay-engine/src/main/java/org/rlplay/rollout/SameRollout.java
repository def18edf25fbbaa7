package org.rlplay.rollout;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.NoSuchElementException;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;

/**
 * The {@code same} mode: each {@link #next()} collects one fragment on the caller's thread into a
 * single preallocated slot. Deterministic, no threads. The returned fragment is overwritten by the
 * next call.
 *
 * <p>A failed {@code next()} leaves the collector mid-fragment, so the rollout stays failed: every
 * later {@code hasNext()}, {@code next()} and {@code publish()} rethrows the same exception, as the
 * ring modes do. One thread iterates it ({@link LearnerThread}); {@code close()} may come from any.
 */
final class SameRollout implements Rollout {
    private final Collector collector;
    private final FragmentWriter slot;
    private final LearnerThread learner = new LearnerThread();
    private long version;
    private RuntimeException failure;
    private volatile boolean closed;

    SameRollout(Collector collector) {
        this.collector = collector;
        this.slot = new FragmentWriter(collector.spec());
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
        if (closed) {
            throw new IllegalStateException("the rollout is closed");
        }
        learner.check("publish");
        throwIfFailed();
        return ++version;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        learner.check("hasNext");
        throwIfFailed();
        return true;
    }

    @Override
    public Fragment next() {
        if (closed) {
            throw new NoSuchElementException("the rollout is closed");
        }
        learner.check("next");
        throwIfFailed();
        try {
            collector.collect(slot, version);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } catch (Error e) {
            failure = new IllegalStateException("collection failed: " + e, e);
            throw e;
        }
        return slot.fragment();
    }

    @Override
    public boolean canSaveState() {
        return collector.canSaveState();
    }

    /** Magic and version of the saved state. */
    private static final String STATE_FORMAT = "rlplay.same-rollout.v1";

    @Override
    public void saveState(DataOutput out) throws IOException {
        learner.check("saveState");
        throwIfFailed();
        out.writeUTF(STATE_FORMAT);
        out.writeUTF(spec().toString());
        out.writeLong(version);
        collector.saveState(out);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        learner.check("loadState");
        String format = in.readUTF();
        if (!format.equals(STATE_FORMAT)) {
            throw new IllegalArgumentException("not a saved same-mode rollout state: " + format);
        }
        String layout = in.readUTF();
        if (!layout.equals(spec().toString())) {
            throw new IllegalArgumentException("the saved state is of a rollout of " + layout + ", this one is " + spec());
        }
        version = in.readLong();
        collector.loadState(in);
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public synchronized void close() {
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
