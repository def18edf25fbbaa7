package org.rlplay.examples.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.space.Discrete;
import org.rlplay.examples.train.Evaluation;
import org.rlplay.examples.train.Networks;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.record.Dataset;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.record.ReplayOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * Record CartPole with a noisy behaviour policy, learn offline without touching the env, then
 * evaluate on the env: behaviour cloning reaches at least 90% of the behaviour policy's mean return.
 */
class OfflineLearningTest {
    static final double EPSILON = 0.3;

    @TempDir
    static Path tmp;
    static Dataset dataset;
    static double behaviourReturn;

    @BeforeAll
    static void recordNoisyHeuristic() {
        Path dir = tmp.resolve("cartpole-heuristic");
        Discrete actions = (Discrete) EnvRegistry.make("CartPole-v1").actionSpace();
        EpsilonGreedyBehaviour behaviour = new EpsilonGreedyBehaviour(new CartPoleHeuristic(),
                EnvRegistry.make("CartPole-v1").observationSpace(), actions, EPSILON, 1);
        try (behaviour; Rollout r = Recorder.wrap(Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 16), behaviour,
                RolloutConfig.builder().length(128).seed(1).build()), dir, DatasetInfo.of("CartPole-v1", 1, 16))) {
            for (int k = 0; k < 20; k++) {
                r.next();
            }
        }
        dataset = Dataset.open(dir);
        double sum = 0;
        int count = 0;
        try (Rollout replay = dataset.replay(ReplayOptions.once())) {
            for (Fragment f : replay) {
                Episodes e = f.episodes();
                for (int i = 0; i < e.count(); i++) {
                    sum += e.episodeReturn(i);
                    count++;
                }
            }
        }
        behaviourReturn = sum / count;
    }

    private static double evaluate(Networks nets, String block) {
        try (CategoricalActor greedy = new CategoricalActor(nets.get(block), 2, 0, true)) {
            return Evaluation.run("CartPole-v1", greedy, 20, 10, 777).meanReturn();
        }
    }

    @Test
    void behaviourCloningReachesNinetyPercentOfTheBehaviourPolicysReturn() {
        StringWriter log = new StringWriter();
        try (Networks nets = BehaviourCloning.train(dataset, BehaviourCloning.defaults(), 3, new PrintWriter(log))) {
            double cloned = evaluate(nets, "policy");
            System.out.printf("behaviour (heuristic, epsilon %.1f) mean return %.1f; behaviour cloning %.1f%n",
                    EPSILON, behaviourReturn, cloned);
            assertTrue(cloned >= 0.9 * behaviourReturn, "cloned " + cloned + " < 90% of behaviour " + behaviourReturn);
        }
        assertTrue(log.toString().contains("bc step 2000/2000"), log.toString());
    }

    @Test
    void conservativeDoubleDqnLearnsFromTheDatasetAlone() {
        ConservativeDqn.Hyperparameters h = new ConservativeDqn.Hyperparameters(256, 3000, 5e-4f, 0.99f, 1f, 250, 10f,
                new int[] {64, 64});
        try (Networks nets = ConservativeDqn.train(dataset, h, 3, null)) {
            double learned = evaluate(nets, "q");
            System.out.printf("behaviour mean return %.1f; offline double DQN + CQL %.1f%n", behaviourReturn, learned);
            assertTrue(learned >= 0.75 * behaviourReturn, "offline DQN " + learned + " vs behaviour " + behaviourReturn);
        }
        assertEquals(20, dataset.numFragments());
    }
}
