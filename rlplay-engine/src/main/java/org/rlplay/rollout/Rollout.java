package org.rlplay.rollout;

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
 * is closed. Failures of envs or actors surface from {@code hasNext()}/{@code next()}.
 *
 * <p>Used from one thread, the training loop's. {@link #close()} is idempotent and releases every
 * thread, env and native buffer the rollout owns (it owns its envs, not the actor).
 */
public interface Rollout extends Iterator<Fragment>, Iterable<Fragment>, AutoCloseable {

    /** The layout of the fragments this rollout yields. */
    FragmentSpec spec();

    /** Env steps collected so far (records written by real steps, summed over envs). */
    long envSteps();

    /** This rollout as an iterable, for for-each loops. */
    @Override
    default Iterator<Fragment> iterator() {
        return this;
    }

    @Override
    void close();
}
