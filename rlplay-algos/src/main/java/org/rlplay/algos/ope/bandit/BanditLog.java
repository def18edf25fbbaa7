package org.rlplay.algos.ope.bandit;

import org.rlplay.algos.ope.Support;
import java.util.Optional;

/**
 * Logged decisions of a contextual bandit, one row each: the action the behaviour policy took, the
 * reward that followed, and the behaviour's probability of that action (its propensity). When the
 * behaviour's whole action distribution was logged too ({@link #withBehaviour}), the support of the
 * target policy is checked row by row (see {@link Support}).
 *
 * <p>Every row is checked when the log is built, and bad input is refused with one message that
 * names the first bad row: an action outside [0, K), a reward that is NaN or infinite, a propensity
 * outside (0, 1], a behaviour distribution that is not one or disagrees with the propensity.
 * Immutable (the arrays are copied) and safe to share between threads.
 */
public final class BanditLog {
    /** How far a distribution's row sum may be from 1, as {@code numpy.allclose} allows by default. */
    static final double SUM_TOLERANCE = 1e-5;
    /** How far the logged propensity may be from the logged distribution's entry for that action. */
    static final double PROPENSITY_TOLERANCE = 1e-6;

    private final int actions;
    private final int[] action;
    private final double[] reward;
    private final double[] propensity;
    private final ActionTable behaviour;

    private BanditLog(int actions, int[] action, double[] reward, double[] propensity, ActionTable behaviour) {
        this.actions = actions;
        this.action = action;
        this.reward = reward;
        this.propensity = propensity;
        this.behaviour = behaviour;
    }

    /**
     * A log of {@code action.length} decisions over {@code actions} actions.
     *
     * @param actions    K, the number of actions, &gt;= 1
     * @param action     the logged action of each row, in [0, K)
     * @param reward     the reward of each row, finite
     * @param propensity the behaviour's probability of the logged action of each row, in (0, 1]
     * @throws IllegalArgumentException naming the first bad row, or if the arrays differ in length
     *     or are empty
     */
    public static BanditLog of(int actions, int[] action, double[] reward, double[] propensity) {
        if (actions < 1) {
            throw new IllegalArgumentException("a bandit log needs at least one action, got K = " + actions);
        }
        int n = action.length;
        if (reward.length != n || propensity.length != n) {
            throw new IllegalArgumentException("a bandit log needs one reward and one propensity per action: got "
                    + n + " actions, " + reward.length + " rewards, " + propensity.length + " propensities");
        }
        if (n == 0) {
            throw new IllegalArgumentException("a bandit log needs at least one logged decision, got none");
        }
        for (int i = 0; i < n; i++) {
            if (action[i] < 0 || action[i] >= actions) {
                throw new IllegalArgumentException("row " + i + ": action " + action[i] + " is outside [0, " + actions
                        + "): the log and the action space disagree");
            }
            if (!Double.isFinite(reward[i])) {
                throw new IllegalArgumentException("row " + i + ": reward is " + reward[i]
                        + ": every logged reward must be a finite number");
            }
            if (!(propensity[i] > 0 && propensity[i] <= 1)) {
                throw new IllegalArgumentException("row " + i + ": propensity " + propensity[i]
                        + " is outside (0, 1]: it must be the behaviour's probability of the action it took");
            }
        }
        return new BanditLog(actions, action.clone(), reward.clone(), propensity.clone(), null);
    }

    /**
     * This log with the behaviour's whole action distribution, {@code distribution.get(i, a) =
     * mu(a | x_i)}, which makes the support check per row.
     *
     * @throws IllegalArgumentException naming the first bad row if the table is not n x K, a row is
     *     not a distribution (entries in [0, 1] summing to 1 within 1e-5), or it gives the logged
     *     action another probability than the logged propensity (beyond 1e-6)
     */
    public BanditLog withBehaviour(ActionTable distribution) {
        requireShape("behaviour distribution", distribution, size(), actions);
        for (int i = 0; i < size(); i++) {
            requireDistribution("behaviour distribution", distribution, i);
            double logged = distribution.get(i, action[i]);
            if (Math.abs(logged - propensity[i]) > PROPENSITY_TOLERANCE) {
                throw new IllegalArgumentException("row " + i + ": the behaviour distribution gives the logged action "
                        + action[i] + " probability " + logged + " but its propensity is " + propensity[i]
                        + ": they must come from the same policy");
            }
        }
        return new BanditLog(actions, action, reward, propensity, distribution);
    }

    static void requireShape(String what, ActionTable table, int rows, int actions) {
        if (table.rows() != rows || table.actions() != actions) {
            throw new IllegalArgumentException(what + ": " + table.rows() + " rows x " + table.actions()
                    + " actions, the log has " + rows + " rows x " + actions + " actions");
        }
    }

    /** Checks that row {@code i} of {@code table} is a probability distribution. */
    static void requireDistribution(String what, ActionTable table, int i) {
        double[] v = table.values();
        int k = table.actions();
        double sum = 0;
        for (int a = 0; a < k; a++) {
            double p = v[i * k + a];
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("row " + i + ": " + what + " gives action " + a + " probability " + p
                        + ", outside [0, 1]");
            }
            sum += p;
        }
        if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
            throw new IllegalArgumentException("row " + i + ": " + what + " sums to " + sum + ", not 1 (tolerance "
                    + SUM_TOLERANCE + ")");
        }
    }

    /** Number of logged decisions n. */
    public int size() {
        return action.length;
    }

    /** Number of actions K. */
    public int actions() {
        return actions;
    }

    /** The action logged at row {@code i}. */
    public int action(int i) {
        return action[i];
    }

    /** The reward logged at row {@code i}. */
    public double reward(int i) {
        return reward[i];
    }

    /** The behaviour's probability of the action logged at row {@code i}. */
    public double propensity(int i) {
        return propensity[i];
    }

    /** The behaviour's whole action distribution, if it was logged. */
    public Optional<ActionTable> behaviour() {
        return Optional.ofNullable(behaviour);
    }

    int[] actionArray() {
        return action;
    }

    double[] rewardArray() {
        return reward;
    }

    double[] propensityArray() {
        return propensity;
    }
}
