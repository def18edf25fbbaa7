package org.rlplay.examples.train;

import org.rlplay.actor.Actor;
import org.rlplay.examples.envs.Envs;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * The command line's {@code --mode}: how fragments are collected (DESIGN.md section 3). Stateless.
 */
public enum RolloutMode {
    /** Collection inside {@code next()} on the training loop's thread. */
    SAME,
    /** One collector thread filling a ring while the learner trains. */
    SINGLE,
    /** Several collector threads, each with its own envs and actor replica. */
    MULTI;

    /**
     * Opens a rollout of {@code numEnvs} envs of {@code envId} stepped by {@code actor}. Called by
     * the training loop's thread, which then owns (and closes) the rollout; the actor stays the
     * caller's.
     *
     * @throws IllegalArgumentException naming {@code --mode} when this build cannot run the mode
     */
    public Rollout open(String envId, int numEnvs, Actor actor, RolloutConfig config) {
        if (this != SAME) {
            throw new IllegalArgumentException("--mode " + label() + ": the decoupled rollout modes are not"
                    + " available in this build yet; use --mode same");
        }
        return Rollouts.same(Envs.open(envId, numEnvs), actor, config);
    }

    /** The lower-case name used on the command line. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
