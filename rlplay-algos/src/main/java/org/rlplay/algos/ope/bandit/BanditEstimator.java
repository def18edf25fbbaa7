package org.rlplay.algos.ope.bandit;

import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.IntervalMethod;

/**
 * An off-policy estimator of a target policy's value {@code V(pi) = E_x E_{a ~ pi(.|x)} [r]} from
 * logged contextual-bandit decisions, with the definitions of the Open Bandit Pipeline (obp 0.4.1,
 * {@code obp/ope/estimators.py}; clipped IPS as obp 0.5's IPW with {@code lambda_}). With n rows,
 * {@code w_i = pi(a_i|x_i) / mu(a_i|x_i)}, the reward model's {@code q_i = q(x_i, a_i)} and
 * {@code qhat_i = sum_a pi(a|x_i) q(x_i, a)} ({@link BanditEvaluation}), and {@code E_n} the
 * mean over rows:
 * <pre>
 *   dm             E_n[qhat_i]
 *   ips            E_n[w_i r_i]
 *   clipped-ips    E_n[min(w_i, cap) r_i]
 *   snips          E_n[w_i r_i] / E_n[w_i]
 *   dr             E_n[qhat_i + w_i (r_i - q_i)]
 *   sndr           E_n[qhat_i] + E_n[w_i (r_i - q_i)] / E_n[w_i]
 *   switch-dr      E_n[qhat_i + 1{w_i &lt;= tau} w_i (r_i - q_i)]
 * </pre>
 * IPS and DR are unbiased when the propensities are right and the target's support is covered
 * (DR for any fixed reward model, so the model is cross-fitted, {@link CrossFittedRewardModel});
 * the others trade bias for variance. All but SNIPS and SNDR are sample means of per-row terms
 * ({@link #isSampleMean()}), for which a normal interval is valid; the bootstrap is valid for all.
 * For the self-normalised ones a sum of weights of 0 contributes 0.
 *
 * <p>Immutable and stateless: one instance may evaluate any number of evaluations from any thread.
 * Each call makes one pass over the rows (the bootstrap one pass too) and allocates nothing per row.
 */
public final class BanditEstimator {
    private final RowTerms.Form form;
    private final double parameter;
    private final String name;

    private BanditEstimator(RowTerms.Form form, double parameter, String name) {
        this.form = form;
        this.parameter = parameter;
        this.name = name;
    }

    /** The direct method: the reward model's value of the target. Needs a reward model. */
    public static BanditEstimator dm() {
        return new BanditEstimator(RowTerms.Form.DM, Double.NaN, "dm");
    }

    /** Inverse propensity scoring (obp's IPW). */
    public static BanditEstimator ips() {
        return new BanditEstimator(RowTerms.Form.IPS, Double.NaN, "ips");
    }

    /**
     * IPS with every weight capped at {@code cap} (obp 0.5's IPW with {@code lambda_ = cap}).
     *
     * @throws IllegalArgumentException unless {@code cap > 0}
     */
    public static BanditEstimator clippedIps(double cap) {
        if (!(cap > 0)) {
            throw new IllegalArgumentException("clipped-ips: the weight cap must be > 0, got " + cap);
        }
        return new BanditEstimator(RowTerms.Form.CLIPPED_IPS, cap, "clipped-ips(" + format(cap) + ")");
    }

    /** Self-normalised IPS (obp's SNIPW). */
    public static BanditEstimator snips() {
        return new BanditEstimator(RowTerms.Form.SNIPS, Double.NaN, "snips");
    }

    /** Doubly robust. Needs a reward model. */
    public static BanditEstimator dr() {
        return new BanditEstimator(RowTerms.Form.DR, Double.NaN, "dr");
    }

    /** Self-normalised doubly robust. Needs a reward model. */
    public static BanditEstimator sndr() {
        return new BanditEstimator(RowTerms.Form.SNDR, Double.NaN, "sndr");
    }

    /**
     * Switch-DR: DR on the rows whose weight is at most {@code tau}, DM on the others (obp's
     * {@code SwitchDoublyRobust(tau)}). Needs a reward model.
     *
     * @throws IllegalArgumentException unless {@code tau >= 0}
     */
    public static BanditEstimator switchDr(double tau) {
        if (!(tau >= 0)) {
            throw new IllegalArgumentException("switch-dr: the switching threshold tau must be >= 0, got " + tau);
        }
        return new BanditEstimator(RowTerms.Form.SWITCH_DR, tau, "switch-dr(" + format(tau) + ")");
    }

    /** The names {@link #byName} knows, as a user types them. */
    public static final String NAMES = "dm, ips, clipped-ips(CAP), snips, dr, sndr, switch-dr(TAU)";

    /**
     * The estimator called {@code name}, as {@link #name()} spells it: {@code dm, ips, snips, dr,
     * sndr}, {@code clipped-ips(CAP)} and {@code switch-dr(TAU)} with a number (case-insensitive,
     * spaces ignored).
     *
     * @throws IllegalArgumentException naming the unknown estimator and listing the known ones
     */
    public static BanditEstimator byName(String name) {
        String n = name.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
        switch (n) {
            case "dm":
                return dm();
            case "ips":
                return ips();
            case "snips":
                return snips();
            case "dr":
                return dr();
            case "sndr":
                return sndr();
            default:
                break;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(clipped-ips|switch-dr)\\((.+)\\)").matcher(n);
        if (m.matches()) {
            double parameter;
            try {
                parameter = Double.parseDouble(m.group(2));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("estimator '" + name + "': " + m.group(2) + " is not a number");
            }
            return m.group(1).equals("clipped-ips") ? clippedIps(parameter) : switchDr(parameter);
        }
        throw new IllegalArgumentException("unknown bandit estimator '" + name + "'; known: " + NAMES);
    }

    private static String format(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    /** The estimator's name, with its parameter: {@code dm, ips, clipped-ips(10), snips, dr, sndr, switch-dr(2)}. */
    public String name() {
        return name;
    }

    /** Whether the estimator needs {@link BanditEvaluation#withRewardModel reward-model predictions}. */
    public boolean needsRewardModel() {
        return form == RowTerms.Form.DM || form == RowTerms.Form.DR || form == RowTerms.Form.SNDR
                || form == RowTerms.Form.SWITCH_DR;
    }

    /** Whether the estimate is a sample mean of per-row terms (so a normal interval is valid). */
    public boolean isSampleMean() {
        return form != RowTerms.Form.SNIPS && form != RowTerms.Form.SNDR;
    }

    /**
     * The point estimate.
     *
     * @throws IllegalArgumentException if the estimator needs a reward model and {@code e} has none
     */
    public double value(BanditEvaluation e) {
        return terms(e).value();
    }

    /**
     * The estimate with its interval and diagnostics.
     *
     * @throws IllegalArgumentException if the estimator needs a reward model and {@code e} has none,
     *     or a normal interval is asked of an estimator that is not a sample mean
     */
    public OffPolicyEstimate estimate(BanditEvaluation e, IntervalMethod interval) {
        return statistics(e, 0, interval).estimate();
    }

    /**
     * The sufficient statistics of this estimator on {@code partition}, a slice of a larger log
     * whose row 0 is the log's row {@code firstRow}: merged over every partition
     * ({@link BanditStatistics#merge}), they give what {@link #estimate} gives on the whole log
     * (the same bootstrap draws included). {@code estimate(e, m)} is
     * {@code statistics(e, 0, m).estimate()}.
     *
     * @throws IllegalArgumentException if the estimator needs a reward model and {@code partition}
     *     has none, a normal interval is asked of an estimator that is not a sample mean, or
     *     {@code firstRow < 0}
     */
    public BanditStatistics statistics(BanditEvaluation partition, long firstRow, IntervalMethod interval) {
        if (firstRow < 0) {
            throw new IllegalArgumentException(name + ": a partition's first row must be >= 0, got " + firstRow);
        }
        if (interval instanceof IntervalMethod.Normal && !isSampleMean()) {
            throw new IllegalArgumentException(name + " is a ratio of means, not a sample mean of per-row terms: "
                    + "a normal interval does not apply to it; use IntervalMethod.bootstrap");
        }
        return BanditStatistics.of(name, terms(partition), partition, firstRow, interval);
    }

    private RowTerms terms(BanditEvaluation e) {
        if (needsRewardModel() && e.rewardModel().isEmpty()) {
            throw new IllegalArgumentException(name + " needs a reward model: give its predictions with "
                    + "BanditEvaluation.withRewardModel (e.g. from CrossFittedRewardModel)");
        }
        return new RowTerms(form, parameter, e);
    }

    @Override
    public String toString() {
        return name;
    }
}
