package org.rlplay.rollout;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Iterator;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;

/**
 * An endless stream of fragments for a training loop: {@code for (Fragment f : rollout)} or
 * {@code while (it.hasNext())}. Every mode ({@code same}, {@code single}, {@code multi}) is
 * consumed through this one type; only construction differs ({@link Rollouts}).
 *
 * <p>The fragment returned by {@link #next()} stays valid until the next call to {@code next()}
 * (or {@code close()}); copy out what must outlive it. {@link #hasNext()} is true until the rollout
 * is closed. Failures of envs or actors surface from {@code hasNext()}/{@code next()}, with the
 * original cause; a failed rollout stays failed: every later {@code hasNext()}, {@code next()} and
 * {@code publish()} throws the same exception, and the rollout only needs closing.
 *
 * <p>Iterated by one thread, the training loop's: the engine's rollouts refuse {@code hasNext()},
 * {@code next()} and {@code publish()} from a second thread. {@link #close()} may be called from
 * any thread, is idempotent, and releases every thread, env and native buffer the rollout owns (it
 * owns its envs, not the actor); {@code publish()} after {@code close()} throws
 * {@link IllegalStateException}.
 */
public interface Rollout extends Iterator<Fragment>, Iterable<Fragment>, AutoCloseable {

    /** The layout of the fragments this rollout yields. */
    FragmentSpec spec();

    /** Env steps collected so far (records written by real steps, summed over envs). */
    long envSteps();

    /**
     * Tells the rollout that the learner changed its weights, and returns the new actor version
     * (one more than {@link #version()}). Training loop's thread, between fragments. In {@code same}
     * mode the actor is the learner's model, so only the version advances; in {@code single}/
     * {@code multi} the rollout snapshots the weights for the collectors' actor replicas, which
     * adopt them at their next fragment boundary. Fragments record the version they were collected
     * with ({@link Fragment#actorVersion()}).
     *
     * <p>The default, for rollouts whose fragments do not depend on the learner's weights (e.g. a
     * replay of recorded fragments), changes nothing and returns {@link #version()}.
     */
    default long publish() {
        return version();
    }

    /** The newest actor version published by {@link #publish()}; 0 before the first. The default is 0. */
    default long version() {
        return 0;
    }

    /**
     * The policy lag of {@code f}: how many versions the learner published since the weights
     * {@code f} was collected with, {@code version() - f.actorVersion()}. Always 0 in {@code same} mode.
     */
    default long lag(Fragment f) {
        return version() - f.actorVersion();
    }

    /**
     * Whether {@link #saveState} can capture this rollout exactly: a {@code same} rollout over envs
     * that can save their state (every Java classic-control env can; Gymnasium envs cannot). The
     * default is false.
     */
    default boolean canSaveState() {
        return false;
    }

    /**
     * Writes the rollout's state between fragments: the stream position, running episode
     * statistics, the lookahead record, the actor's hx and every env's state (random generators
     * included). {@link #loadState} on a rollout built the same way (same envs, actor, config) then
     * continues exactly as this one would have. The actor's weights are not included: saving them is
     * the training loop's part. Training loop's thread. The default is unsupported.
     *
     * @throws UnsupportedOperationException if {@link #canSaveState()} is false
     */
    default void saveState(DataOutput out) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot save its state");
    }

    /**
     * Restores a state written by {@link #saveState}, before this rollout's first {@code next()}.
     * The default is unsupported.
     *
     * @throws IllegalArgumentException if the state was saved by a rollout of another layout
     */
    default void loadState(DataInput in) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot load a saved state");
    }

    /** This rollout as an iterable, for for-each loops. */
    @Override
    default Iterator<Fragment> iterator() {
        return this;
    }

    @Override
    void close();
}
