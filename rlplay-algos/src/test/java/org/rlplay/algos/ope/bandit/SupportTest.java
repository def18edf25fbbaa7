package org.rlplay.algos.ope.bandit;

import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.Support;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The support warning fires where the target uses actions the behaviour never takes, and only there. */
class SupportTest {
    // three rows over three actions; the behaviour never takes action 2
    private static final int[] ACTIONS = {0, 1, 0};
    private static final double[] REWARDS = {1, 0, 1};
    private static final double[] PROPENSITIES = {0.5, 0.5, 0.5};
    private static final ActionTable BEHAVIOUR = ActionTable.of(new double[][] {{0.5, 0.5, 0}, {0.5, 0.5, 0}, {0.5, 0.5, 0}});

    @Test
    void withTheLoggedDistributionMassOnZeroPropensityActionsWarns() {
        BanditLog log = BanditLog.of(3, ACTIONS, REWARDS, PROPENSITIES).withBehaviour(BEHAVIOUR);
        ActionTable target = ActionTable.of(new double[][] {{0.2, 0.3, 0.5}, {0.5, 0.5, 0}, {0.4, 0.5, 0.1}});
        Support s = BanditEvaluation.of(log, target).support();
        assertEquals(Support.Basis.BEHAVIOUR_DISTRIBUTION, s.basis());
        assertEquals(2, s.rowsAffected());
        assertEquals(0.6 / 3, s.unsupportedMass(), 1e-15);
        assertEquals(List.of(2), s.actions());
        assertTrue(s.warns());
        assertTrue(s.warning().startsWith("the target puts mean probability 0.2000 (on 2 rows) on actions the behaviour "
                + "gives probability 0 there (2)"), s.warning());
        OffPolicyEstimate e = BanditEstimator.ips().estimate(BanditEvaluation.of(log, target), IntervalMethod.normal(0.9));
        // first the support warning, then (three rows are fewer than ten effective ones) the sample-size one
        assertEquals(List.of(s.warning(), e.weights().warning()), e.warnings());
    }

    @Test
    void withTheLoggedDistributionATargetInsideTheSupportDoesNotWarn() {
        BanditLog log = BanditLog.of(3, ACTIONS, REWARDS, PROPENSITIES).withBehaviour(BEHAVIOUR);
        ActionTable target = ActionTable.of(new double[][] {{0.9, 0.1, 0}, {0, 1, 0}, {1, 0, 0}});
        Support s = BanditEvaluation.of(log, target).support();
        assertFalse(s.warns());
        assertEquals("", s.warning());
        assertEquals(0, s.rowsAffected());
        assertEquals(List.of(), s.actions());
        OffPolicyEstimate e = BanditEstimator.ips().estimate(BanditEvaluation.of(log, target), IntervalMethod.normal(0.9));
        assertEquals(List.of(e.weights().warning()), e.warnings(), "only that three rows are too few");
    }

    @Test
    void withoutItMassOnActionsNeverLoggedWarns() {
        BanditLog log = BanditLog.of(3, ACTIONS, REWARDS, PROPENSITIES);
        ActionTable target = ActionTable.of(new double[][] {{0.2, 0.3, 0.5}, {0.5, 0.5, 0}, {0.4, 0.5, 0.1}});
        Support s = BanditEvaluation.of(log, target).support();
        assertEquals(Support.Basis.LOGGED_ACTIONS, s.basis());
        assertEquals(2, s.rowsAffected());
        assertEquals(0.2, s.unsupportedMass(), 1e-15);
        assertTrue(s.warns());
        assertTrue(s.warning().contains("actions that no row of the log took"), s.warning());
    }

    @Test
    void withoutItATargetOnLoggedActionsDoesNotWarn() {
        BanditLog log = BanditLog.of(3, ACTIONS, REWARDS, PROPENSITIES);
        ActionTable target = ActionTable.of(new double[][] {{0.5, 0.5, 0}, {0, 1, 0}, {1, 0, 0}});
        assertFalse(BanditEvaluation.of(log, target).support().warns());
    }

    @Test
    void withoutItSupportMissingInOneContextOnlyGoesUnseenWhichIsWhyTheDistributionShouldBeLogged() {
        // action 2 is taken in row 2's context only; the target uses it in row 0, where the behaviour never does
        int[] actions = {0, 1, 2};
        double[] propensities = {0.5, 0.5, 1};
        ActionTable behaviour = ActionTable.of(new double[][] {{0.5, 0.5, 0}, {0.5, 0.5, 0}, {0, 0, 1}});
        ActionTable target = ActionTable.of(new double[][] {{0, 0, 1}, {0.5, 0.5, 0}, {0, 0, 1}});
        BanditLog bare = BanditLog.of(3, actions, REWARDS, propensities);
        assertFalse(BanditEvaluation.of(bare, target).support().warns());
        Support exact = BanditEvaluation.of(bare.withBehaviour(behaviour), target).support();
        assertTrue(exact.warns());
        assertEquals(1, exact.rowsAffected());
        assertEquals(List.of(2), exact.actions());
    }

    @Test
    void aSmallEffectiveSampleSizeWarnsToo() {
        // one row of 200 carries nearly all the weight
        int n = 200;
        int[] actions = new int[n];
        double[] rewards = new double[n];
        double[] propensities = new double[n];
        double[][] target = new double[n][];
        for (int i = 0; i < n; i++) {
            actions[i] = i == 0 ? 1 : 0;
            propensities[i] = i == 0 ? 1e-4 : 1 - 1e-4;
            target[i] = new double[] {0.5, 0.5};
        }
        BanditEvaluation e = BanditEvaluation.of(BanditLog.of(2, actions, rewards, propensities), ActionTable.of(target));
        assertTrue(e.weights().effectiveSampleSize() < 1.1, e.weights().toString());
        List<String> warnings = BanditEstimator.snips().estimate(e, IntervalMethod.bootstrap(50, 0.9, 1)).warnings();
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("effective sample size 1.0 of 200 ("), warnings.get(0));
    }
}
