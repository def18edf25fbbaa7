package org.rlplay.benchmarks.ring;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import java.util.ArrayList;
import java.util.List;
import org.rlplay.actor.Actor;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.ring.BlockWeightSync;
import org.rlplay.ring.RingConfig;
import org.rlplay.ring.WeightSync;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * A rollout of native CartPole in one of the benchmarked modes, with what it needs (the learner's
 * block, replica blocks and their managers). Modes: {@code same}, {@code single}, and
 * {@code multi<C>}: C collectors with N / C envs each, taken (with the MLP actor) as batches of C ring
 * fragments so every mode hands the learner (T+1, N) fragments. Ring modes use K = 4 slots and no lag bound. Owned by
 * the benchmark thread; {@link #close()} releases everything.
 */
public final class RolloutRig implements AutoCloseable {
    /** The rollout under test. */
    public final Rollout rollout;
    /** The learner's MLP, or null for the trivial actor. */
    public final Block learner;
    private final List<NDManager> managers;

    private RolloutRig(Rollout rollout, Block learner, List<NDManager> managers) {
        this.rollout = rollout;
        this.learner = learner;
        this.managers = managers;
    }

    /** The 4-64-64-2 tanh MLP, initialised in its own manager. */
    private static Block mlp(List<NDManager> managers) {
        NDManager m = NDManager.newBaseManager();
        managers.add(m);
        SequentialBlock net = Mlp.of(2, true, 64, 64);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 4));
        return net;
    }

    /**
     * {@code mode} with {@link CategoricalActor}s over 4-64-64-2 MLPs (sampling, seeded per
     * collector); in ring modes each collector has a replica kept in step by a {@link BlockWeightSync}.
     */
    public static RolloutRig mlp(String mode, int numEnvs, int length) {
        Engine.getInstance().setRandomSeed(0);
        List<NDManager> managers = new ArrayList<>();
        Block learner = mlp(managers);
        RolloutConfig config = RolloutConfig.builder().length(length).build();
        int collectors = collectors(mode);
        if (collectors == 0) {
            return new RolloutRig(Rollouts.same(EnvRegistry.makeVec("CartPole-v1", numEnvs),
                    new CategoricalActor(learner, 2, 0, false), config), learner, managers);
        }
        List<Block> replicas = new ArrayList<>();
        List<Actor> actors = new ArrayList<>();
        for (int c = 0; c < collectors; c++) {
            Block r = mlp(managers);
            replicas.add(r);
            actors.add(new CategoricalActor(r, 2, c, false));
        }
        return new RolloutRig(ring(mode, collectors, numEnvs, actors, config, new BlockWeightSync(learner, replicas),
                true), learner, managers);
    }

    /**
     * {@code mode} with a constant actor (no DJL): what remains is the engine and the hand-off.
     * {@code multi<C>} here hands out every ring fragment as it is (N / C envs), without collating.
     */
    public static RolloutRig trivial(String mode, int numEnvs, int length) {
        RolloutConfig config = RolloutConfig.builder().length(length).build();
        int collectors = collectors(mode);
        Actor constant = (in, hx, virtual, out) -> {
            ActionBatch a = out.actions();
            for (int j = 0; j < in.numEnvs(); j++) {
                a.setDiscrete(j, j & 1);
            }
            return null;
        };
        if (collectors == 0) {
            return new RolloutRig(Rollouts.same(EnvRegistry.makeVec("CartPole-v1", numEnvs), constant, config),
                    null, List.of());
        }
        List<Actor> actors = new ArrayList<>();
        for (int c = 0; c < collectors; c++) {
            actors.add(constant);
        }
        return new RolloutRig(ring(mode, collectors, numEnvs, actors, config, WeightSync.frozen(), false), null,
                List.of());
    }

    private static Rollout ring(String mode, int collectors, int numEnvs, List<Actor> actors, RolloutConfig config,
                                WeightSync weights, boolean collate) {
        RingConfig.Builder ring = RingConfig.builder().slots(4).weights(weights);
        if (mode.equals("single")) {
            return Rollouts.single(EnvRegistry.makeVec("CartPole-v1", numEnvs), actors.get(0), config, ring.build());
        }
        if (numEnvs % collectors != 0) {
            throw new IllegalArgumentException("numEnvs " + numEnvs + " is not a multiple of " + collectors + " collectors");
        }
        List<VecEnv> envs = new ArrayList<>();
        for (int c = 0; c < collectors; c++) {
            envs.add(EnvRegistry.makeVec("CartPole-v1", numEnvs / collectors));
        }
        return Rollouts.multi(envs, actors, config, ring.batch(collate ? collectors : 1).build());
    }

    /** 0 for {@code same}, 1 for {@code single}, C for {@code multi<C>}. */
    private static int collectors(String mode) {
        if (mode.equals("same")) {
            return 0;
        }
        if (mode.equals("single")) {
            return 1;
        }
        if (mode.startsWith("multi")) {
            return Integer.parseInt(mode.substring("multi".length()));
        }
        throw new IllegalArgumentException("mode: expected same, single or multi<C>, got " + mode);
    }

    @Override
    public void close() {
        try {
            rollout.close();
        } finally {
            for (NDManager m : managers) {
                m.close();
            }
        }
    }
}
