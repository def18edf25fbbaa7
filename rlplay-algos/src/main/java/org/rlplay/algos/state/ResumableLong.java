package org.rlplay.algos.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A training loop's counter (the env step of the last target update, ...) that a checkpoint saves,
 * so a resumed run keeps its schedule. One owner thread.
 */
public final class ResumableLong implements Resumable {
    private long value;

    /** A counter starting at {@code initial}. */
    public ResumableLong(long initial) {
        this.value = initial;
    }

    public long get() {
        return value;
    }

    public void set(long v) {
        this.value = v;
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(value);
    }

    @Override
    public void restoreState(DataInput in) throws IOException {
        value = in.readLong();
    }
}
