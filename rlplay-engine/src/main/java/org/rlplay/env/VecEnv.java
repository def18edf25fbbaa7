package org.rlplay.env;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import org.rlplay.env.space.Space;

/**
 * A batch of N envs stepped in lockstep with same-step autoreset: an env whose episode ends in a
 * step is reset within that same step (see {@link BatchStep} for where the final observation goes).
 *
 * <p>Implementations: {@link SerialVecEnv} over Java {@link Env}s, and the Gymnasium bridge. A
 * VecEnv is used by one thread at a time (its collector), which also closes it; closing releases
 * everything it owns (envs, child processes, native memory).
 */
public interface VecEnv extends AutoCloseable {

    /** Number of envs N, at least 1. */
    int numEnvs();

    /** The space of one env's observation. */
    Space observationSpace();

    /** The space of one env's action. */
    Space actionSpace();

    /** Names of the numeric info values each env reports per step. */
    List<String> infoKeys();

    /**
     * Resets every env and writes the first observations into {@code out}'s observation target.
     *
     * @param seeds one seed per env, or {@code null} to reset without re-seeding
     * @throws EnvException naming the env that failed
     */
    void reset(long[] seeds, BatchStep out);

    /**
     * Steps every env with its action from {@code actions}, resetting those whose episode ended.
     *
     * @throws InvalidActionException if an action is outside the action space (no env is stepped)
     * @throws EnvException naming the env that failed
     */
    default void step(ActionBatch actions, BatchStep out) {
        step(actions, null, out);
    }

    /**
     * As {@link #step(ActionBatch, BatchStep)}, but envs with {@code skip[j]} set are not stepped and
     * their entries in {@code out}'s targets and flags are left as they were (used by sticky rollouts).
     *
     * @param skip per-env flags, or {@code null} to step every env
     */
    void step(ActionBatch actions, boolean[] skip, BatchStep out);

    /** Whether {@link #saveState} works (every env can save its state). The default is false. */
    default boolean canSaveState() {
        return false;
    }

    /**
     * Writes the state of every env (see {@link Env#saveState}), between steps. The default is unsupported.
     *
     * @throws UnsupportedOperationException if {@link #canSaveState()} is false
     */
    default void saveState(DataOutput out) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot save its envs' state");
    }

    /** Restores a state written by {@link #saveState} into envs built the same way. The default is unsupported. */
    default void loadState(DataInput in) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot load a saved state");
    }

    @Override
    void close();
}
