package org.rlplay.rollout;

import java.util.ArrayList;
import java.util.List;
import org.rlplay.actor.Actor;
import org.rlplay.env.VecEnv;
import org.rlplay.ring.RingConfig;
import org.rlplay.ring.WeightSync;

/**
 * Constructors of {@link Rollout}s, one per mode. Every mode is consumed by the same loop:
 * <pre>{@code
 * try (Rollout rollout = Rollouts.single(envs, replica, config, ring)) {
 *     for (Fragment f : rollout) {
 *         update(f);          // f is valid until the next iteration
 *         rollout.publish();  // the collectors pick the new weights up at their next fragment
 *     }
 * }
 * }</pre>
 */
public final class Rollouts {
    /** Every collector thread of a {@code single} or {@code multi} rollout has a name starting with this prefix. */
    public static final String COLLECTOR_THREAD_PREFIX = RingRollout.THREAD_PREFIX;

    private Rollouts() {
    }

    /**
     * The {@code same} mode: fragments are collected inside {@code next()} on the caller's thread.
     * The rollout owns {@code envs} (closes them), not {@code actor}.
     */
    public static Rollout same(VecEnv envs, Actor actor, RolloutConfig config) {
        return new SameRollout(new Collector(envs, actor, config, 0, 0));
    }

    /**
     * The {@code single} mode: one collector thread steps {@code envs} with {@code actor} and fills
     * a ring of {@code ring.slots()} fragment slots while the training loop works on the slot it
     * holds. With frozen weights it yields exactly the fragments {@link #same} yields.
     *
     * <p>{@code actor} is used on the collector thread only: it must be a replica, not the model
     * the learner trains; {@code ring.weights()} carries the learner's published weights to it. The
     * rollout owns {@code envs} and {@code ring.weights()}, not {@code actor}.
     */
    public static Rollout single(VecEnv envs, Actor actor, RolloutConfig config, RingConfig ring) {
        Collector collector;
        try {
            collector = new Collector(envs, actor, config, 0, 0);
        } catch (RuntimeException e) {
            closeAll(List.of(envs), ring.weights(), e);
            throw e;
        }
        return RingRollout.start(List.of(collector), false, ring);
    }

    /**
     * The {@code multi} mode: collector thread c steps {@code envs.get(c)} with
     * {@code actors.get(c)} and publishes into one multi-producer ring. Every batch must hold the
     * same number of envs N_per; collector c's envs get global indices from {@code c * N_per}, so
     * env j of collector c is reset with seed {@code config.seed() + c * N_per + j} and collector
     * c's fragments equal those of a {@code same} rollout over its envs with that base seed.
     * Fragments arrive in the order the collectors finish them; {@link org.rlplay.fragment.Fragment#collector()}
     * and {@link org.rlplay.fragment.Fragment#sequence()} tell them apart. With
     * {@code ring.batch()} M &gt; 1 each {@code next()} collates M of them into one (T+1, M * N_per, ...)
     * fragment.
     *
     * <p>Each actor is used on its collector's thread only (replicas, one per collector). The
     * rollout owns the envs and {@code ring.weights()}, not the actors.
     *
     * @throws IllegalArgumentException if the lists are empty or differ in size, or the batches
     *     differ in spec
     */
    public static Rollout multi(List<? extends VecEnv> envs, List<? extends Actor> actors, RolloutConfig config,
                                RingConfig ring) {
        List<Collector> collectors = new ArrayList<>(envs.size());
        try {
            if (envs.isEmpty() || envs.size() != actors.size()) {
                throw new IllegalArgumentException("multi: expected one actor per batch of envs and at least one"
                        + " batch, got " + envs.size() + " batch(es) and " + actors.size() + " actor(s)");
            }
            int offset = 0;
            for (int c = 0; c < envs.size(); c++) {
                collectors.add(new Collector(envs.get(c), actors.get(c), config, c, offset));
                offset += envs.get(c).numEnvs();
            }
        } catch (RuntimeException e) {
            closeAll(envs, ring.weights(), e);
            throw e;
        }
        return RingRollout.start(collectors, true, ring);
    }

    private static void closeAll(List<? extends VecEnv> envs, WeightSync weights, RuntimeException into) {
        for (AutoCloseable c : envs) {
            try {
                c.close();
            } catch (Exception e) {
                into.addSuppressed(e);
            }
        }
        try {
            weights.close();
        } catch (RuntimeException e) {
            into.addSuppressed(e);
        }
    }
}
