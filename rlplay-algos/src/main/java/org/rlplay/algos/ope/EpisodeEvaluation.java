package org.rlplay.algos.ope;

import java.util.ArrayList;
import java.util.List;

/**
 * One target policy to evaluate on one {@link LoggedEpisodes} with discount {@code gamma}: what
 * every {@link EpisodeEstimator} shares. Building it computes the cumulative importance ratios
 * {@code rho[i][t] = prod_{k <= t} pi(a_k|s_k) / mu(a_k|s_k)} of each episode, the
 * {@link WeightDiagnostics} of the episodes' final cumulative ratios (the weights of whole
 * episodes: Kish's effective sample size, how many episodes the estimates rest on), and, for a log
 * with states, the {@link Support} check per logged step (a row of the check is a step): with the
 * behaviour's distribution logged, the target's mass on actions the behaviour gives probability 0
 * in that state; without it, on actions no step of the log took.
 *
 * <p>{@link #withModel} adds an action-value model's predictions per logged step, {@code q[i][t] =
 * Q(s_t, a_t)} and {@code v[i][t] = sum_a pi(a|s_t) Q(s_t, a)}, for the doubly robust estimators;
 * {@link FittedQEvaluation#crossFitted()} gives them from a model that did not see the episode.
 * Immutable; safe to share between threads.
 */
public final class EpisodeEvaluation {
    private final LoggedEpisodes log;
    private final double gamma;
    private final double[][] rho;
    private final int horizon;
    private final WeightDiagnostics weights;
    private final Support support;
    private final double[][] q;
    private final double[][] v;

    private EpisodeEvaluation(LoggedEpisodes log, double gamma, double[][] rho, int horizon, WeightDiagnostics weights,
                              Support support, double[][] q, double[][] v) {
        this.log = log;
        this.gamma = gamma;
        this.rho = rho;
        this.horizon = horizon;
        this.weights = weights;
        this.support = support;
        this.q = q;
        this.v = v;
    }

    /**
     * The target of {@code log} (its ratios, and its distributions if it has states) with discount
     * {@code gamma}.
     *
     * @throws IllegalArgumentException if the log has no episode or gamma is not in [0, 1]
     */
    public static EpisodeEvaluation of(LoggedEpisodes log, double gamma) {
        if (!(gamma >= 0 && gamma <= 1)) {
            throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        }
        int n = log.count();
        if (n == 0) {
            throw new IllegalArgumentException("no complete episode to evaluate with");
        }
        double[][] rho = new double[n][];
        double[] last = new double[n];
        int horizon = 0;
        double sum = 0;
        double sumSquares = 0;
        double max = 0;
        for (int i = 0; i < n; i++) {
            int len = log.length(i);
            horizon = Math.max(horizon, len);
            rho[i] = new double[len];
            double r = 1;
            for (int t = 0; t < len; t++) {
                r *= log.ratio(i, t);
                rho[i][t] = r;
            }
            last[i] = r;
            sum += r;
            sumSquares += r * r;
            max = Math.max(max, r);
        }
        WeightDiagnostics weights = new WeightDiagnostics(n, sumSquares > 0 ? sum * sum / sumSquares : 0, max, sum / n);
        return new EpisodeEvaluation(log, gamma, rho, horizon, weights, log.hasStates() ? support(log) : null, null,
                null);
    }

    private static Support support(LoggedEpisodes log) {
        int k = log.actions();
        boolean[] used = new boolean[k];
        double total = 0;
        int affected = 0;
        int steps = 0;
        if (log.behaviourLogged()) {
            for (int i = 0; i < log.count(); i++) {
                LoggedEpisodes.Episode e = log.episode(i);
                for (int t = 0; t < e.length(); t++) {
                    double mass = 0;
                    for (int a = 0; a < k; a++) {
                        if (e.behaviour()[t * k + a] == 0 && e.target()[t * k + a] > 0) {
                            mass += e.target()[t * k + a];
                            used[a] = true;
                        }
                    }
                    total += mass;
                    affected += mass > 0 ? 1 : 0;
                    steps++;
                }
            }
            return new Support(Support.Basis.BEHAVIOUR_DISTRIBUTION, affected, total / steps, actionsOf(used));
        }
        boolean[] seen = new boolean[k];
        for (int i = 0; i < log.count(); i++) {
            for (int a : log.episode(i).action()) {
                seen[a] = true;
            }
        }
        for (int i = 0; i < log.count(); i++) {
            LoggedEpisodes.Episode e = log.episode(i);
            for (int t = 0; t < e.length(); t++) {
                double mass = 0;
                for (int a = 0; a < k; a++) {
                    if (!seen[a] && e.target()[t * k + a] > 0) {
                        mass += e.target()[t * k + a];
                        used[a] = true;
                    }
                }
                total += mass;
                affected += mass > 0 ? 1 : 0;
                steps++;
            }
        }
        return new Support(Support.Basis.LOGGED_ACTIONS, affected, total / steps, actionsOf(used));
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

    /**
     * This evaluation with a model's predictions at every logged step: {@code q[i][t] = Q(s_t, a_t)}
     * of the logged action and {@code v[i][t] = sum_a pi(a|s_t) Q(s_t, a)}, the target's value there.
     *
     * @throws IllegalArgumentException if the arrays are not shaped like the episodes or hold a
     *     value that is not finite
     */
    public EpisodeEvaluation withModel(double[][] q, double[][] v) {
        if (q.length != log.count() || v.length != log.count()) {
            throw new IllegalArgumentException("model: " + q.length + " and " + v.length + " episodes of predictions, the log has "
                    + log.count());
        }
        double[][] qc = new double[q.length][];
        double[][] vc = new double[v.length][];
        for (int i = 0; i < q.length; i++) {
            if (q[i].length != log.length(i) || v[i].length != log.length(i)) {
                throw new IllegalArgumentException("model: episode " + i + " has " + log.length(i) + " steps, the predictions "
                        + q[i].length + " and " + v[i].length);
            }
            for (int t = 0; t < q[i].length; t++) {
                if (!Double.isFinite(q[i][t]) || !Double.isFinite(v[i][t])) {
                    throw new IllegalArgumentException("model: episode " + i + " step " + t + ": prediction " + q[i][t]
                            + " / " + v[i][t] + " is not finite");
                }
            }
            qc[i] = q[i].clone();
            vc[i] = v[i].clone();
        }
        return new EpisodeEvaluation(log, gamma, rho, horizon, weights, support, qc, vc);
    }

    /** The log. */
    public LoggedEpisodes log() {
        return log;
    }

    /** The discount. */
    public double gamma() {
        return gamma;
    }

    /** Number of episodes. */
    public int episodes() {
        return rho.length;
    }

    /** The longest episode's length. */
    public int horizon() {
        return horizon;
    }

    /** The cumulative ratio of episode {@code i} up to and including step {@code t}. */
    public double cumulativeRatio(int i, int t) {
        return rho[i][t];
    }

    /** The mean discounted return of the logged episodes: the behaviour's own value, on this log. */
    public double behaviourValue() {
        double total = 0;
        for (int i = 0; i < log.count(); i++) {
            double discount = 1;
            for (int t = 0; t < log.length(i); t++) {
                total += discount * log.reward(i, t);
                discount *= gamma;
            }
        }
        return total / log.count();
    }

    /** Diagnostics of the episodes' final cumulative ratios. */
    public WeightDiagnostics weights() {
        return weights;
    }

    /**
     * The support check per logged step; for a log without states (which tells only the ratios of
     * the logged actions) a check that never warns, with basis {@link Support.Basis#LOGGED_ACTIONS}
     * and no affected step.
     */
    public Support support() {
        return support != null ? support : new Support(Support.Basis.LOGGED_ACTIONS, 0, 0, List.of());
    }

    /** Whether a model's predictions were given. */
    public boolean hasModel() {
        return q != null;
    }

    double[] rho(int i) {
        return rho[i];
    }

    double[] q(int i) {
        return q[i];
    }

    double[] v(int i) {
        return v[i];
    }
}
