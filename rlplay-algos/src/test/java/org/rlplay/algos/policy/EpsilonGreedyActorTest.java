package org.rlplay.algos.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import org.junit.jupiter.api.Test;
import org.rlplay.env.EnvRegistry;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

class EpsilonGreedyActorTest {

    /** Fraction of actions equal to 1 over {@code fragments} fragments of 16 CartPole envs. */
    private static double fractionOfOnes(EpsilonGreedyActor actor, int fragments) {
        long ones = 0;
        long total = 0;
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 16), actor,
                RolloutConfig.builder().length(32).build())) {
            for (int k = 0; k < fragments; k++) {
                Fragment f = r.next();
                assertTrue(f.actorInfo().isEmpty(), "the epsilon-greedy actor reports no info");
                for (int t = 1; t <= f.length(); t++) {
                    for (int j = 0; j < f.numEnvs(); j++) {
                        ones += (long) f.act(t, j, 0);
                        total++;
                    }
                }
            }
        }
        return (double) ones / total;
    }

    @Test
    void greedyActsOnTheArgmaxOfTheActionValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock q = CategoricalActorTest.fixedLogits(m, 0.2f, 0.7f);
            assertEquals(1.0, fractionOfOnes(new EpsilonGreedyActor(q, 2, 3, 0.0), 4));
            SequentialBlock q0 = CategoricalActorTest.fixedLogits(m, 0.9f, -0.7f);
            assertEquals(0.0, fractionOfOnes(new EpsilonGreedyActor(q0, 2, 3, 0.0), 4));
        }
    }

    @Test
    void explorationFollowsEpsilonAsTheLearnerChangesIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock q = CategoricalActorTest.fixedLogits(m, 0.9f, -0.7f);   // greedy action 0
            EpsilonGreedyActor actor = new EpsilonGreedyActor(q, 2, 5, 1.0);
            double random = fractionOfOnes(actor, 20);                               // 10240 uniform draws
            assertEquals(0.5, random, 0.03);
            actor.epsilon(0.4);                                                       // P(a=1) = 0.4 / 2
            assertEquals(0.2, fractionOfOnes(actor, 20), 0.03);
            assertEquals(0.4, actor.epsilon());
        }
    }

    @Test
    void theVirtualStepRunsNothingAndReturnsNoState() {
        try (NDManager m = NDManager.newBaseManager()) {
            EpsilonGreedyActor actor = new EpsilonGreedyActor(CategoricalActorTest.fixedLogits(m, 0f, 1f), 2, 1, 0.0);
            assertNull(actor.step(null, null, true, null));
        }
    }

    @Test
    void rejectsBadArguments() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock q = CategoricalActorTest.fixedLogits(m, 0f, 1f);
            assertThrows(IllegalArgumentException.class, () -> new EpsilonGreedyActor(q, 0, 1, 0.1));
            EpsilonGreedyActor actor = new EpsilonGreedyActor(q, 2, 1, 0.1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> actor.epsilon(1.5));
            assertTrue(e.getMessage().contains("epsilon"), e.getMessage());
        }
    }
}
