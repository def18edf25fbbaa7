package org.rlplay.kafka;

import org.rlplay.env.VecEnv;

/**
 * Builds a collector's actor replica for its envs: how a command line ({@link CollectorCommand}) gets
 * the network that the application (the examples) defines. Called once, on the collector's thread.
 */
@FunctionalInterface
public interface ReplicaFactory {
    /**
     * @param envs the collector's envs (their spaces size the network)
     * @param seed the collector's seed, for the actor's sampler
     */
    Replica create(VecEnv envs, long seed);
}
