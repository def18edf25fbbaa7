package org.rlplay.algos.ope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.env.Transition;
import org.rlplay.fragment.Fragment;
import org.rlplay.record.Dataset;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.record.ReplayOptions;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.ScriptedActor;
import org.rlplay.testing.ScriptedEnv;

/** Episodes stitched across fragments, and estimates checked against a target policy's measured value. */
class OffPolicyEvaluationTest {
    @TempDir
    Path tmp;

    /** Fills every probability with {@code p}. */
    static ActionProbabilities constant(double p) {
        return (f, out) -> java.util.Arrays.fill(out, p);
    }

    @Test
    void episodesAreStitchedAcrossFragmentsAndOnlyCompleteOnesCount() {
        int[][] lengths = {{2, 4}, {3}, {7, 1}};
        List<ScriptedEnv> envs = new ArrayList<>();
        for (int[] l : lengths) {
            envs.add(new ScriptedEnv(l, 4));
        }
        int fragments = 4;
        int t = 5;
        LoggedEpisodes log;
        try (Rollout r = Rollouts.same(new SerialVecEnv(envs), new ScriptedActor(),
                RolloutConfig.builder().length(t).seed(10).build())) {
            log = LoggedEpisodes.collect(() -> new java.util.Iterator<>() {
                int k;

                @Override
                public boolean hasNext() {
                    return k < fragments;
                }

                @Override
                public Fragment next() {
                    k++;
                    return r.next();
                }
            }, constant(0.5), constant(1.0));
        }
        // expected: per env, the complete episodes within 20 steps, rewards as the script gives them
        List<double[]> expected = new ArrayList<>();
        for (int j = 0; j < lengths.length; j++) {
            int step = 0;
            int episode = 0;
            List<Double> rewards = new ArrayList<>();
            for (int s = 0; s < fragments * t; s++) {
                rewards.add((double) ScriptedEnv.reward(episode, step, ScriptedActor.action(step, step)));
                step++;
                if (step >= lengths[j][episode % lengths[j].length]) {
                    expected.add(rewards.stream().mapToDouble(Double::doubleValue).toArray());
                    rewards.clear();
                    episode++;
                    step = 0;
                }
            }
        }
        assertEquals(expected.size(), log.count());
        // the log lists episodes in the order they end; compare as multisets of reward sequences
        List<String> want = new ArrayList<>();
        expected.forEach(e -> want.add(java.util.Arrays.toString(e)));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < log.count(); i++) {
            double[] rewards = new double[log.length(i)];
            double[] ratios = new double[log.length(i)];
            double[] twos = new double[log.length(i)];
            for (int s = 0; s < log.length(i); s++) {
                rewards[s] = log.reward(i, s);
                ratios[s] = log.ratio(i, s);
                twos[s] = 2.0;
            }
            assertArrayEquals(twos, ratios);
            got.add(java.util.Arrays.toString(rewards));
        }
        want.sort(null);
        got.sort(null);
        assertEquals(want, got);
    }

    // ---- CartPole: epsilon-greedy versions of a balancing heuristic --------------------------------

    /** The heuristic's action: push towards the side the pole is falling to. */
    static int heuristic(float theta, float thetaDot) {
        return theta + 0.5f * thetaDot > 0 ? 1 : 0;
    }

    /** Probability that the policy taking the heuristic's action with probability {@code p} takes {@code a}. */
    static double probability(double p, int a, float theta, float thetaDot) {
        return a == heuristic(theta, thetaDot) ? p : 1 - p;
    }

    /** The behaviour actor: heuristic with probability p, records its action probabilities as info "probs". */
    static final class Behaviour implements Actor {
        final double p;
        final SplittableRandom rng;

        Behaviour(double p, long seed) {
            this.p = p;
            this.rng = new SplittableRandom(seed);
        }

        @Override
        public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
            int n = in.numEnvs();
            float[] probs = new float[2 * n];
            for (int j = 0; j < n; j++) {
                int h = heuristic(in.obs(j, 2), in.obs(j, 3));
                probs[2 * j + h] = (float) p;
                probs[2 * j + 1 - h] = (float) (1 - p);
                if (!virtual) {
                    out.actions().setDiscrete(j, rng.nextDouble() < p ? h : 1 - h);
                }
            }
            NDArray info = in.manager().create(probs, new Shape(n, 2));
            info.setName("probs");
            out.info(new NDList(info));
            return null;
        }
    }

    /** The target's probabilities of the logged actions, computed from the observations. */
    static ActionProbabilities target(double p) {
        return (f, out) -> {
            int n = f.numEnvs();
            for (int t = 0; t < f.length(); t++) {
                for (int j = 0; j < n; j++) {
                    out[t * n + j] = probability(p, (int) f.act(t + 1, j, 0), f.obs(t, j, 2), f.obs(t, j, 3));
                }
            }
        };
    }

    /** The target policy's discounted value measured by running it: mean over {@code episodes} episodes. */
    static double trueValue(double p, double gamma, int episodes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double total = 0;
        try (Env env = EnvRegistry.make("CartPole-v1")) {
            float[] obs = new float[4];
            ActionBatch action = new ActionBatch(env.actionSpace(), 1);
            Transition tr = new Transition(0);
            for (int e = 0; e < episodes; e++) {
                env.reset(seed + e, obs, 0);
                double discount = 1;
                double ret = 0;
                while (true) {
                    int h = heuristic(obs[2], obs[3]);
                    action.setDiscrete(0, rng.nextDouble() < p ? h : 1 - h);
                    env.step(action, 0, obs, 0, tr);
                    ret += discount * tr.reward();
                    discount *= gamma;
                    if (tr.terminated() || tr.truncated()) {
                        break;
                    }
                }
                total += ret;
            }
        }
        return total / episodes;
    }

    @Test
    void estimatesFromARecordedDatasetMatchTheTargetPolicysMeasuredValue() {
        double gamma = 0.95;
        double behaviourP = 0.5;
        Path dir = tmp.resolve("cartpole");
        try (Rollout r = Recorder.wrap(Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 16), new Behaviour(behaviourP, 3),
                RolloutConfig.builder().length(128).seed(100).build()), dir, DatasetInfo.of("CartPole-v1", 100, 16))) {
            for (int k = 0; k < 40; k++) {
                r.next();
            }
        }
        Dataset dataset = Dataset.open(dir);
        double behaviourTrue = trueValue(behaviourP, gamma, 4000, 7);
        for (double targetP : new double[] {0.3, 0.7}) {
            LoggedEpisodes log;
            try (Rollout replay = dataset.replay(ReplayOptions.once())) {
                log = LoggedEpisodes.collect(replay, ActionProbabilities.fromInfoProbabilities("probs"), target(targetP));
            }
            ImportanceSampling.Estimate e = ImportanceSampling.estimate(log, gamma);
            double truth = trueValue(targetP, gamma, 4000, 11);
            System.out.printf("target p=%.1f: true %.3f, ordinary %.3f, weighted %.3f; behaviour true %.3f logged %.3f;"
                    + " %d episodes, ESS %.1f%n", targetP, truth, e.ordinary(), e.weighted(), behaviourTrue,
                    e.behaviourValue(), e.episodes(), e.effectiveEpisodes());
            assertEquals(behaviourTrue, e.behaviourValue(), 0.03 * behaviourTrue, "the log's own value");
            assertEquals(truth, e.weighted(), 0.05 * truth, "weighted per-decision IS");
            assertEquals(truth, e.ordinary(), 0.10 * truth, "ordinary per-decision IS");
            assertEquals(Math.signum(truth - behaviourTrue), Math.signum(e.weightedGain()), "the sign of the gain");
        }
    }

    /** The target's whole distribution at any CartPole observation. */
    static ActionDistribution targetDistribution(double p) {
        return (obs, rows, out) -> {
            for (int r = 0; r < rows; r++) {
                for (int a = 0; a < 2; a++) {
                    out[r * 2 + a] = probability(p, a, obs[r * 4 + 2], obs[r * 4 + 3]);
                }
            }
        };
    }

    @Test
    void aNearlyDeterministicTargetOnLongEpisodesIsWarnedAboutWhereImportanceSamplingFails() {
        // the README's old demonstration: an epsilon-greedy heuristic logs, its greedy version is the target;
        // the episodes' final cumulative ratios are all but one 0, so PDIS and WPDIS rest on about one episode
        Path dir = tmp.resolve("cartpole-greedy");
        try (Rollout r = Recorder.wrap(Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 16), new Behaviour(0.9, 3),
                RolloutConfig.builder().length(128).seed(100).build()), dir, DatasetInfo.of("CartPole-v1", 100, 16))) {
            for (int k = 0; k < 20; k++) {
                r.next();
            }
        }
        LoggedEpisodes log;
        try (Rollout replay = Dataset.open(dir).replay(ReplayOptions.once())) {
            log = LoggedEpisodes.collect(replay, "probs", targetDistribution(1.0));
        }
        assertTrue(log.hasStates() && log.behaviourLogged());
        EpisodeEvaluation e = EpisodeEvaluation.of(log, 0.99);
        double truth = trueValue(1.0, 0.99, 200, 11);
        for (EpisodeEstimator estimator : List.of(EpisodeEstimator.pdis(), EpisodeEstimator.wpdis())) {
            OffPolicyEstimate x = estimator.estimate(e, IntervalMethod.bootstrap(500, 0.95, 1));
            System.out.printf("%s: %.2f [%.2f, %.2f], truth %.2f, %s%n", x.estimator(), x.value(), x.lower(), x.upper(),
                    truth, x.warnings());
            assertTrue(x.weights().low(), x.toString());
            assertTrue(x.warnings().stream().anyMatch(w -> w.startsWith("effective sample size")), x.toString());
        }
        assertTrue(e.weights().effectiveSampleSize() < 10, e.weights().toString());
        assertTrue(!e.support().warns(), "the behaviour takes every action somewhere: no support warning");
    }

    @Test
    void aBehaviourProbabilityOfZeroForALoggedActionIsRefused() {
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 2), new Behaviour(0.5, 1),
                RolloutConfig.builder().length(8).build())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LoggedEpisodes.collect(List.of(r.next()), constant(0.0), constant(0.5)));
            assertTrue(e.getMessage().contains("probability 0"), e.getMessage());
        }
    }
}
