package org.rlplay.examples;

import ai.djl.nn.Block;
import org.rlplay.actor.Actor;
import org.rlplay.env.space.Space;
import org.rlplay.examples.train.Hyperparameters;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;

/**
 * What the {@code train} and {@code eval} commands need from an algorithm file: its name, its
 * hyperparameters (a record, so the command line can override any of them with
 * {@code --set name=value} and checkpoints can save them), how to build its networks, its training
 * loop, and a greedy actor for evaluation. The loop itself is written out in the implementing file.
 *
 * <p>An online algorithm learns from a rollout ({@link Run#rollout}) and its budget is in env
 * steps; an {@linkplain #offline() offline} one learns from a recorded dataset
 * ({@code train --data DIR}, {@link Run#dataset}) without touching an env, and its budget is in
 * updates. Both end each iteration through the {@link Run}, which counts the budget, logs metrics
 * and writes checkpoints.
 *
 * <p>Implementations are stateless singletons; every method runs on the caller's thread.
 *
 * @param <H> the hyperparameter record
 */
public interface Algorithm<H extends Record> {

    /** The {@code --algo} name. */
    String name();

    /** Whether the algorithm learns from a recorded dataset ({@code --data}) instead of an env. */
    default boolean offline() {
        return false;
    }

    /** The env trained on when {@code --env} is not given (online algorithms). */
    default String defaultEnv() {
        return "CartPole-v1";
    }

    /**
     * The budget when {@code --steps} is not given: for an online algorithm 500,000 env steps, the
     * budget the examples are tuned for; an offline one gives its number of updates.
     */
    default long defaultSteps() {
        return 500_000;
    }

    /**
     * Whether this algorithm acts in float {@code Box} action spaces rather than discrete ones. Two
     * algorithms may share a {@link #name()} when they differ here: the command line picks the one
     * that fits the env (see {@link Algorithms#get(String, java.util.function.Supplier)}).
     */
    default boolean continuousActions() {
        return false;
    }

    /** The hyperparameter record type. */
    Class<H> hyperparameterType();

    /** The tuned defaults for {@code env}, before {@code --set} overrides. */
    H defaults(String env);

    /**
     * N, the envs an online training loop steps together, checked against {@code --collectors}
     * before anything is loaded: by default the record's {@code numEnvs} component (1 without one).
     */
    default int numEnvs(H h) {
        return Hyperparameters.intComponent(h, "numEnvs", 1);
    }

    /**
     * Builds and initialises the networks (in the DJL random state the caller seeded) for the given
     * spaces.
     *
     * @throws IllegalArgumentException if the algorithm cannot handle these spaces
     */
    Networks networks(H h, Space observations, Space actions);

    /** The training loop: runs until {@link Run#endIteration} (or {@link Run#endUpdate}) says the budget is spent. */
    void train(H h, Run run);

    /** An actor that acts greedily with the trained networks (for {@code eval}); the caller closes it. */
    Actor greedyActor(H h, Networks networks, Space actions);

    /**
     * The network block the behaviour actor runs, for collection in other processes
     * ({@code rlplay collector}, {@code --mode kafka}), or {@code null} (the default) when the
     * behaviour follows the learner's schedule (an exploration rate, a warm-up) and so cannot run
     * elsewhere. Algorithms that return a block use it and {@link #behaviourActor} in their own loop too.
     */
    default String behaviourBlock() {
        return null;
    }

    /**
     * The actor that collects with {@code block} (the learner's {@link #behaviourBlock()} or a replica
     * of it), seeded with {@code seed}.
     *
     * @throws UnsupportedOperationException (the default) when {@link #behaviourBlock()} is null
     */
    default Actor behaviourActor(H h, Block block, Space actions, long seed) {
        throw new UnsupportedOperationException(name() + " collects only in the learner's process");
    }
}
