package org.rlplay.algos.ope.bandit;

import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.IntervalMethod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Statistics computed per partition and merged give what one pass over the whole log gives. */
class PartitionMergeTest {
    private static final int[] CUTS = {0, 1, 700, 701, 1900, 3000};

    /** Rows [from, to) of a table of K columns. */
    private static ActionTable rows(ActionTable t, int from, int to) {
        double[][] r = new double[to - from][t.actions()];
        for (int i = from; i < to; i++) {
            for (int a = 0; a < t.actions(); a++) {
                r[i - from][a] = t.get(i, a);
            }
        }
        return ActionTable.of(r);
    }

    /** Rows [from, to) of the draw's evaluation, as a partition would hold them. */
    private static BanditEvaluation slice(SyntheticBandit.Draw d, boolean withBehaviour, ActionTable target, int from,
                                          int to) {
        BanditLog whole = d.log();
        int[] action = new int[to - from];
        double[] reward = new double[to - from];
        double[] propensity = new double[to - from];
        for (int i = from; i < to; i++) {
            action[i - from] = whole.action(i);
            reward[i - from] = whole.reward(i);
            propensity[i - from] = whole.propensity(i);
        }
        BanditLog log = BanditLog.of(whole.actions(), action, reward, propensity);
        if (withBehaviour) {
            log = log.withBehaviour(rows(d.logWithBehaviour().behaviour().orElseThrow(), from, to));
        }
        return BanditEvaluation.of(log, rows(target, from, to)).withRewardModel(rows(d.expected(), from, to));
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)), what);
    }

    private static void assertSame(OffPolicyEstimate one, OffPolicyEstimate merged) {
        String name = one.estimator();
        assertClose(one.value(), merged.value(), name + " value");
        assertClose(one.lower(), merged.lower(), name + " lower");
        assertClose(one.upper(), merged.upper(), name + " upper");
        assertEquals(one.interval(), merged.interval(), name);
        assertEquals(one.weights().rows(), merged.weights().rows(), name);
        assertClose(one.weights().effectiveSampleSize(), merged.weights().effectiveSampleSize(), name + " ess");
        assertEquals(one.weights().maxWeight(), merged.weights().maxWeight(), 0, name);
        assertClose(one.weights().meanWeight(), merged.weights().meanWeight(), name + " mean weight");
        assertEquals(one.support().basis(), merged.support().basis(), name);
        assertEquals(one.support().rowsAffected(), merged.support().rowsAffected(), name);
        assertEquals(one.support().actions(), merged.support().actions(), name);
        assertClose(one.support().unsupportedMass(), merged.support().unsupportedMass(), name + " support");
    }

    private static void check(SyntheticBandit.Draw d, boolean withBehaviour, ActionTable target) {
        BanditLog log = withBehaviour ? d.logWithBehaviour() : d.log();
        BanditEvaluation whole = BanditEvaluation.of(log, target).withRewardModel(d.expected());
        List<BanditEstimator> estimators = List.of(BanditEstimator.dm(), BanditEstimator.ips(),
                BanditEstimator.clippedIps(3), BanditEstimator.snips(), BanditEstimator.dr(), BanditEstimator.sndr(),
                BanditEstimator.switchDr(2));
        for (BanditEstimator estimator : estimators) {
            List<IntervalMethod> intervals = estimator.isSampleMean()
                    ? List.of(IntervalMethod.normal(0.9), IntervalMethod.bootstrap(201, 0.95, 7))
                    : List.of(IntervalMethod.bootstrap(201, 0.95, 7));
            for (IntervalMethod interval : intervals) {
                OffPolicyEstimate one = estimator.estimate(whole, interval);
                BanditStatistics merged = null;
                for (int p = CUTS.length - 2; p >= 0; p--) {          // merged in reverse order: order is free
                    BanditStatistics s = estimator.statistics(slice(d, withBehaviour, target, CUTS[p], CUTS[p + 1]),
                            CUTS[p], interval);
                    merged = merged == null ? s : s.merge(merged);
                }
                assertEquals(3000, merged.rows());
                assertSame(one, merged.estimate());
            }
        }
    }

    @Test
    void mergedPartitionsGiveTheOnePassEstimatesIntervalsAndDiagnostics() {
        SyntheticBandit world = new SyntheticBandit(4, 3, 40, 0.2, 2.0, 11);
        SyntheticBandit.Draw d = world.draw(3000, 5);
        check(d, false, d.target());
        check(d, true, d.target());
    }

    @Test
    void theSupportCheckWithoutALoggedDistributionIsExactAcrossPartitions() {
        // the log takes actions 0..3 except that action 3 appears only in the last partition's rows,
        // and the target uses action 3 only in some rows: no single partition knows which actions are unseen
        SyntheticBandit world = new SyntheticBandit(5, 3, 40, 0.2, 2.0, 12);
        SyntheticBandit.Draw d = world.draw(3000, 6);
        double[][] pi = new double[3000][5];
        for (int i = 0; i < 3000; i++) {
            Arrays.fill(pi[i], 0.25);
            pi[i][4] = 0;
            if (i % 3 == 0) {
                pi[i][4] = 0.2;             // action 4 is logged (epsilon), keep it
                pi[i][0] = 0.05;
            }
        }
        check(d, false, ActionTable.of(pi));
        // an action never logged anywhere: K = 5 but the target also weighs an action the log lacks
        int[] action = new int[3000];
        for (int i = 0; i < 3000; i++) {
            action[i] = d.log().action(i) == 4 ? 3 : d.log().action(i);
        }
        BanditLog noFour = BanditLog.of(5, action, new double[3000], filled(3000, 0.5));
        BanditEvaluation whole = BanditEvaluation.of(noFour, ActionTable.of(pi));
        OffPolicyEstimate one = BanditEstimator.ips().estimate(whole, IntervalMethod.normal(0.9));
        assertTrue(one.support().warns());
        BanditStatistics merged = null;
        for (int p = 0; p + 1 < CUTS.length; p++) {
            int from = CUTS[p];
            int to = CUTS[p + 1];
            BanditLog part = BanditLog.of(5, Arrays.copyOfRange(action, from, to), new double[to - from],
                    filled(to - from, 0.5));
            BanditStatistics s = BanditEstimator.ips().statistics(BanditEvaluation.of(part,
                    rows(ActionTable.of(pi), from, to)), from, IntervalMethod.normal(0.9));
            merged = merged == null ? s : merged.merge(s);
        }
        assertSame(one, merged.estimate());
    }

    private static double[] filled(int n, double v) {
        double[] x = new double[n];
        Arrays.fill(x, v);
        return x;
    }

    @Test
    void statisticsSurviveJavaSerialisationAsASparkJobShipsThem() throws IOException, ClassNotFoundException {
        SyntheticBandit world = new SyntheticBandit(4, 3, 40, 0.2, 2.0, 11);
        SyntheticBandit.Draw d = world.draw(500, 5);
        BanditStatistics s = BanditEstimator.sndr().statistics(BanditEvaluation.of(d.log(), d.target())
                .withRewardModel(d.expected()), 0, IntervalMethod.bootstrap(50, 0.9, 3));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        BanditStatistics back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (BanditStatistics) in.readObject();
        }
        assertEquals(s.estimate(), back.estimate());
    }

    @Test
    void statisticsOfDifferentEstimatorsOrIntervalsDoNotMerge() {
        SyntheticBandit world = new SyntheticBandit(4, 3, 40, 0.2, 2.0, 11);
        SyntheticBandit.Draw d = world.draw(100, 5);
        BanditEvaluation e = BanditEvaluation.of(d.log(), d.target());
        BanditStatistics ips = BanditEstimator.ips().statistics(e, 0, IntervalMethod.normal(0.9));
        assertThrows(IllegalArgumentException.class,
                () -> ips.merge(BanditEstimator.snips().statistics(e, 100, IntervalMethod.bootstrap(10, 0.9, 1))));
        assertThrows(IllegalArgumentException.class,
                () -> ips.merge(BanditEstimator.ips().statistics(e, 100, IntervalMethod.normal(0.95))));
        assertThrows(IllegalArgumentException.class, () -> BanditEstimator.ips().statistics(e, -1, IntervalMethod.normal(0.9)));
    }
}
