package org.rlplay.algos.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import org.junit.jupiter.api.Test;
import org.rlplay.env.EnvRegistry;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

class CategoricalActorTest {

    /** A linear block (obs (N,4) -> (N,2)) whose weights are zero and bias fixes the logits. */
    static SequentialBlock fixedLogits(NDManager m, float l0, float l1) {
        SequentialBlock net = Mlp.of(2, true);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 4));
        net.getParameters().forEach(p -> {
            NDArray a = p.getValue().getArray();
            if (p.getKey().endsWith("weight")) {
                a.set(new float[(int) a.size()]);
            } else {
                a.set(new float[] {l0, l1});
            }
        });
        return net;
    }

    @Test
    void samplesFollowTheSoftmaxOfTheLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = fixedLogits(m, 0f, (float) Math.log(3)); // p = (0.25, 0.75)
            CategoricalActor actor = new CategoricalActor(net, 2, 11, false);
            long ones = 0;
            long total = 0;
            try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 16), actor,
                    RolloutConfig.builder().length(32).build())) {
                for (int k = 0; k < 20; k++) {
                    Fragment f = r.next();
                    for (int t = 1; t <= f.length(); t++) {
                        for (int j = 0; j < f.numEnvs(); j++) {
                            ones += (long) f.act(t, j, 0);
                            total++;
                        }
                    }
                    assertEquals(0f, f.actorInfo("logits").getFloat(3, 5, 0), 1e-6);
                    assertEquals((float) Math.log(3), f.actorInfo("logits").getFloat(3, 5, 1), 1e-6);
                }
            }
            double p = (double) ones / total;
            assertEquals(0.75, p, 0.02, "empirical P(action 1) over " + total + " draws");
        }
    }

    @Test
    void greedyTakesTheArgmaxAndLogitsAreRecordedPerRecord() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = fixedLogits(m, 1f, -1f);
            CategoricalActor actor = new CategoricalActor(net, 2, 0, true);
            try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 3), actor,
                    RolloutConfig.builder().length(8).build()); NDManager view = NDManager.newBaseManager()) {
                Fragment f = r.next();
                for (int t = 1; t <= 8; t++) {
                    for (int j = 0; j < 3; j++) {
                        assertEquals(0f, f.act(t, j, 0));
                    }
                }
                NDArray logits = f.actorInfo("logits", view);
                assertArrayEquals(new long[] {9, 3, 2}, logits.getShape().getShape());
                assertTrue(logits.get(":, :, 0").eq(1f).all().getBoolean());
            }
        }
    }

    @Test
    void wrongOutputWidthIsAClearError() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = new LambdaBlock(list -> new NDList(list.singletonOrThrow().get(":, 0:3")));
            SequentialBlock wrapped = new SequentialBlock().add(Mlp.of(4, true)).add(net);
            wrapped.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            CategoricalActor actor = new CategoricalActor(wrapped, 2, 0, false);
            try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 2), actor,
                    RolloutConfig.builder().length(4).build())) {
                IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, r::next);
                assertTrue(e.getMessage().contains("expected float32 logits of shape (2, 2)"), e.getMessage());
            }
        }
    }
}
