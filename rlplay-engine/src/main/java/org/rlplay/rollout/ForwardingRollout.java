package org.rlplay.rollout;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;

/**
 * A rollout that forwards every call to the rollout it wraps; subclasses override what they add (a
 * recorder that sees each fragment, a rollout that also closes what was built for it). Owns the
 * wrapped rollout: {@link #close()} closes it. Threading is the wrapped rollout's.
 */
public abstract class ForwardingRollout implements Rollout {
    /** The wrapped rollout. */
    protected final Rollout delegate;

    protected ForwardingRollout(Rollout delegate) {
        this.delegate = delegate;
    }

    @Override
    public FragmentSpec spec() {
        return delegate.spec();
    }

    @Override
    public long envSteps() {
        return delegate.envSteps();
    }

    @Override
    public long publish() {
        return delegate.publish();
    }

    @Override
    public long version() {
        return delegate.version();
    }

    @Override
    public long lag(Fragment f) {
        return delegate.lag(f);
    }

    @Override
    public boolean hasNext() {
        return delegate.hasNext();
    }

    @Override
    public Fragment next() {
        return delegate.next();
    }

    @Override
    public boolean canSaveState() {
        return delegate.canSaveState();
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        delegate.saveState(out);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        delegate.loadState(in);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
