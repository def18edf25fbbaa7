package org.rlplay.algos.returns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.ScriptedActor;
import org.rlplay.testing.ScriptedEnv;

/** Real transitions versus sticky repeats, on scripted rollouts. */
class RealTransitionsTest {
    static final int T = 6;

    static Rollout rollout(boolean sticky) {
        // env 0: one-step episodes (its first one ends at record 1 with reward 0 for action 0);
        // env 1: lengths 2 then 4 (truncated); env 2: length 100
        SerialVecEnv envs = new SerialVecEnv(List.of(
                new ScriptedEnv(new int[] {1}, -1), new ScriptedEnv(new int[] {2, 4}, 4), new ScriptedEnv(new int[] {100}, -1)));
        return Rollouts.same(envs, new ScriptedActor(), RolloutConfig.builder().length(T).seed(5).sticky(sticky).build());
    }

    @Test
    void withoutStickyModeEveryTransitionIsReal() {
        try (Rollout rollout = rollout(false)) {
            for (int k = 0; k < 3; k++) {
                Fragment f = rollout.next();
                boolean[] real = RealTransitions.of(f, new boolean[T * 3]);
                for (boolean r : real) {
                    assertTrue(r);
                }
            }
        }
    }

    @Test
    void stickyRepeatsAreNotRealAndTheRealCountIsTheEnvStepCount() {
        try (Rollout rollout = rollout(true)) {
            long counted = 0;
            for (int k = 0; k < 3; k++) {
                Fragment f = rollout.next();
                boolean[] real = RealTransitions.of(f, new boolean[T * 3]);
                float[] weights = RealTransitions.weights(f, new float[T * 3]);
                for (int i = 0; i < real.length; i++) {
                    counted += real[i] ? 1 : 0;
                    assertEquals(real[i] ? 1f : 0f, weights[i]);
                }
                // env 0 ends a one-step episode at record 1, then repeats: only transition 0 is real
                assertTrue(real[0]);
                for (int t = 1; t < T; t++) {
                    assertFalse(real[t * 3], "env 0 transition " + t);
                    assertTrue(real[t * 3 + 2], "env 2 runs through, transition " + t);
                }
            }
            assertEquals(rollout.envSteps(), counted);
        }
    }
}
