package org.rlplay.algos.ope.bandit;

import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.IntervalMethod;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * On a synthetic bandit whose target value is known exactly, over 200 seeded logs: IPS and DR are
 * unbiased (their mean over logs is within 3 standard errors of the truth, while DM with a biased
 * reward model is not), and their 95% intervals, normal and bootstrap, cover the truth at about
 * the nominal rate (200 replications: 0.95 +- 0.046 is 3 binomial standard deviations). The
 * percentile bootstrap needs enough resamples for its 2.5% and 97.5% quantiles: with 200 DR's
 * coverage fell to 0.905 on these logs, with 500 and 1000 it matches the normal interval's.
 */
class UnbiasednessAndCoverageTest {
    private static final int REPLICATIONS = 200;
    private static final int ROWS = 1000;

    /** A fixed, deliberately wrong reward model: the truth shifted by +-0.15 by action. */
    private static ActionTable biasedModel(ActionTable expected) {
        double[][] q = new double[expected.rows()][expected.actions()];
        for (int i = 0; i < expected.rows(); i++) {
            for (int a = 0; a < expected.actions(); a++) {
                q[i][a] = expected.get(i, a) + (a % 2 == 0 ? 0.15 : -0.1);
            }
        }
        return ActionTable.of(q);
    }

    @Test
    void ipsAndDrAreUnbiasedAndTheirIntervalsCoverAtTheNominalRate() {
        SyntheticBandit world = new SyntheticBandit(4, 3, 40, 0.3, 1.5, 2024);
        double truth = world.trueTargetValue();
        BanditEstimator[] estimators = {BanditEstimator.ips(), BanditEstimator.dr(), BanditEstimator.dm()};
        double[] sum = new double[3];
        double[] sumSquares = new double[3];
        int[] normalCovers = new int[3];
        int[] bootstrapCovers = new int[3];
        for (int rep = 0; rep < REPLICATIONS; rep++) {
            SyntheticBandit.Draw d = world.draw(ROWS, 1000 + rep);
            BanditEvaluation e = BanditEvaluation.of(d.log(), d.target()).withRewardModel(biasedModel(d.expected()));
            for (int k = 0; k < estimators.length; k++) {
                OffPolicyEstimate normal = estimators[k].estimate(e, IntervalMethod.normal(0.95));
                if (k < 2) {     // (DM's bootstrap is left out: its normal interval shows its bias well enough)
                    OffPolicyEstimate boot = estimators[k].estimate(e, IntervalMethod.bootstrap(500, 0.95, rep));
                    bootstrapCovers[k] += boot.lower() <= truth && truth <= boot.upper() ? 1 : 0;
                }
                sum[k] += normal.value();
                sumSquares[k] += normal.value() * normal.value();
                normalCovers[k] += normal.lower() <= truth && truth <= normal.upper() ? 1 : 0;
            }
        }
        StringBuilder report = new StringBuilder("truth " + truth);
        double[] zScores = new double[3];
        for (int k = 0; k < estimators.length; k++) {
            double mean = sum[k] / REPLICATIONS;
            double sd = Math.sqrt((sumSquares[k] - REPLICATIONS * mean * mean) / (REPLICATIONS - 1));
            zScores[k] = (mean - truth) / (sd / Math.sqrt(REPLICATIONS));
            report.append(String.format("%n%s: mean %.5f (z %.2f), normal coverage %.3f", estimators[k].name(), mean,
                    zScores[k], normalCovers[k] / (double) REPLICATIONS));
            if (k < 2) {
                report.append(String.format(", bootstrap coverage %.3f", bootstrapCovers[k] / (double) REPLICATIONS));
            }
        }
        System.out.println(report);
        for (int k = 0; k < 2; k++) {
            assertTrue(Math.abs(zScores[k]) < 3, report.toString());
            double normal = normalCovers[k] / (double) REPLICATIONS;
            double bootstrap = bootstrapCovers[k] / (double) REPLICATIONS;
            assertTrue(normal >= 0.9 && normal <= 0.99, report.toString());
            assertTrue(bootstrap >= 0.9 && bootstrap <= 0.99, report.toString());
        }
        // the same test detects a biased estimator: DM with the wrong model
        assertTrue(Math.abs(zScores[2]) > 10, report.toString());
        assertTrue(normalCovers[2] < REPLICATIONS / 2, report.toString());
    }
}
