package org.rlplay.algos.ope.bandit;

import org.rlplay.algos.ope.WeightDiagnostics;
import org.rlplay.algos.ope.Support;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One target policy to evaluate on one {@link BanditLog}: the target's action distribution per
 * logged row, {@code target.get(i, a) = pi(a | x_i)}, and optionally a reward model's predictions
 * per row and action, {@code q(x_i, a)}, for the estimators that use one (DM, DR, SNDR, switch-DR).
 *
 * <p>Built once, then handed to any number of {@link BanditEstimator}s. Building checks the target
 * against the log, naming the first bad row (shape n x K, entries in [0, 1], rows summing to 1
 * within 1e-5, finite predictions), and computes what every estimator shares: the importance
 * weight of each row {@code w_i = pi(a_i | x_i) / mu(a_i | x_i)}, their {@link WeightDiagnostics}
 * and the {@link Support} check; with a reward model also the model's value of the target at each
 * row, {@code qhat_i(pi) = sum_a pi(a | x_i) q(x_i, a) / sum_a pi(a | x_i)} (obp's
 * {@code np.average(q, weights=pi)}), and its prediction for the logged action {@code q(x_i, a_i)}.
 * That is three arrays of n doubles beside the inputs. Immutable; safe to share between threads.
 */
public final class BanditEvaluation {
    private final BanditLog log;
    private final ActionTable target;
    private final ActionTable rewardModel;
    private final double[] weights;
    private final WeightDiagnostics diagnostics;
    private final Support support;
    private final double[] modelValue;
    private final double[] modelFactual;

    private BanditEvaluation(BanditLog log, ActionTable target, ActionTable rewardModel, double[] weights,
                             WeightDiagnostics diagnostics, Support support, double[] modelValue,
                             double[] modelFactual) {
        this.log = log;
        this.target = target;
        this.rewardModel = rewardModel;
        this.weights = weights;
        this.diagnostics = diagnostics;
        this.support = support;
        this.modelValue = modelValue;
        this.modelFactual = modelFactual;
    }

    /**
     * The target {@code target} on the log {@code log}, without a reward model.
     *
     * @throws IllegalArgumentException naming the first bad row if {@code target} is not an n x K
     *     table of distributions
     */
    public static BanditEvaluation of(BanditLog log, ActionTable target) {
        BanditLog.requireShape("target distribution", target, log.size(), log.actions());
        int n = log.size();
        int[] action = log.actionArray();
        double[] propensity = log.propensityArray();
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            BanditLog.requireDistribution("target distribution", target, i);
            weights[i] = target.get(i, action[i]) / propensity[i];
        }
        return new BanditEvaluation(log, target, null, weights, WeightDiagnostics.of(weights), support(log, target),
                null, null);
    }

    /**
     * This evaluation with a reward model's predictions {@code predictions.get(i, a) = q(x_i, a)},
     * e.g. from {@link CrossFittedRewardModel}.
     *
     * @throws IllegalArgumentException naming the first bad row if the table is not n x K or holds a
     *     prediction that is not finite
     */
    public BanditEvaluation withRewardModel(ActionTable predictions) {
        int n = log.size();
        int k = log.actions();
        BanditLog.requireShape("reward model predictions", predictions, n, k);
        double[] q = predictions.values();
        double[] pi = target.values();
        int[] action = log.actionArray();
        double[] value = new double[n];
        double[] factual = new double[n];
        for (int i = 0; i < n; i++) {
            double weighted = 0;
            double mass = 0;
            for (int a = 0; a < k; a++) {
                double qa = q[i * k + a];
                if (!Double.isFinite(qa)) {
                    throw new IllegalArgumentException("row " + i + ": the reward model predicts " + qa + " for action " + a
                            + ": predictions must be finite");
                }
                weighted += pi[i * k + a] * qa;
                mass += pi[i * k + a];
            }
            value[i] = weighted / mass;
            factual[i] = q[i * k + action[i]];
        }
        return new BanditEvaluation(log, target, predictions, weights, diagnostics, support, value, factual);
    }

    private static Support support(BanditLog log, ActionTable target) {
        int n = log.size();
        int k = log.actions();
        double[] pi = target.values();
        boolean[] used = new boolean[k];
        double total = 0;
        int rows = 0;
        Optional<ActionTable> logged = log.behaviour();
        if (logged.isPresent()) {
            double[] mu = logged.get().values();
            for (int i = 0; i < n; i++) {
                double mass = 0;
                for (int a = 0; a < k; a++) {
                    if (mu[i * k + a] == 0 && pi[i * k + a] > 0) {
                        mass += pi[i * k + a];
                        used[a] = true;
                    }
                }
                total += mass;
                rows += mass > 0 ? 1 : 0;
            }
            return new Support(Support.Basis.BEHAVIOUR_DISTRIBUTION, rows, total / n, actionsOf(used));
        }
        boolean[] seen = new boolean[k];
        for (int i = 0; i < n; i++) {
            seen[log.action(i)] = true;
        }
        for (int i = 0; i < n; i++) {
            double mass = 0;
            for (int a = 0; a < k; a++) {
                if (!seen[a] && pi[i * k + a] > 0) {
                    mass += pi[i * k + a];
                    used[a] = true;
                }
            }
            total += mass;
            rows += mass > 0 ? 1 : 0;
        }
        return new Support(Support.Basis.LOGGED_ACTIONS, rows, total / n, actionsOf(used));
    }

    private static List<Integer> actionsOf(boolean[] flags) {
        List<Integer> list = new ArrayList<>();
        for (int a = 0; a < flags.length; a++) {
            if (flags[a]) {
                list.add(a);
            }
        }
        return list;
    }

    /** The log. */
    public BanditLog log() {
        return log;
    }

    /** The target's action distribution per row. */
    public ActionTable target() {
        return target;
    }

    /** The reward model's predictions, if given. */
    public Optional<ActionTable> rewardModel() {
        return Optional.ofNullable(rewardModel);
    }

    /** The importance weight {@code pi(a_i | x_i) / mu(a_i | x_i)} of row {@code i}. */
    public double weight(int i) {
        return weights[i];
    }

    /** Diagnostics of the importance weights. */
    public WeightDiagnostics weights() {
        return diagnostics;
    }

    /** The support check of the target against the log. */
    public Support support() {
        return support;
    }

    double[] weightArray() {
        return weights;
    }

    /** {@code qhat_i(pi)} per row; null without a reward model. */
    double[] modelValueArray() {
        return modelValue;
    }

    /** {@code q(x_i, a_i)} per row; null without a reward model. */
    double[] modelFactualArray() {
        return modelFactual;
    }
}
