package org.rlplay.examples.offline;

import java.nio.file.Path;
import org.rlplay.actor.Actor;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.env.space.Space;
import org.rlplay.examples.Algorithm;
import org.rlplay.examples.Algorithms;
import org.rlplay.examples.train.Checkpoint;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;

/**
 * A greedy policy loaded from a checkpoint: of an online algorithm ({@code train --algo}) or of an
 * offline one ({@code train --data}: {@value BehaviourCloning#NAME}, {@value ConservativeDqn#NAME}).
 * Owns the networks and the actor; the caller closes it. Used on one thread.
 */
public final class CheckpointPolicy implements AutoCloseable {
    private final Checkpoint checkpoint;
    private final Networks networks;
    private final Actor greedy;

    private CheckpointPolicy(Checkpoint checkpoint, Networks networks, Actor greedy) {
        this.checkpoint = checkpoint;
        this.networks = networks;
        this.greedy = greedy;
    }

    /**
     * Loads the checkpoint at {@code path} (a checkpoint or run directory) for the given spaces.
     *
     * @throws IllegalArgumentException if its algorithm is unknown
     * @throws org.rlplay.examples.train.CheckpointException if it cannot be read or does not fit
     */
    public static CheckpointPolicy load(Path path, Space observations, Space actions) {
        Checkpoint c = Checkpoint.open(path);
        String algo = c.state().algo();
        if (algo.equals(BehaviourCloning.NAME)) {
            BehaviourCloning.Hyperparameters h = c.hyperparameters(BehaviourCloning.Hyperparameters.class);
            int n = Layers.discreteActions(actions, algo);
            Networks nets = BehaviourCloning.networks(h, observations.size(), n);
            return restored(c, nets, () -> new CategoricalActor(nets.get("policy"), n, 0, true));
        }
        if (algo.equals(ConservativeDqn.NAME)) {
            ConservativeDqn.Hyperparameters h = c.hyperparameters(ConservativeDqn.Hyperparameters.class);
            int n = Layers.discreteActions(actions, algo);
            Networks nets = ConservativeDqn.networks(h, observations.size(), n);
            return restored(c, nets, () -> new CategoricalActor(nets.get("q"), n, 0, true));
        }
        return online(c, Algorithms.get(algo, () -> actions), observations, actions);
    }

    private static <H extends Record> CheckpointPolicy online(Checkpoint c, Algorithm<H> a, Space observations,
                                                              Space actions) {
        H h = c.hyperparameters(a.hyperparameterType());
        Networks nets = a.networks(h, observations, actions);
        return restored(c, nets, () -> a.greedyActor(h, nets, actions));
    }

    private static CheckpointPolicy restored(Checkpoint c, Networks nets, java.util.function.Supplier<Actor> actor) {
        try {
            c.restore(nets);
            return new CheckpointPolicy(c, nets, actor.get());
        } catch (RuntimeException e) {
            nets.close();
            throw e;
        }
    }

    /** The checkpoint. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    /** The greedy actor (owned by this policy). */
    public Actor greedy() {
        return greedy;
    }

    @Override
    public void close() {
        try {
            greedy.close();
        } finally {
            networks.close();
        }
    }
}
