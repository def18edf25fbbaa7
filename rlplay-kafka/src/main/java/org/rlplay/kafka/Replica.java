package org.rlplay.kafka;

import ai.djl.nn.Block;
import java.util.Objects;
import org.rlplay.actor.Actor;

/**
 * A collector's actor replica: the actor it steps its envs with, the DJL block the actor evaluates
 * (into which the learner's published weights are loaded; null keeps the actor's weights frozen) and
 * what must be closed when the collector is done (the block's NDManager, say; may be null).
 *
 * @param actor  the actor, used on the collector's thread only
 * @param block  the block whose parameters receive the learner's weights, initialised; or null
 * @param owner  released by whoever built the replica once the collector has ended; or null
 */
public record Replica(Actor actor, Block block, AutoCloseable owner) {
    public Replica {
        Objects.requireNonNull(actor, "actor");
    }
}
