package org.rlplay.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rlplay.ring.RingFixtures.assertNoCollectorThreads;
import static org.rlplay.ring.RingFixtures.await;
import static org.rlplay.ring.RingFixtures.collectorThreads;
import static org.rlplay.ring.RingFixtures.sleep;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * Collector threads release every native array they create: over thousands of fragments (with a
 * weight publish after each) the number of live DJL arrays, counted over every manager under the
 * PyTorch system manager while the collectors are parked on a full ring, does not grow.
 */
class RingMemoryTest {
    static final int OBS = 4;

    @AfterEach
    void noThreadSurvives() {
        assertNoCollectorThreads();
    }

    /** A greedy MLP policy on CartPole: argmax of the logits, which it also reports as info. */
    static final class GreedyActor implements Actor {
        private final Block block;
        private final ParameterStore parameters;

        GreedyActor(Block block) {
            this.block = block;
            this.parameters = new ParameterStore(block.getParameters().valueAt(0).getArray().getManager(), false);
        }

        @Override
        public NDList step(RecordBatch records, NDList hx, boolean virtual, ActorOutput out) {
            NDArray logits = block.forward(parameters, new NDList(records.obs()), false).singletonOrThrow();
            logits.setName("logits");
            out.info(new NDList(logits));
            if (!virtual) {
                out.actions(logits.argMax(1));
            }
            return null;
        }
    }

    static Block mlp(NDManager manager) {
        SequentialBlock b = new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(2).build());
        b.initialize(manager, DataType.FLOAT32, new Shape(1, OBS));
        return b;
    }

    /** Every live array the PyTorch engine's managers hold, in every thread's managers. */
    static int liveArrays() {
        NDManager system;
        try (NDManager probe = NDManager.newBaseManager()) {
            system = probe.getParentManager();
        }
        return system.getManagedArrays().size();
    }

    /** Waits until every collector thread is parked (the learner holds a slot, the ring is full) and the count is steady. */
    static int quiescentLiveArrays() {
        await(() -> {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (collectorThreads().contains(t.getName()) && t.getState() != Thread.State.TIMED_WAITING
                        && t.getState() != Thread.State.WAITING) {
                    return false;
                }
            }
            return true;
        }, 10_000, "every collector is parked");
        int count = liveArrays();
        while (true) {
            sleep(30);
            int again = liveArrays();
            if (again == count) {
                return count;
            }
            count = again;
        }
    }

    static void learn(Rollout rollout, int fragments) {
        for (int k = 0; k < fragments; k++) {
            Fragment f = rollout.next();
            assertEquals(2, f.actorInfo("logits").spec().shape()[0]);
            rollout.publish();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void liveNativeArraysDoNotGrowOverThousandsOfFragments(int collectors) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block learner = mlp(m);
            List<Block> replicas = new ArrayList<>();
            List<Actor> actors = new ArrayList<>();
            List<VecEnv> envs = new ArrayList<>();
            for (int c = 0; c < collectors; c++) {
                Block r = mlp(m);
                replicas.add(r);
                actors.add(new GreedyActor(r));
                envs.add(EnvRegistry.makeVec("CartPole-v1", 2));
            }
            BlockWeightSync sync = new BlockWeightSync(learner, replicas);
            RingConfig ring = RingConfig.builder().slots(4).weights(sync).build();
            RolloutConfig config = RolloutConfig.builder().length(4).seed(1).build();
            int params = learner.getParameters().size();
            try (Rollout rollout = collectors == 1 ? Rollouts.single(envs.get(0), actors.get(0), config, ring)
                    : Rollouts.multi(envs, actors, config, ring)) {
                learn(rollout, 50);
                int before = quiescentLiveArrays();
                int buffersBefore = sync.snapshotBuffers();
                learn(rollout, 3000);
                int after = quiescentLiveArrays();
                int grownBuffers = sync.snapshotBuffers() - buffersBefore;
                assertTrue(before > params * (collectors + 1), "the count sees the blocks' parameters: " + before);
                assertEquals(before + grownBuffers * params, after,
                        "live arrays after 3000 more fragments (snapshot buffers grew by " + grownBuffers + ")");
            }
        }
    }
}
