package org.rlplay.algos.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.space.Box;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * The LSTM actor carries its state through the engine: each fragment's stored hx is exactly the
 * state a learner gets by replaying the previous fragment's observations from the previous hx,
 * zeroing env j's state where its episode ended, and the logits the actor recorded are the ones
 * that replay computes.
 */
class RecurrentCategoricalActorTest {

    @Test
    void storedHxAndLogitsMatchAReplayOfTheFragmentWithResets() {
        Engine.getInstance().setRandomSeed(7);
        int n = 4;
        int length = 24;
        try (NDManager m = NDManager.newBaseManager()) {
            LstmActorCritic net = new LstmActorCritic(Box.of(-5f, 5f, 4), 2, 8, 6);
            net.initialize(m, DataType.FLOAT32, new Shape(1, 4));
            ParameterStore ps = new ParameterStore(m, false);
            RecurrentCategoricalActor actor = new RecurrentCategoricalActor(net, 2, 1, false);
            try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", n), actor,
                    RolloutConfig.builder().length(length).seed(3).build())) {
                Fragment first = r.next();
                assertNull(first.hx(), "start-up: the actor created its initial state, nothing was stored");
                NDArray obs = first.obs(m);
                NDArray logits = first.actorInfo("logits", m);
                NDList state = net.initialState(m, n);
                int ends = 0;
                for (int t = 0; t <= length; t++) {
                    if (t > 0) {
                        for (int j = 0; j < n; j++) {
                            if (first.fin(t, j)) {
                                ends++;
                                for (NDArray a : state) {
                                    a.set(new NDIndex(":, {}", j), 0f);
                                }
                            }
                        }
                    }
                    NDList out = net.forward(ps, new NDList(obs.get(t), state.get(0), state.get(1)), false);
                    assertArrayEquals(logits.get(t).toFloatArray(), out.get(0).toFloatArray(), 1e-5f, "logits at " + t);
                    if (t < length) {
                        state = new NDList(out.get(2), out.get(3));
                    }
                }
                assertTrue(ends > 0, "some episode ended inside the fragment (the resets are exercised)");
                Fragment second = r.next();
                NDList hx = second.hx();
                assertNotNull(hx);
                assertEquals(new Shape(2, n, 6), hx.get(0).getShape());
                // the stored hx is the state after record T-1's step, with the resets of record T applied
                assertArrayEquals(state.get(0).toFloatArray(), hx.get(0).toFloatArray(), 1e-5f);
                assertArrayEquals(state.get(1).toFloatArray(), hx.get(1).toFloatArray(), 1e-5f);
            }
        }
    }
}
