package org.rlplay.algos.ope.bandit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.bandit.Bandits;
import org.rlplay.env.bandit.ContextualBandit;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/** Bandit logs recorded as fragments of one-step episodes, read back as a BanditLog with contexts. */
class LoggedDecisionsTest {
    static final int K = 5;

    /** A softmax of a fixed random linear score, mixed with 20% uniform; logs its distribution as "probs". */
    static final class SoftmaxBehaviour implements Actor {
        final double[][] beta = new double[K][8];
        final SplittableRandom random;
        final String column;
        final boolean propensityOnly;
        /** What the logged probabilities are multiplied by (1: the truth; 0: a broken logger). */
        float logScale = 1;

        SoftmaxBehaviour(long seed, String column, boolean propensityOnly) {
            SplittableRandom world = new SplittableRandom(99);
            for (double[] row : beta) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = world.nextDouble() - 0.5;
                }
            }
            this.random = new SplittableRandom(seed);
            this.column = column;
            this.propensityOnly = propensityOnly;
        }

        void probabilities(float[] x, int offset, double[] out, int at) {
            double total = 0;
            for (int a = 0; a < K; a++) {
                double z = 0;
                for (int j = 0; j < 8; j++) {
                    z += beta[a][j] * x[offset + j];
                }
                out[at + a] = Math.exp(z);
                total += out[at + a];
            }
            for (int a = 0; a < K; a++) {
                out[at + a] = 0.8 * out[at + a] / total + 0.2 / K;
            }
        }

        @Override
        public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
            int n = in.numEnvs();
            float[] x = new float[8];
            double[] p = new double[K];
            float[] info = new float[n * (propensityOnly ? 1 : K)];
            for (int j = 0; j < n; j++) {
                for (int e = 0; e < 8; e++) {
                    x[e] = in.obs(j, e);
                }
                probabilities(x, 0, p, 0);
                int a = 0;
                double u = random.nextDouble();
                double cdf = p[0];
                while (u >= cdf && a < K - 1) {
                    cdf += p[++a];
                }
                if (!virtual) {
                    out.actions().setDiscrete(j, a);
                }
                if (propensityOnly) {
                    info[j] = (float) p[a] * logScale;
                } else {
                    for (int b = 0; b < K; b++) {
                        info[j * K + b] = (float) p[b];
                    }
                }
            }
            NDArray array = in.manager().create(info, new Shape(n, propensityOnly ? 1 : K));
            array.setName(column);
            out.info(new NDList(array));
            return null;
        }
    }

    /** A target preferring the actions the true reward function favours: softmax of 3 * mu(x, a). */
    static ActionDistribution target(ContextualBandit env) {
        return (obs, rows, out) -> {
            for (int r = 0; r < rows; r++) {
                float[] x = java.util.Arrays.copyOfRange(obs, r * 8, (r + 1) * 8);
                int m = 0;
                while (!java.util.Arrays.equals(x, env.context(m))) {
                    m++;
                }
                double total = 0;
                for (int a = 0; a < K; a++) {
                    out[r * K + a] = Math.exp(3 * env.expectedReward(m, a));
                    total += out[r * K + a];
                }
                for (int a = 0; a < K; a++) {
                    out[r * K + a] /= total;
                }
            }
        };
    }

    static List<Fragment> record(int length, int envs, int fragments, Actor actor) {
        List<Fragment> copies = new ArrayList<>();
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec(Bandits.ID, envs), actor,
                RolloutConfig.builder().length(length).seed(21).build())) {
            for (int k = 0; k < fragments; k++) {
                Fragment f = r.next();
                FragmentWriter copy = new FragmentWriter(f.spec());
                copy.copyFrom(f);
                copies.add(copy.fragment());
            }
        }
        return copies;
    }

    @Test
    void fragmentsOfOneStepEpisodesAreDecisionsWithTheirContextsAndPropensities() {
        List<Fragment> fragments = record(1, 3, 50, new SoftmaxBehaviour(4, "probs", false));
        LoggedDecisions d = LoggedDecisions.collect(fragments, "probs");
        assertEquals(150, d.log().size(), "one decision per env per T = 1 fragment");
        assertEquals(K, d.log().actions());
        assertEquals(8, d.contextSize());
        assertTrue(d.log().behaviour().isPresent());
        SoftmaxBehaviour behaviour = new SoftmaxBehaviour(0, "probs", false);
        double[] p = new double[K];
        for (int i = 0; i < d.log().size(); i++) {
            Fragment f = fragments.get(i / 3);
            int j = i % 3;
            assertEquals(f.rew(1, j), d.log().reward(i), 0);
            assertEquals((int) f.act(1, j, 0), d.log().action(i));
            assertEquals(f.obs(0, j, 5), d.contexts()[i * 8 + 5], 0);
            behaviour.probabilities(d.contexts(), i * 8, p, 0);
            assertEquals(p[d.log().action(i)], d.log().propensity(i), 1e-6, "row " + i);
        }
    }

    @Test
    void longerFragmentsAndPropensityOnlyColumnsGiveTheSameKindOfLog() {
        LoggedDecisions d = LoggedDecisions.collect(record(4, 2, 10, new SoftmaxBehaviour(4, "mu", true)), "mu");
        assertEquals(4 * 2 * 10, d.log().size());
        assertTrue(d.log().behaviour().isEmpty());
    }

    @Test
    void estimatesFromTheRecordedLogFindTheTargetsExactValue() {
        ContextualBandit env = Bandits.v0();
        LoggedDecisions d = LoggedDecisions.collect(record(1, 20, 400, new SoftmaxBehaviour(5, "probs", false)), "probs");
        double truth = env.trueValue((x, out) -> target(env).probabilities(x, 1, out));
        BanditEvaluation e = BanditEvaluation.of(d.log(), d.target(target(env)));
        for (BanditEstimator estimator : List.of(BanditEstimator.ips(), BanditEstimator.snips())) {
            OffPolicyEstimate x = estimator.estimate(e, IntervalMethod.bootstrap(500, 0.99, 1));
            assertTrue(x.lower() <= truth && truth <= x.upper(), estimator.name() + " " + x + " truth " + truth);
        }
        // the behaviour evaluated on its own log is the log's mean reward
        double mean = 0;
        for (int i = 0; i < d.log().size(); i++) {
            mean += d.log().reward(i) / d.log().size();
        }
        assertEquals(mean, BanditEstimator.ips().value(BanditEvaluation.of(d.log(), d.log().behaviour().orElseThrow())),
                1e-9);
    }

    @Test
    void badLogsAreOneClearLine() {
        List<Fragment> bandit = record(1, 2, 3, new SoftmaxBehaviour(4, "probs", false));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> LoggedDecisions.collect(bandit, "propensity"));
        assertTrue(missing.getMessage().startsWith("the log has no propensities"), missing.getMessage());
        SoftmaxBehaviour broken = new SoftmaxBehaviour(4, "probs", true);
        broken.logScale = 0;
        List<Fragment> zero = record(1, 2, 3, broken);
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> LoggedDecisions.collect(zero, "probs"));
        assertTrue(outside.getMessage().contains("outside (0, 1]"), outside.getMessage());
        List<Fragment> cartPole = new ArrayList<>();
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 2), new Actor() {
            @Override
            public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
                for (int j = 0; j < in.numEnvs(); j++) {
                    out.actions().setDiscrete(j, 0);
                }
                NDArray p = in.manager().ones(new Shape(in.numEnvs(), 1));
                p.setName("probs");
                out.info(new NDList(p));
                return null;
            }
        }, RolloutConfig.builder().length(4).build())) {
            cartPole.add(r.next());
            IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
                    () -> LoggedDecisions.collect(cartPole, "probs"));
            assertTrue(longer.getMessage().contains("not a contextual-bandit log"), longer.getMessage());
        }
    }
}
