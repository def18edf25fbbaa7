package org.rlplay.examples.train;

import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.rlplay.actor.Actor;
import org.rlplay.algos.loss.TargetNetworks;
import org.rlplay.env.VecEnv;
import org.rlplay.examples.envs.EnvSpec;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.ring.BlockWeightSync;
import org.rlplay.ring.RingConfig;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.kafka.KafkaRolloutConfig;
import org.rlplay.kafka.KafkaRollouts;
import org.rlplay.kafka.KafkaSettings;
import org.rlplay.rollout.ForwardingRollout;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * Opens a rollout in any {@link RolloutMode} for an actor that runs one block of the learner's
 * {@link Networks}:
 * <ul>
 * <li>{@code same}: the actor runs the learner's block itself, on the training loop's thread;</li>
 * <li>{@code single}: one collector thread whose actor runs a replica of the block, double
 *     buffered (a ring of 2 slots);</li>
 * <li>{@code multi}: C collector threads with N/C envs and a replica each; the learner takes C
 *     fragments per {@code next()}, collated into one of N envs, so every mode hands the loop
 *     fragments of the same shape.</li>
 * </ul>
 * Replicas start from the learner's weights and follow them through a {@link BlockWeightSync}: the
 * loop calls {@code rollout.publish()} after each update, and collectors adopt the newest weights at
 * their next fragment boundary, running at most one version ahead of the learner (policy lag at
 * most 1). Collector threads get the learner's PyTorch intra-op thread count.
 *
 * <p>Called on the training loop's thread. The returned rollout owns the envs, the actors and the
 * replicas, and closes them.
 */
public final class ActorRollouts {
    /** How long the learner waits for one fragment before it reports a hung collector. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private ActorRollouts() {
    }

    /** Makes the actor of collector {@code collector} (0 in {@code same} mode) around {@code block}. */
    @FunctionalInterface
    public interface ActorFactory {
        Actor make(Block block, int collector);
    }

    /**
     * @param mode       how to collect
     * @param collectors C, collector threads in {@code multi} mode (N must be divisible by C)
     * @param env        the env
     * @param numEnvs    N, envs in each fragment the loop gets
     * @param config     fragment length and seed
     * @param learner    the learner's networks
     * @param block      the name of the block the actor runs
     * @param replicas   builds networks like the learner's (for replicas; unused in {@code same} mode)
     * @param actors     makes the actor of each collector
     * @throws IllegalArgumentException naming {@code --collectors} when N is not divisible by C
     */
    public static Rollout open(RolloutMode mode, int collectors, EnvSpec env, int numEnvs, RolloutConfig config,
                               Networks learner, String block, Supplier<Networks> replicas,
                               ActorFactory actors) {
        Block source = learner.get(block);
        if (mode == RolloutMode.SAME) {
            Actor actor = actors.make(source, 0);
            return new Owned(Rollouts.same(Envs.open(env, numEnvs), actor, config), List.of(actor), List.of());
        }
        checkCollectors(mode, collectors, numEnvs);
        int c = mode == RolloutMode.SINGLE ? 1 : collectors;
        List<Networks> copies = new ArrayList<>();
        List<Actor> made = new ArrayList<>();
        List<VecEnv> envs = new ArrayList<>();
        try {
            List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < c; i++) {
                Networks copy = replicas.get();
                copies.add(copy);
                Block replica = copy.get(block);
                replica.freezeParameters(true);
                TargetNetworks.hardUpdate(source, replica);
                blocks.add(replica);
                made.add(actors.make(replica, i));
                envs.add(Envs.open(env, numEnvs / c));
            }
            RingConfig ring = RingConfig.builder().slots(c == 1 ? 2 : Integer.highestOneBit(2 * c - 1) * 2)
                    .batch(c).maxLag(1).timeout(TIMEOUT).weights(new BlockWeightSync(source, blocks))
                    .actorThreads(JniUtils.getNumThreads()).build();
            Rollout rollout = c == 1 ? Rollouts.single(envs.get(0), made.get(0), config, ring)
                    : Rollouts.multi(envs, made, config, ring);
            return new Owned(rollout, made, copies);
        } catch (RuntimeException e) {
            for (VecEnv v : envs) {
                closeQuietly(v, e);
            }
            for (Actor a : made) {
                closeQuietly(a, e);
            }
            for (Networks n : copies) {
                closeQuietly(n, e);
            }
            throw e;
        }
    }

    /**
     * Checks that the {@code numEnvs} envs of a fragment split evenly over the collectors of
     * {@code mode} (before anything is built).
     *
     * @throws UsageException naming {@code --collectors} otherwise
     */
    public static void checkCollectors(RolloutMode mode, int collectors, int numEnvs) {
        int c = mode == RolloutMode.MULTI || mode == RolloutMode.KAFKA ? collectors : 1;
        if (c < 1 || numEnvs % c != 0) {
            throw new UsageException("--collectors " + c + ": the " + numEnvs
                    + " envs of a fragment must split evenly over the collectors");
        }
    }

    /**
     * The {@code kafka} mode: C collector processes ({@code rlplay collector}, N/C envs each) send their
     * fragments through the broker; the learner takes C per {@code next()}, collated into one of N envs,
     * and {@code publish()} sends the weights of {@code block} to them. The learner's initial weights are
     * published at once, so collectors adopt them at their next fragment boundary (a collector started
     * earlier labels what it collected before with version 0). Policy lag is not bounded: each
     * collector runs at most its back-pressure backlog (8 fragments) ahead of the learner.
     *
     * @throws IllegalArgumentException naming {@code --collectors} when N is not divisible by C
     */
    public static Rollout kafka(KafkaSettings settings, int collectors, EnvSpec env, int numEnvs, RolloutConfig config,
                                Networks learner, String block) {
        checkCollectors(RolloutMode.KAFKA, collectors, numEnvs);
        FragmentSpec part;
        try (VecEnv probe = Envs.open(env, 1)) {
            part = new FragmentSpec(config.length(), numEnvs / collectors, probe.observationSpace(), probe.actionSpace(),
                    probe.infoKeys(), config.keepFinalObs());
        }
        KafkaRolloutConfig kafka = KafkaRolloutConfig.builder().weights(learner.get(block)).batch(collectors)
                .timeout(TIMEOUT).build();
        Rollout rollout = KafkaRollouts.consume(settings, part, kafka);
        try {
            rollout.publish();
        } catch (RuntimeException e) {
            closeQuietly(rollout, e);
            throw e;
        }
        return new Owned(rollout, List.of(), List.of());
    }

    private static void closeQuietly(AutoCloseable c, RuntimeException into) {
        try {
            c.close();
        } catch (Exception e) {
            if (e != into) {
                into.addSuppressed(e);
            }
        }
    }

    /** A rollout that also closes the actors and replica networks made for it. */
    private static final class Owned extends ForwardingRollout {
        private final List<Actor> actors;
        private final List<Networks> replicas;

        Owned(Rollout rollout, List<Actor> actors, List<Networks> replicas) {
            super(rollout);
            this.actors = actors;
            this.replicas = replicas;
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } finally {
                for (Actor a : actors) {
                    a.close();
                }
                for (Networks n : replicas) {
                    n.close();
                }
            }
        }
    }
}
