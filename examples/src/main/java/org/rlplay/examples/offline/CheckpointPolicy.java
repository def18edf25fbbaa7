package org.rlplay.examples.offline;

import java.nio.file.Path;
import org.rlplay.actor.Actor;
import org.rlplay.env.space.Space;
import org.rlplay.examples.Algorithm;
import org.rlplay.examples.Algorithms;
import org.rlplay.examples.train.Checkpoint;
import org.rlplay.examples.train.Networks;

/**
 * A greedy policy loaded from a checkpoint of any algorithm, online ({@code train --algo}) or
 * offline ({@code train --data}). Owns the networks and the actor; the caller closes it. Used on one
 * thread.
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
     * @throws org.rlplay.examples.usage.UsageException if its algorithm is unknown, or the spaces
     *     are not the checkpoint's
     * @throws org.rlplay.examples.train.CheckpointException if it cannot be read or does not fit
     */
    public static CheckpointPolicy load(Path path, Space observations, Space actions) {
        Checkpoint c = Checkpoint.open(path);
        return load(c, Algorithms.get(c.state().algo(), () -> actions), observations, actions);
    }

    private static <H extends Record> CheckpointPolicy load(Checkpoint c, Algorithm<H> a, Space observations,
                                                            Space actions) {
        H h = c.hyperparameters(a.hyperparameterType());
        Networks nets = a.networks(h, observations, actions);
        try {
            c.restore(nets);
            return new CheckpointPolicy(c, nets, a.greedyActor(h, nets, actions));
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
