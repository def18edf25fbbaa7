package org.rlplay.env.bandit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.InvalidActionException;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Discrete;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/** The synthetic contextual bandit: one-step episodes, a known reward function, exact policy values. */
class ContextualBanditTest {

    @Test
    void isRegisteredWithItsSpaces() {
        try (Env<?> env = EnvRegistry.make("ContextualBandit-v0")) {
            assertEquals(new Discrete(5), env.actionSpace());
            assertEquals(8, env.observationSpace().size());
        }
    }

    @Test
    void everyEpisodeIsOneDecisionThatTerminates() {
        ContextualBandit env = Bandits.v0();
        float[] obs = new float[8];
        float[] after = new float[8];
        ActionBatch action = new ActionBatch(env.actionSpace(), 1);
        Transition tr = new Transition(0);
        env.reset(7, obs, 0);
        action.setDiscrete(0, 3);
        env.step(action, 0, after, 0, tr);
        assertTrue(tr.terminated());
        assertTrue(!tr.truncated());
        assertTrue(tr.reward() == 0f || tr.reward() == 1f);
        assertArrayEquals(obs, after, "the final observation is the context");
        assertThrows(IllegalStateException.class, () -> env.step(action, 0, after, 0, tr), "reset before stepping again");
        env.reset(obs, 0);
        action.setDiscrete(0, 5);
        assertThrows(InvalidActionException.class, () -> env.step(action, 0, after, 0, tr));
    }

    @Test
    void rewardsAreBernoulliWithTheKnownMean() {
        ContextualBandit env = new ContextualBandit(3, 4, 2, 11);
        float[] obs = new float[4];
        ActionBatch action = new ActionBatch(env.actionSpace(), 1);
        Transition tr = new Transition(0);
        int n = 40_000;
        double[][] sum = new double[2][3];
        int[][] count = new int[2][3];
        env.reset(1, obs, 0);
        for (int i = 0; i < n; i++) {
            int m = java.util.Arrays.equals(obs, env.context(0)) ? 0 : 1;
            action.setDiscrete(0, i % 3);
            env.step(action, 0, obs, 0, tr);
            sum[m][i % 3] += tr.reward();
            count[m][i % 3]++;
            env.reset(obs, 0);
        }
        for (int m = 0; m < 2; m++) {
            for (int a = 0; a < 3; a++) {
                double mu = env.expectedReward(m, a);
                double se = Math.sqrt(mu * (1 - mu) / count[m][a]);
                assertEquals(mu, sum[m][a] / count[m][a], 4 * se + 1e-9, "context " + m + " action " + a);
            }
            assertTrue(count[m][0] > n / 3 * 0.45, "contexts are drawn uniformly");
        }
    }

    @Test
    void trueValuesAreExactSumsOverTheContexts() {
        ContextualBandit env = new ContextualBandit(3, 4, 5, 2);
        double uniform = 0;
        for (int m = 0; m < 5; m++) {
            for (int a = 0; a < 3; a++) {
                uniform += env.expectedReward(m, a) / 15;
            }
        }
        assertEquals(uniform, env.trueValue((x, out) -> java.util.Arrays.fill(out, 1.0 / 3)), 1e-15);
        ContextualBandit.Policy best = (x, out) -> {
            int m = 0;
            while (!java.util.Arrays.equals(x, env.context(m))) {
                m++;
            }
            int argmax = 0;
            for (int a = 1; a < 3; a++) {
                argmax = env.expectedReward(m, a) > env.expectedReward(m, argmax) ? a : argmax;
            }
            java.util.Arrays.fill(out, 0);
            out[argmax] = 1;
        };
        assertEquals(env.optimalValue(), env.trueValue(best), 1e-15);
        assertTrue(env.optimalValue() > uniform);
        assertThrows(IllegalArgumentException.class, () -> env.trueValue((x, out) -> java.util.Arrays.fill(out, 0.5)));
    }

    @Test
    void savedStateResumesExactly() throws IOException {
        ContextualBandit a = Bandits.v0();
        ContextualBandit b = Bandits.v0();
        float[] obs = new float[8];
        a.reset(5, obs, 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        a.saveState(new DataOutputStream(bytes));
        b.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        ActionBatch action = new ActionBatch(a.actionSpace(), 1);
        Transition ta = new Transition(0);
        Transition tb = new Transition(0);
        float[] oa = new float[8];
        float[] ob = new float[8];
        for (int i = 0; i < 50; i++) {
            action.setDiscrete(0, i % 5);
            a.step(action, 0, oa, 0, ta);
            b.step(action, 0, ob, 0, tb);
            assertEquals(ta.reward(), tb.reward());
            a.reset(oa, 0);
            b.reset(ob, 0);
            assertArrayEquals(oa, ob);
        }
    }

    /** Uniformly random actions. */
    static final class RandomActor implements Actor {
        final SplittableRandom random = new SplittableRandom(3);

        @Override
        public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
            for (int j = 0; j < in.numEnvs(); j++) {
                out.actions().setDiscrete(j, random.nextInt(5));
            }
            return null;
        }
    }

    @Test
    void aRolloutOfLengthOneHoldsOneDecisionPerEnvPerFragment() {
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("ContextualBandit-v0", 4), new RandomActor(),
                RolloutConfig.builder().length(1).seed(9).build())) {
            for (int k = 0; k < 5; k++) {
                Fragment f = r.next();
                for (int j = 0; j < 4; j++) {
                    assertEquals(0, f.stepno(0, j), "record 0 is a fresh context");
                    assertTrue(f.fin(1, j), "record 1 ends the decision");
                    assertTrue(f.rew(1, j) == 0f || f.rew(1, j) == 1f);
                }
                assertEquals(4, f.episodes().count());
            }
        }
    }
}
