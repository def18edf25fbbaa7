package org.rlplay.rollout;

import org.rlplay.actor.Actor;
import org.rlplay.env.VecEnv;

/** Constructors of {@link Rollout}s, one per mode. */
public final class Rollouts {
    private Rollouts() {
    }

    /**
     * The {@code same} mode: fragments are collected inside {@code next()} on the caller's thread.
     * The rollout owns {@code envs} (closes them), not {@code actor}.
     */
    public static Rollout same(VecEnv envs, Actor actor, RolloutConfig config) {
        return new SameRollout(new Collector(envs, actor, config, 0, 0));
    }
}
