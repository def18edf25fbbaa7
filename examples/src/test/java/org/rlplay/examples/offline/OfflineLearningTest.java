package org.rlplay.examples.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.space.Discrete;
import org.rlplay.examples.Cli;
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
 * Record CartPole with a noisy behaviour policy, learn offline without touching the env
 * ({@code train --data}), then evaluate on the env: behaviour cloning reaches at least 90% of the
 * behaviour policy's mean return, offline double DQN with the CQL term at least 75%.
 */
class OfflineLearningTest {
    static final double EPSILON = 0.3;

    @TempDir
    static Path tmp;
    static Path dir;
    static double behaviourReturn;

    @BeforeAll
    static void recordNoisyHeuristic() {
        dir = tmp.resolve("cartpole-heuristic");
        Discrete actions = (Discrete) EnvRegistry.make("CartPole-v1").actionSpace();
        EpsilonGreedyBehaviour behaviour = new EpsilonGreedyBehaviour(new CartPoleHeuristic(),
                EnvRegistry.make("CartPole-v1").observationSpace(), actions, EPSILON, 1);
        try (behaviour; Rollout r = Recorder.wrap(Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 16), behaviour,
                RolloutConfig.builder().length(128).seed(1).build()), dir, DatasetInfo.of("CartPole-v1", 1, 16))) {
            for (int k = 0; k < 20; k++) {
                r.next();
            }
        }
        Dataset dataset = Dataset.open(dir);
        assertEquals(20, dataset.numFragments());
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

    /** Trains {@code algo} on the dataset and returns the greedy evaluation's mean return. */
    private static double trainAndEvaluate(String algo, String... extra) {
        String[] base = {"train", "--data", dir.toString(), "--algo", algo, "--seed", "3", "--eval-episodes", "20",
            "--progress", "off", "--out", tmp.resolve(algo).toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
                .toArray(String[]::new);
        Cli r = Cli.run(args);
        assertEquals(0, r.code(), r::toString);
        Matcher m = Pattern.compile("evaluation on CartPole-v1: 20 greedy episodes, mean return ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r::toString);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void behaviourCloningReachesNinetyPercentOfTheBehaviourPolicysReturn() {
        double cloned = trainAndEvaluate("bc");
        System.out.printf("behaviour (heuristic, epsilon %.1f) mean return %.1f; behaviour cloning %.1f%n",
                EPSILON, behaviourReturn, cloned);
        assertTrue(cloned >= 0.9 * behaviourReturn, "cloned " + cloned + " < 90% of behaviour " + behaviourReturn);
    }

    @Test
    void conservativeDoubleDqnLearnsFromTheDatasetAlone() {
        double learned = trainAndEvaluate("cql", "--steps", "3000", "--set", "targetEvery=250");
        System.out.printf("behaviour mean return %.1f; offline double DQN + CQL %.1f%n", behaviourReturn, learned);
        assertTrue(learned >= 0.75 * behaviourReturn, "offline DQN " + learned + " vs behaviour " + behaviourReturn);
    }
}
