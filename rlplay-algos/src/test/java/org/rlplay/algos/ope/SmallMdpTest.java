package org.rlplay.algos.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every episode estimator, fitted-Q included, on a three-state MDP whose target value is computed
 * exactly (a linear solve): the estimates are close to it and their intervals cover it.
 */
class SmallMdpTest {
    static final int STATES = 3;
    static final int ACTIONS = 2;
    static final double GAMMA = 0.9;
    /** P[s][a][s'] over the states; the rest of the mass (1 - sum) ends the episode (terminated). */
    static final double[][][] P = {
        {{0.1, 0.7, 0.1}, {0.6, 0.2, 0.1}},
        {{0.2, 0.1, 0.6}, {0.0, 0.8, 0.1}},
        {{0.3, 0.0, 0.4}, {0.1, 0.1, 0.2}},
    };
    /** Expected reward of (s, a); the logged reward is this plus uniform noise in [-0.5, 0.5). */
    static final double[][] R = {{1.0, 0.0}, {0.5, 2.0}, {-1.0, 3.0}};
    static final double[][] BEHAVIOUR = {{0.5, 0.5}, {0.7, 0.3}, {0.6, 0.4}};
    static final double[][] TARGET = {{0.3, 0.7}, {0.4, 0.6}, {0.3, 0.7}};

    /** The target's exact value from state 0: V = (I - gamma P_pi)^-1 R_pi, by Gaussian elimination. */
    static double trueValue() {
        double[][] m = new double[STATES][STATES + 1];
        for (int s = 0; s < STATES; s++) {
            m[s][s] = 1;
            for (int a = 0; a < ACTIONS; a++) {
                for (int n = 0; n < STATES; n++) {
                    m[s][n] -= GAMMA * TARGET[s][a] * P[s][a][n];
                }
                m[s][STATES] += TARGET[s][a] * R[s][a];
            }
        }
        for (int c = 0; c < STATES; c++) {
            for (int r = 0; r < STATES; r++) {
                if (r != c) {
                    double f = m[r][c] / m[c][c];
                    for (int k = c; k <= STATES; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
        return m[0][STATES] / m[0][0];
    }

    static float[] oneHot(int s) {
        float[] x = new float[STATES];
        x[s] = 1;
        return x;
    }

    static int sample(SplittableRandom random, double[] p) {
        double u = random.nextDouble();
        double cdf = 0;
        for (int k = 0; k < p.length; k++) {
            cdf += p[k];
            if (u < cdf) {
                return k;
            }
        }
        return p.length;     // the remaining mass: the end
    }

    /** Episodes from state 0 under the behaviour; with {@code logBehaviour} its distribution is logged. */
    static LoggedEpisodes log(int episodes, long seed, boolean logBehaviour, double[][] target) {
        SplittableRandom random = new SplittableRandom(seed);
        LoggedEpisodes.Builder b = LoggedEpisodes.builder(STATES, ACTIONS);
        for (int e = 0; e < episodes; e++) {
            int s = 0;
            while (true) {
                int a = sample(random, BEHAVIOUR[s]);
                double r = R[s][a] + random.nextDouble() - 0.5;
                b.step(oneHot(s), a, r, BEHAVIOUR[s][a], logBehaviour ? BEHAVIOUR[s] : null, target[s]);
                int next = sample(random, P[s][a]);
                if (next == STATES) {
                    b.end(true, null, null);
                    break;
                }
                s = next;
            }
        }
        return b.build();
    }

    @Test
    void everyEstimatorFindsTheExactValueOfTheTarget() {
        double truth = trueValue();
        LoggedEpisodes log = log(3000, 17, true, TARGET);
        EpisodeEvaluation e = EpisodeEvaluation.of(log, GAMMA);
        FittedQEvaluation.Settings settings = new FittedQEvaluation.Settings(new int[0], 60, 20, 1024, 0.01f, 3, 40,
                0.95, 5);
        FittedQEvaluation fqe = FittedQEvaluation.fit(e, settings);
        EpisodeEvaluation model = fqe.crossFitted();
        StringBuilder report = new StringBuilder(String.format("truth %.4f, behaviour %.4f, ess %.1f of %d",
                truth, e.behaviourValue(), e.weights().effectiveSampleSize(), log.count()));
        List<OffPolicyEstimate> estimates = List.of(
                EpisodeEstimator.pdis().estimate(model, IntervalMethod.normal(0.95)),
                EpisodeEstimator.wpdis().estimate(model, IntervalMethod.bootstrap(400, 0.95, 1)),
                EpisodeEstimator.dr().estimate(model, IntervalMethod.normal(0.95)),
                EpisodeEstimator.wdr().estimate(model, IntervalMethod.bootstrap(400, 0.95, 1)),
                fqe.estimate());
        for (OffPolicyEstimate x : estimates) {
            report.append(String.format("%n%-6s %.4f [%.4f, %.4f]", x.estimator(), x.value(), x.lower(), x.upper()));
        }
        System.out.println(report);
        for (OffPolicyEstimate x : estimates) {
            assertTrue(x.lower() <= truth && truth <= x.upper(), report.toString());
            assertEquals(truth, x.value(), 0.1 * Math.abs(truth), report.toString());
            assertEquals(List.of(), x.warnings(), report.toString());
        }
        // the model-based estimates are the tighter ones: DR's interval is narrower than PDIS's
        double pdisWidth = estimates.get(0).upper() - estimates.get(0).lower();
        double drWidth = estimates.get(2).upper() - estimates.get(2).lower();
        assertTrue(drWidth < 0.7 * pdisWidth, report.toString());
    }

    @Test
    void aTargetThatTakesActionsTheBehaviourNeverTakesIsWarnedAbout() {
        // the behaviour never takes action 1 in state 2 (it is logged as giving it probability 0)
        double[][] behaviour = {{0.5, 0.5}, {0.7, 0.3}, {1.0, 0.0}};
        SplittableRandom random = new SplittableRandom(3);
        LoggedEpisodes.Builder withDistribution = LoggedEpisodes.builder(STATES, ACTIONS);
        LoggedEpisodes.Builder bare = LoggedEpisodes.builder(STATES, ACTIONS);
        for (int e = 0; e < 200; e++) {
            int s = 0;
            while (true) {
                int a = sample(random, behaviour[s]);
                withDistribution.step(oneHot(s), a, R[s][a], behaviour[s][a], behaviour[s], TARGET[s]);
                bare.step(oneHot(s), a, R[s][a], behaviour[s][a], null, TARGET[s]);
                int next = sample(random, P[s][a]);
                if (next == STATES) {
                    withDistribution.end(true, null, null);
                    bare.end(true, null, null);
                    break;
                }
                s = next;
            }
        }
        EpisodeEvaluation exact = EpisodeEvaluation.of(withDistribution.build(), GAMMA);
        Support s = exact.support();
        assertEquals(Support.Basis.BEHAVIOUR_DISTRIBUTION, s.basis());
        assertTrue(s.warns(), s.toString());
        assertEquals(List.of(1), s.actions());
        assertTrue(s.rowsAffected() > 0);
        OffPolicyEstimate pdis = EpisodeEstimator.pdis().estimate(exact, IntervalMethod.normal(0.95));
        assertTrue(pdis.warnings().contains(s.warning()), pdis.warnings().toString());
        // without the distribution every action appears somewhere in the log: the per-state gap goes unseen
        assertFalse(EpisodeEvaluation.of(bare.build(), GAMMA).support().warns());
    }
}
