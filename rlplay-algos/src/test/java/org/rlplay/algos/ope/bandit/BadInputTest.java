package org.rlplay.algos.ope.bandit;

import org.rlplay.algos.ope.IntervalMethod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input is refused with one message that names the row and the rule it breaks. */
class BadInputTest {
    private static final int[] ACTIONS = {0, 1, 2};
    private static final double[] REWARDS = {1, 0, 1};
    private static final double[] PROPENSITIES = {0.5, 0.25, 0.25};

    private static String message(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    private static BanditLog log() {
        return BanditLog.of(3, ACTIONS, REWARDS, PROPENSITIES);
    }

    @Test
    void propensitiesOutsideZeroToOne() {
        assertEquals("row 1: propensity 0.0 is outside (0, 1]: it must be the behaviour's probability of the action it took",
                message(() -> BanditLog.of(3, ACTIONS, REWARDS, new double[] {0.5, 0, 0.25})));
        assertEquals("row 2: propensity 1.5 is outside (0, 1]: it must be the behaviour's probability of the action it took",
                message(() -> BanditLog.of(3, ACTIONS, REWARDS, new double[] {0.5, 0.5, 1.5})));
        assertEquals("row 0: propensity NaN is outside (0, 1]: it must be the behaviour's probability of the action it took",
                message(() -> BanditLog.of(3, ACTIONS, REWARDS, new double[] {Double.NaN, 0.5, 0.5})));
    }

    @Test
    void rewardsThatAreNotNumbers() {
        assertEquals("row 2: reward is NaN: every logged reward must be a finite number",
                message(() -> BanditLog.of(3, ACTIONS, new double[] {1, 0, Double.NaN}, PROPENSITIES)));
        assertEquals("row 0: reward is Infinity: every logged reward must be a finite number",
                message(() -> BanditLog.of(3, ACTIONS, new double[] {Double.POSITIVE_INFINITY, 0, 0}, PROPENSITIES)));
    }

    @Test
    void actionsOutsideTheActionSpace() {
        assertEquals("row 1: action 3 is outside [0, 3): the log and the action space disagree",
                message(() -> BanditLog.of(3, new int[] {0, 3, 1}, REWARDS, PROPENSITIES)));
        assertEquals("row 0: action -1 is outside [0, 3): the log and the action space disagree",
                message(() -> BanditLog.of(3, new int[] {-1, 0, 1}, REWARDS, PROPENSITIES)));
    }

    @Test
    void arraysOfDifferentLengthsOrNone() {
        assertEquals("a bandit log needs one reward and one propensity per action: got 3 actions, 2 rewards, 3 propensities",
                message(() -> BanditLog.of(3, ACTIONS, new double[] {1, 0}, PROPENSITIES)));
        assertEquals("a bandit log needs at least one logged decision, got none",
                message(() -> BanditLog.of(3, new int[0], new double[0], new double[0])));
    }

    @Test
    void targetDistributionsThatDoNotSumToOne() {
        ActionTable target = ActionTable.of(new double[][] {{1, 0, 0}, {0.5, 0.3, 0.1}, {0, 0, 1}});
        assertEquals("row 1: target distribution sums to 0.9, not 1 (tolerance 1.0E-5)",
                message(() -> BanditEvaluation.of(log(), target)));
        ActionTable negative = ActionTable.of(new double[][] {{1, 0, 0}, {0, 1, 0}, {1.2, -0.2, 0}});
        assertEquals("row 2: target distribution gives action 0 probability 1.2, outside [0, 1]",
                message(() -> BanditEvaluation.of(log(), negative)));
        assertEquals("target distribution: 2 rows x 3 actions, the log has 3 rows x 3 actions",
                message(() -> BanditEvaluation.of(log(), ActionTable.of(new double[][] {{1, 0, 0}, {0, 1, 0}}))));
        assertEquals("target distribution: 3 rows x 2 actions, the log has 3 rows x 3 actions",
                message(() -> BanditEvaluation.of(log(), ActionTable.of(new double[][] {{1, 0}, {0, 1}, {1, 0}}))));
    }

    @Test
    void aLoggedDistributionMustBeOneAndAgreeWithThePropensities() {
        ActionTable disagrees = ActionTable.of(new double[][] {{0.5, 0.25, 0.25}, {0.5, 0.25, 0.25}, {0.5, 0.3, 0.2}});
        assertEquals("row 2: the behaviour distribution gives the logged action 2 probability 0.2 but its propensity is 0.25:"
                + " they must come from the same policy", message(() -> log().withBehaviour(disagrees)));
        ActionTable notOne = ActionTable.of(new double[][] {{0.5, 0.25, 0.25}, {0.5, 0.25, 0.5}, {0.5, 0.25, 0.25}});
        assertEquals("row 1: behaviour distribution sums to 1.25, not 1 (tolerance 1.0E-5)",
                message(() -> log().withBehaviour(notOne)));
    }

    @Test
    void rewardModelPredictionsMustBeFinite() {
        ActionTable target = ActionTable.of(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        ActionTable q = ActionTable.of(new double[][] {{1, 0, 0}, {0, Double.NaN, 0}, {0, 0, 1}});
        assertEquals("row 1: the reward model predicts NaN for action 1: predictions must be finite",
                message(() -> BanditEvaluation.of(log(), target).withRewardModel(q)));
    }

    @Test
    void estimatorsThatCannotApply() {
        BanditEvaluation noModel = BanditEvaluation.of(log(),
                ActionTable.of(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}));
        assertEquals("dr needs a reward model: give its predictions with BanditEvaluation.withRewardModel "
                + "(e.g. from CrossFittedRewardModel)", message(() -> BanditEstimator.dr().value(noModel)));
        assertEquals("snips is a ratio of means, not a sample mean of per-row terms: a normal interval does not apply "
                + "to it; use IntervalMethod.bootstrap",
                message(() -> BanditEstimator.snips().estimate(noModel, IntervalMethod.normal(0.95))));
        assertEquals("clipped-ips: the weight cap must be > 0, got 0.0", message(() -> BanditEstimator.clippedIps(0)));
        assertEquals("switch-dr: the switching threshold tau must be >= 0, got -1.0",
                message(() -> BanditEstimator.switchDr(-1)));
        assertEquals("the confidence level must be in (0, 1), got 1.0", message(() -> IntervalMethod.normal(1)));
        assertEquals("a bootstrap needs at least 2 resamples, got 1", message(() -> IntervalMethod.bootstrap(1, 0.9, 0)));
    }
}
