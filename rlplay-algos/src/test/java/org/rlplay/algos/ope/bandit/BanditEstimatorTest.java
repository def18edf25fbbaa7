package org.rlplay.algos.ope.bandit;

import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.WeightDiagnostics;
import org.rlplay.algos.ope.PoissonBootstrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every estimator on a log small enough to compute by hand. */
class BanditEstimatorTest {
    /*
     * row  a  r  mu(a)  pi(.|x)     w    q(x, .)    qhat = sum pi q   q(x, a)
     *  0   0  1  0.5    (0.8, 0.2)  1.6  (0.5, 1.0)  0.6               0.5
     *  1   1  0  0.25   (0.5, 0.5)  2.0  (0.2, 0.4)  0.3               0.4
     *  2   0  2  1.0    (0.1, 0.9)  0.1  (1.0, 0.0)  0.1               1.0
     */
    static BanditEvaluation handCase() {
        BanditLog log = BanditLog.of(2, new int[] {0, 1, 0}, new double[] {1, 0, 2}, new double[] {0.5, 0.25, 1.0});
        ActionTable target = ActionTable.of(new double[][] {{0.8, 0.2}, {0.5, 0.5}, {0.1, 0.9}});
        ActionTable q = ActionTable.of(new double[][] {{0.5, 1.0}, {0.2, 0.4}, {1.0, 0.0}});
        return BanditEvaluation.of(log, target).withRewardModel(q);
    }

    @Test
    void handComputedEstimates() {
        BanditEvaluation e = handCase();
        assertEquals(1.8 / 3, BanditEstimator.ips().value(e), 1e-15);
        assertEquals(1.7 / 3, BanditEstimator.clippedIps(1.5).value(e), 1e-15);       // weights 1.5, 1.5, 0.1
        assertEquals(1.8 / 3.7, BanditEstimator.snips().value(e), 1e-15);
        assertEquals(1.0 / 3, BanditEstimator.dm().value(e), 1e-15);
        // DR terms: 0.6 + 1.6 (1 - 0.5) = 1.4; 0.3 + 2 (0 - 0.4) = -0.5; 0.1 + 0.1 (2 - 1) = 0.2
        assertEquals(1.1 / 3, BanditEstimator.dr().value(e), 1e-15);
        // SNDR: DM + (0.8 - 0.8 + 0.1) / 3.7
        assertEquals(1.0 / 3 + 0.1 / 3.7, BanditEstimator.sndr().value(e), 1e-15);
        // switch at 1.8: row 1 (w = 2) falls back to its DM term 0.3
        assertEquals(1.9 / 3, BanditEstimator.switchDr(1.8).value(e), 1e-15);
    }

    @Test
    void weightDiagnosticsAreOfTheRawWeights() {
        WeightDiagnostics d = handCase().weights();
        assertEquals(3, d.rows());
        assertEquals(3.7 * 3.7 / (1.6 * 1.6 + 4 + 0.01), d.effectiveSampleSize(), 1e-12);
        assertEquals(2.0, d.maxWeight(), 0);
        assertEquals(3.7 / 3, d.meanWeight(), 1e-15);
        OffPolicyEstimate clipped = BanditEstimator.clippedIps(1.5).estimate(handCase(), IntervalMethod.normal(0.9));
        assertEquals(d, clipped.weights());
    }

    @Test
    void switchDrSpansDmAndDrAndTheCapSpansZeroAndIps() {
        BanditEvaluation e = handCase();
        assertEquals(BanditEstimator.dr().value(e), BanditEstimator.switchDr(2.0).value(e), 1e-15);   // w <= tau kept
        assertEquals(BanditEstimator.dr().value(e), BanditEstimator.switchDr(1e300).value(e), 1e-15);
        assertEquals(BanditEstimator.dm().value(e), BanditEstimator.switchDr(0).value(e), 1e-15);
        assertEquals(BanditEstimator.ips().value(e), BanditEstimator.clippedIps(2.0).value(e), 1e-15);
        assertEquals((0.05 * 1 + 0.05 * 2) / 3, BanditEstimator.clippedIps(0.05).value(e), 1e-15);
    }

    @Test
    void theBehaviourEvaluatesToTheLoggedMeanRewardUnderEveryImportanceWeightedEstimator() {
        double[] reward = {1, 0, 3, 2};
        BanditLog log = BanditLog.of(2, new int[] {0, 1, 1, 0}, reward, new double[] {0.7, 0.3, 0.3, 0.7});
        ActionTable behaviour = ActionTable.of(new double[][] {{0.7, 0.3}, {0.7, 0.3}, {0.7, 0.3}, {0.7, 0.3}});
        BanditEvaluation e = BanditEvaluation.of(log, behaviour);
        assertEquals(1.5, BanditEstimator.ips().value(e), 1e-15);
        assertEquals(1.5, BanditEstimator.snips().value(e), 1e-15);
        assertEquals(4, e.weights().effectiveSampleSize(), 1e-12);
        assertEquals(1, e.weights().maxWeight(), 1e-15);
    }

    @Test
    void aTargetThatNeverTakesTheLoggedActionsGetsNoCorrectionFromTheLog() {
        BanditLog log = BanditLog.of(2, new int[] {0, 0}, new double[] {5, 5}, new double[] {1, 1});
        ActionTable target = ActionTable.of(new double[][] {{0, 1}, {0, 1}});
        BanditEvaluation e = BanditEvaluation.of(log, target).withRewardModel(ActionTable.of(new double[][] {{0, 2}, {0, 4}}));
        assertEquals(0, BanditEstimator.ips().value(e), 0);
        assertEquals(0, BanditEstimator.snips().value(e), 0);                   // 0 / 0 counts as 0
        assertEquals(3, BanditEstimator.sndr().value(e), 1e-15);                // DM alone
        assertEquals(0, e.weights().effectiveSampleSize(), 0);
        assertTrue(e.weights().low());
    }

    @Test
    void normalIntervalIsTheMeanPlusMinusZTimesTheStandardError() {
        // IPS terms 1.6, 0, 0.2: mean 0.6, sample variance (1 + 0.36 + 0.16) / 2 = 0.76
        OffPolicyEstimate e = BanditEstimator.ips().estimate(handCase(), IntervalMethod.normal(0.95));
        double half = 1.959963984540054 * Math.sqrt(0.76 / 3);
        assertEquals(0.6, e.value(), 1e-15);
        assertEquals(0.6 - half, e.lower(), 1e-12);
        assertEquals(0.6 + half, e.upper(), 1e-12);
        assertEquals("ips", e.estimator());
        assertEquals(new IntervalMethod.Normal(0.95), e.interval());
    }

    @Test
    void namesCarryTheirParameters() {
        assertEquals("clipped-ips(10)", BanditEstimator.clippedIps(10).name());
        assertEquals("switch-dr(2.5)", BanditEstimator.switchDr(2.5).name());
        assertTrue(BanditEstimator.dr().needsRewardModel());
        assertFalse(BanditEstimator.snips().needsRewardModel());
        assertFalse(BanditEstimator.snips().isSampleMean());
        assertFalse(BanditEstimator.sndr().isSampleMean());
        assertTrue(BanditEstimator.switchDr(1).isSampleMean());
    }

    @Test
    void bootstrapIsDeterministicForASeedAndDiffersAcrossSeeds() {
        SyntheticBandit world = new SyntheticBandit(4, 3, 40, 0.2, 2.0, 11);
        SyntheticBandit.Draw d = world.draw(3000, 5);
        BanditEvaluation e = BanditEvaluation.of(d.log(), d.target()).withRewardModel(d.expected());
        for (BanditEstimator estimator : new BanditEstimator[] {BanditEstimator.ips(), BanditEstimator.snips(),
                BanditEstimator.dr(), BanditEstimator.sndr()}) {
            OffPolicyEstimate a = estimator.estimate(e, IntervalMethod.bootstrap(301, 0.9, 42));
            OffPolicyEstimate b = estimator.estimate(e, IntervalMethod.bootstrap(301, 0.9, 42));
            OffPolicyEstimate c = estimator.estimate(e, IntervalMethod.bootstrap(301, 0.9, 43));
            assertEquals(a, b, estimator.name());
            assertNotEquals(a.lower(), c.lower(), estimator.name());
            assertTrue(a.lower() < a.value() && a.value() < a.upper(), estimator.name() + ": " + a);
        }
    }

    @Test
    void bootstrapOfASampleMeanAgreesWithItsNormalInterval() {
        SyntheticBandit world = new SyntheticBandit(4, 3, 40, 0.2, 2.0, 11);
        SyntheticBandit.Draw d = world.draw(20_000, 6);
        BanditEvaluation e = BanditEvaluation.of(d.log(), d.target()).withRewardModel(d.expected());
        for (BanditEstimator estimator : new BanditEstimator[] {BanditEstimator.ips(), BanditEstimator.dr()}) {
            OffPolicyEstimate normal = estimator.estimate(e, IntervalMethod.normal(0.9));
            OffPolicyEstimate boot = estimator.estimate(e, IntervalMethod.bootstrap(2000, 0.9, 1));
            double width = normal.upper() - normal.lower();
            assertEquals(width, boot.upper() - boot.lower(), 0.08 * width, estimator.name());
            assertEquals((normal.lower() + normal.upper()) / 2, (boot.lower() + boot.upper()) / 2, 0.08 * width,
                    estimator.name());
        }
    }

    @Test
    void poissonDrawsHaveMeanAndVarianceOne() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        int n = 1_000_000;
        long sum = 0;
        long sumSquares = 0;
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            int c = PoissonBootstrap.poisson(random.nextLong() >>> 32);
            sum += c;
            sumSquares += (long) c * c;
            zeros += c == 0 ? 1 : 0;
        }
        double mean = (double) sum / n;
        assertEquals(1, mean, 0.005);
        assertEquals(1, (double) sumSquares / n - mean * mean, 0.01);
        assertEquals(Math.exp(-1), (double) zeros / n, 0.002);
        assertEquals(12, PoissonBootstrap.poisson((1L << 32) - 1));
    }

    @Test
    void theBucketTableDrawsExactlyWhatTheThresholdSearchDraws() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(4);
        for (int i = 0; i < 1_000_000; i++) {
            long u = random.nextLong() >>> 32;
            assertEquals(PoissonBootstrap.search(u), PoissonBootstrap.poisson(u), "u = " + u);
        }
        for (long j = 0; j < 1 << 12; j++) {
            for (long u : new long[] {j << 20, (j << 20) + (1 << 19), ((j + 1) << 20) - 1}) {
                assertEquals(PoissonBootstrap.search(u), PoissonBootstrap.poisson(u), "u = " + u);
            }
        }
    }

    @Test
    void quantilesInterpolateLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        assertEquals(1.075, PoissonBootstrap.quantile(sorted, 0.025), 1e-15);   // numpy.percentile(x, 2.5)
        assertEquals(3.925, PoissonBootstrap.quantile(sorted, 0.975), 1e-15);
        assertEquals(4, PoissonBootstrap.quantile(sorted, 1), 0);
    }
}
