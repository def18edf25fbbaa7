package org.rlplay.record;

import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.rollout.Rollout;

/**
 * A rollout decorator that hands each fragment of the wrapped rollout to a {@link Recorder} before
 * returning it; everything else (spec, steps, publishing weights, versions) is the wrapped rollout's. Owns both: closing it closes the recorder, then the wrapped rollout. Used from the
 * training loop's thread, like any rollout.
 */
final class RecordingRollout implements Rollout {
    private final Rollout inner;
    private final Recorder recorder;

    RecordingRollout(Rollout inner, Recorder recorder) {
        this.inner = inner;
        this.recorder = recorder;
    }

    @Override
    public FragmentSpec spec() {
        return inner.spec();
    }

    @Override
    public long envSteps() {
        return inner.envSteps();
    }

    @Override
    public long publish() {
        return inner.publish();
    }

    @Override
    public long version() {
        return inner.version();
    }

    @Override
    public long lag(Fragment f) {
        return inner.lag(f);
    }

    @Override
    public boolean hasNext() {
        return inner.hasNext();
    }

    @Override
    public Fragment next() {
        Fragment f = inner.next();
        recorder.write(f);
        return f;
    }

    @Override
    public void close() {
        try {
            recorder.close();
        } finally {
            inner.close();
        }
    }
}
