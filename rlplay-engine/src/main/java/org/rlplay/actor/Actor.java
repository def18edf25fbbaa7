package org.rlplay.actor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The policy the engine steps with: it sees a whole batch of N envs at once, owns no env, and keeps
 * its recurrent state {@code hx} outside itself, so the engine can reset it per env and store it
 * with each fragment.
 *
 * <p>The engine calls, for each record t of a fragment,
 * {@code hx = step(records_t, hx, false, out)}: the actor writes the actions to take (one per env)
 * and any info (logits, value, ...) into {@code out} and returns the next hx. After an env j's
 * episode ends (its next record has {@code fin} set) the engine calls {@code hx = reset(hx, j)} before
 * the next step. At the last record T the engine calls {@code step(records_T, hx, true, out)}: a
 * <em>virtual</em> step for bootstrapping, whose actions are ignored and whose returned hx is
 * discarded.
 *
 * <p>{@code hx} is {@code null} at start-up: the actor then creates its initial state for the
 * whole batch (shaped like DJL/torch recurrent layers, {@code (layers, N, hidden)}, batch in dim 1).
 * Non-recurrent actors return {@code null} and ignore {@link #reset}. Arrays of the returned hx must
 * not be closed by the actor; the engine keeps them alive (it moves them to its own manager) and
 * closes the ones it no longer needs. Every hx array must have the batch in dim 1 ({@code (layers, N,
 * ...)}); the engine checks it.
 *
 * <h2>What an actor may change</h2>
 * <ul>
 * <li>The arrays of {@code hx} at a real step: update them in place and return the same list, or
 * return new arrays; either way the returned list is the new state. At the virtual step the actor
 * is given a <em>copy</em> of hx, so changes it makes there are discarded.</li>
 * <li>{@code hx} in {@link #reset}: the default zeroes env {@code at}'s slice in place.</li>
 * <li>{@code out}: the actions and info of this step. Nothing else: the arrays of {@code records}
 * are views of the engine's staging buffers, read-only.</li>
 * </ul>
 * An actor reports info at every step (real and virtual) or at none, always the same names,
 * types and shapes; the engine fails the rollout otherwise.
 *
 * <p>Threading: in {@code same} mode the actor runs on the training loop's thread; in
 * {@code single}/{@code multi} modes each collector thread has its own actor replica. PyTorch grad
 * mode is off during collection.
 */
public interface Actor extends AutoCloseable {

    /**
     * Returns hx with env {@code at}'s slice set to the initial state. The default zeroes
     * {@code hx[k][:, at]} in place for every array k, which suits LSTM/GRU states initialised at zero.
     *
     * @throws IllegalArgumentException (default) if an hx array has no dim 1 holding env {@code at}
     */
    default NDList reset(NDList hx, int at) {
        if (hx != null) {
            NDIndex index = new NDIndex(":, {}", at);
            for (int k = 0; k < hx.size(); k++) {
                Shape s = hx.get(k).getShape();
                if (s.dimension() < 2 || at < 0 || at >= s.get(1)) {
                    throw new IllegalArgumentException("hx[" + k + "] of shape " + s + ": the default Actor.reset"
                            + " zeroes env " + at + " in dim 1 and expects (layers, N, ...), the batch in dim 1");
                }
            }
            for (NDArray a : hx) {
                try (NDManager temporary = a.getManager().newSubManager()) {
                    a.set(index, temporary.zeros(new Shape(), a.getDataType()));
                }
            }
        }
        return hx;
    }

    /**
     * Acts on record t of every env.
     *
     * @param records the current record of each env
     * @param hx      the recurrent state, or {@code null} to start from the initial state
     * @param virtual true for the bootstrap step at record T: the engine ignores the actions and
     *                the returned hx
     * @param out     where to write actions (required unless virtual) and info (optional, but the
     *                same fields at every step, virtual or not)
     * @return the next hx ({@code null} for non-recurrent actors)
     */
    NDList step(RecordBatch records, NDList hx, boolean virtual, ActorOutput out);

    /** Releases what the actor owns. The default does nothing. */
    @Override
    default void close() {
    }
}
