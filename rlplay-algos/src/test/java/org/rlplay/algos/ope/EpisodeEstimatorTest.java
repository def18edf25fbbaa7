package org.rlplay.algos.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The episode estimators on logs small enough to compute by hand, and their agreement with ImportanceSampling. */
class EpisodeEstimatorTest {
    /*
     * episode 0: rewards 1, 1; step ratios 2, 0.5 -> rho 2, 1;  q = (0.5, 1.0), v = (0.8, 0.6)
     * episode 1: reward 1;     step ratio 0.5     -> rho 0.5;   q = (0.2),      v = (0.4)
     * gamma 0.5
     */
    static EpisodeEvaluation handCase() {
        LoggedEpisodes log = LoggedEpisodes.of(new double[][] {{1, 1}, {1}}, new double[][] {{2, 0.5}, {0.5}});
        return EpisodeEvaluation.of(log, 0.5).withModel(new double[][] {{0.5, 1.0}, {0.2}},
                new double[][] {{0.8, 0.6}, {0.4}});
    }

    @Test
    void handComputedEstimates() {
        EpisodeEvaluation e = handCase();
        assertEquals(1.5, EpisodeEstimator.pdis().value(e), 1e-15);
        assertEquals(1 + 1.0 / 3, EpisodeEstimator.wpdis().value(e), 1e-15);
        // dr, episode 0: t0 2 (1 - 0.5) + 1 * 0.8 = 1.8; t1 0.5 (1 (1 - 1) + 2 * 0.6) = 0.6 -> 2.4
        //     episode 1: 0.5 (1 - 0.2) + 0.4 = 0.8;   mean 1.6
        assertEquals(1.6, EpisodeEstimator.dr().value(e), 1e-15);
        // wdr, t0: (2 * 0.5 + 0.5 * 0.8) / 2.5 + (0.8 + 0.4) / 2 = 0.56 + 0.6
        //      t1: (1 * 0 + 0) / (1 + 0.5) + (2 * 0.6 + 0) / 2.5 = 0.48, times gamma
        assertEquals(1.16 + 0.5 * 0.48, EpisodeEstimator.wdr().value(e), 1e-15);
    }

    @Test
    void withAZeroModelTheDoublyRobustFormsAreTheImportanceSamplingOnes() {
        SplittableRandom random = new SplittableRandom(3);
        double[][] rewards = new double[40][];
        double[][] ratios = new double[40][];
        double[][] zeros = new double[40][];
        for (int i = 0; i < 40; i++) {
            int len = 1 + random.nextInt(12);
            rewards[i] = new double[len];
            ratios[i] = new double[len];
            zeros[i] = new double[len];
            for (int t = 0; t < len; t++) {
                rewards[i][t] = random.nextDouble() * 2 - 0.5;
                ratios[i][t] = random.nextDouble() * 2;
            }
        }
        LoggedEpisodes log = LoggedEpisodes.of(rewards, ratios);
        EpisodeEvaluation e = EpisodeEvaluation.of(log, 0.9).withModel(zeros, zeros);
        ImportanceSampling.Estimate old = ImportanceSampling.estimate(log, 0.9);
        assertEquals(old.ordinary(), EpisodeEstimator.pdis().value(e), 1e-12);
        assertEquals(old.weighted(), EpisodeEstimator.wpdis().value(e), 1e-12);
        assertEquals(old.ordinary(), EpisodeEstimator.dr().value(e), 1e-12);
        assertEquals(old.weighted(), EpisodeEstimator.wdr().value(e), 1e-12);
        assertEquals(old.effectiveEpisodes(), e.weights().effectiveSampleSize(), 1e-12);
        assertEquals(old.behaviourValue(), e.behaviourValue(), 1e-12);
    }

    @Test
    void diagnosticsAreOfTheEpisodesFinalCumulativeRatios() {
        OffPolicyEstimate e = EpisodeEstimator.pdis().estimate(handCase(), IntervalMethod.normal(0.95));
        assertEquals(2, e.weights().rows());
        assertEquals(2.25 / 1.25, e.weights().effectiveSampleSize(), 1e-12);
        assertEquals(1, e.weights().maxWeight(), 0);
        assertEquals(0.75, e.weights().meanWeight(), 1e-15);
        // a log without states has nothing to check support with: no warning from it
        assertEquals(Support.Basis.LOGGED_ACTIONS, e.support().basis());
        assertTrue(!e.support().warns());
    }

    @Test
    void normalIntervalOfPdisIsTheMeanPlusMinusZTimesTheStandardError() {
        // per-episode terms 2 + 0.5 = 2.5 and 0.5: mean 1.5, sample sd sqrt(2), standard error 1
        OffPolicyEstimate e = EpisodeEstimator.pdis().estimate(handCase(), IntervalMethod.normal(0.95));
        assertEquals(1.5 - 1.959963984540054, e.lower(), 1e-12);
        assertEquals(1.5 + 1.959963984540054, e.upper(), 1e-12);
        assertEquals("pdis", e.estimator());
        assertThrows(IllegalArgumentException.class,
                () -> EpisodeEstimator.wpdis().estimate(handCase(), IntervalMethod.normal(0.95)));
    }

    @Test
    void theDoublyRobustFormsNeedAModel() {
        EpisodeEvaluation bare = EpisodeEvaluation.of(LoggedEpisodes.of(new double[][] {{1}}, new double[][] {{1}}), 0.9);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> EpisodeEstimator.dr().value(bare));
        assertTrue(x.getMessage().contains("needs a model"), x.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bare.withModel(new double[][] {{1, 2}}, new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class,
                () -> bare.withModel(new double[][] {{Double.NaN}}, new double[][] {{1}}));
    }

    @Test
    void bootstrapIsDeterministicForASeedAndBracketsTheEstimate() {
        SplittableRandom random = new SplittableRandom(5);
        double[][] rewards = new double[300][];
        double[][] ratios = new double[300][];
        double[][] q = new double[300][];
        for (int i = 0; i < 300; i++) {
            int len = 1 + random.nextInt(8);
            rewards[i] = new double[len];
            ratios[i] = new double[len];
            q[i] = new double[len];
            for (int t = 0; t < len; t++) {
                rewards[i][t] = random.nextDouble();
                ratios[i][t] = 0.5 + random.nextDouble();
                q[i][t] = 0.5;
            }
        }
        EpisodeEvaluation e = EpisodeEvaluation.of(LoggedEpisodes.of(rewards, ratios), 0.95).withModel(q, q);
        for (EpisodeEstimator estimator : List.of(EpisodeEstimator.pdis(), EpisodeEstimator.wpdis(),
                EpisodeEstimator.dr(), EpisodeEstimator.wdr())) {
            OffPolicyEstimate a = estimator.estimate(e, IntervalMethod.bootstrap(301, 0.9, 42));
            OffPolicyEstimate b = estimator.estimate(e, IntervalMethod.bootstrap(301, 0.9, 42));
            OffPolicyEstimate c = estimator.estimate(e, IntervalMethod.bootstrap(301, 0.9, 43));
            assertEquals(a, b, estimator.name());
            assertNotEquals(a.lower(), c.lower(), estimator.name());
            assertTrue(a.lower() < a.value() && a.value() < a.upper(), estimator.name() + ": " + a);
        }
        // for a sample mean the bootstrap and the normal interval agree
        OffPolicyEstimate normal = EpisodeEstimator.pdis().estimate(e, IntervalMethod.normal(0.9));
        OffPolicyEstimate boot = EpisodeEstimator.pdis().estimate(e, IntervalMethod.bootstrap(2000, 0.9, 1));
        double width = normal.upper() - normal.lower();
        assertEquals(width, boot.upper() - boot.lower(), 0.1 * width);
    }
}
