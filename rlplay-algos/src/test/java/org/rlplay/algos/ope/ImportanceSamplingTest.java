package org.rlplay.algos.ope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The estimators on episodes small enough to compute by hand. */
class ImportanceSamplingTest {

    @Test
    void handComputedOrdinaryAndWeightedEstimates() {
        // episode 0: rewards 1, 1 with step ratios 2, 0.5 -> cumulative 2, 1
        // episode 1: reward 1 with ratio 0.5 -> cumulative 0.5
        LoggedEpisodes log = LoggedEpisodes.of(new double[][] {{1, 1}, {1}}, new double[][] {{2, 0.5}, {0.5}});
        ImportanceSampling.Estimate e = ImportanceSampling.estimate(log, 0.5);
        assertEquals(2, e.episodes());
        // ordinary: ((2*1 + 0.5*1*1) + (0.5*1)) / 2 = 1.5
        assertEquals(1.5, e.ordinary(), 1e-12);
        // weighted: t=0: (2*1 + 0.5*1) / (2 + 0.5) = 1; t=1: (1*1 + 0.5*0) / (1 + 0.5) = 2/3, times 0.5
        assertEquals(1 + 1.0 / 3, e.weighted(), 1e-12);
        // behaviour: ((1 + 0.5) + 1) / 2
        assertEquals(1.25, e.behaviourValue(), 1e-12);
        assertEquals(0.25, e.ordinaryGain(), 1e-12);
        assertEquals(1.0 / 3 + 1 - 1.25, e.weightedGain(), 1e-12);
        // final cumulative weights 1 and 0.5: (1.5)^2 / (1 + 0.25)
        assertEquals(2.25 / 1.25, e.effectiveEpisodes(), 1e-12);
    }

    @Test
    void theBehaviourPolicyEvaluatesToItsOwnValue() {
        double[][] rewards = {{1, 2, 3}, {0.5}, {-1, 4}};
        double[][] ones = {{1, 1, 1}, {1}, {1, 1}};
        ImportanceSampling.Estimate e = ImportanceSampling.estimate(LoggedEpisodes.of(rewards, ones), 0.9);
        double expected = ((1 + 0.9 * 2 + 0.81 * 3) + 0.5 + (-1 + 0.9 * 4)) / 3;
        assertEquals(expected, e.behaviourValue(), 1e-12);
        assertEquals(expected, e.ordinary(), 1e-12);
        assertEquals(expected, e.weighted(), 1e-12);
        assertEquals(3, e.effectiveEpisodes(), 1e-12);
    }

    @Test
    void aTargetThatNeverTakesTheLoggedActionsIsWorthNothing() {
        ImportanceSampling.Estimate e = ImportanceSampling.estimate(
                LoggedEpisodes.of(new double[][] {{5, 5}, {5}}, new double[][] {{0, 3}, {0}}), 1.0);
        assertEquals(0, e.ordinary(), 0);
        assertEquals(0, e.weighted(), 0);
        assertEquals(7.5, e.behaviourValue(), 1e-12);
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LoggedEpisodes.of(new double[][] {{1}}, new double[][] {{-1}}));
        assertThrows(IllegalArgumentException.class, () -> LoggedEpisodes.of(new double[][] {{1, 2}}, new double[][] {{1}}));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ImportanceSampling.estimate(LoggedEpisodes.of(new double[0][], new double[0][]), 0.9));
        assertTrue(none.getMessage().contains("no complete episode"));
        assertThrows(IllegalArgumentException.class,
                () -> ImportanceSampling.estimate(LoggedEpisodes.of(new double[][] {{1}}, new double[][] {{1}}), 1.5));
    }
}
