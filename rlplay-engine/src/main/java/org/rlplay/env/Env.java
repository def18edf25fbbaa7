package org.rlplay.env;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import org.rlplay.env.space.Space;

/**
 * One environment with Gymnasium semantics, writing into caller-owned buffers so that stepping
 * allocates nothing.
 *
 * <p>{@code O} is the array type observations are stored in, the {@link Space#storageType()
 * storage type} of {@link #observationSpace()}: {@code float[]} for every float space (so a
 * classic-control env is an {@code Env<float[]>}), {@code byte[]} for {@code uint8}/{@code int8}
 * spaces (images), {@code int[]} for other integer spaces ({@code Discrete}, {@code MultiDiscrete},
 * integer boxes). An env writes one observation into {@code obs[off .. off + observationSpace().size())}.
 * Actions are read from slot {@code index} of an {@link ActionBatch}, which lets a batch of envs
 * share one action buffer.
 *
 * <p>An env is not thread-safe: one thread at a time, and the batch that owns it calls
 * {@link #close()}.
 *
 * @param <O> the observation storage array type
 */
public interface Env<O> extends AutoCloseable {

    /** The space of observations. */
    Space observationSpace();

    /** The space of actions. */
    Space actionSpace();

    /** Names of the numeric info values {@link #step} writes into {@link Transition#info()}. */
    default List<String> infoKeys() {
        return List.of();
    }

    /** Re-seeds the env's generator with {@code seed}, then resets (Gymnasium's {@code reset(seed=seed)}). */
    void reset(long seed, O obs, int off);

    /** Resets, continuing the env's generator (Gymnasium's {@code reset()}). */
    void reset(O obs, int off);

    /**
     * Takes the action in slot {@code index} of {@code actions} and writes the next observation into
     * {@code obs} and reward, flags and info into {@code out}. After {@code terminated} or
     * {@code truncated} the caller must reset before stepping again.
     */
    void step(ActionBatch actions, int index, O obs, int off, Transition out);

    /** Whether {@link #saveState} works: the default is false. */
    default boolean canSaveState() {
        return false;
    }

    /**
     * Writes the env's whole state (its random generator included), so that {@link #loadState} on an
     * env built the same way continues exactly as this one would. The default is unsupported.
     *
     * @throws UnsupportedOperationException if {@link #canSaveState()} is false
     */
    default void saveState(DataOutput out) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot save its state");
    }

    /** Restores a state written by {@link #saveState}. The default is unsupported. */
    default void loadState(DataInput in) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot load a saved state");
    }

    /** Releases what the env holds. The default does nothing. */
    @Override
    default void close() {
    }
}
