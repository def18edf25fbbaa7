package org.rlplay.record;

import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.ForwardingRollout;
import org.rlplay.rollout.Rollout;

/**
 * A rollout decorator that hands each fragment of the wrapped rollout to a {@link Recorder} before
 * returning it; everything else (spec, steps, publishing weights, versions) is the wrapped rollout's. Owns both: closing it closes the recorder, then the wrapped rollout. Used from the
 * training loop's thread, like any rollout.
 */
final class RecordingRollout extends ForwardingRollout {
    private final Recorder recorder;

    RecordingRollout(Rollout inner, Recorder recorder) {
        super(inner);
        this.recorder = recorder;
    }

    @Override
    public Fragment next() {
        Fragment f = delegate.next();
        recorder.write(f);
        return f;
    }

    @Override
    public void close() {
        try {
            recorder.close();
        } finally {
            delegate.close();
        }
    }
}
