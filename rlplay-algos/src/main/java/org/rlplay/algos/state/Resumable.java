package org.rlplay.algos.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A training component whose state a checkpoint saves and a resumed run restores, so that the run
 * continues as if it had never stopped: an optimizer's moments, a replay buffer's contents, a random
 * generator's position. Implemented by the building blocks of this module that keep such state.
 *
 * <p>Both methods run on the thread that owns the component (the training loop's), between uses.
 */
public interface Resumable {

    /** Writes the component's state to {@code out}. */
    void saveState(DataOutput out) throws IOException;

    /**
     * Replaces the component's state with one {@link #saveState} wrote for a component built the
     * same way (same sizes, spaces, parameters).
     *
     * @throws IOException if the state is damaged or belongs to a component built another way
     */
    void restoreState(DataInput in) throws IOException;
}
