package org.rlplay.algos.ope;

import org.apache.commons.statistics.distribution.NormalDistribution;
import org.rlplay.env.SplitMix64;

/**
 * An off-policy estimator of a target policy's value {@code V(pi) = E[sum_t gamma^t r_t]} from
 * whole logged episodes (an {@link EpisodeEvaluation}), returning the same {@link OffPolicyEstimate}
 * (estimate, interval, diagnostics) as the bandit estimators. With {@code rho_t} episode i's
 * cumulative ratio up to step t ({@code rho_-1 = 1}), {@code q_t = Q(s_t, a_t)} and
 * {@code v_t = sum_a pi(a|s_t) Q(s_t, a)} a model's predictions, and {@code E_n} the mean over
 * episodes:
 * <pre>
 *   pdis   E_n[ sum_t gamma^t rho_t r_t ]                                   (Precup et al. 2000)
 *   wpdis  sum_t gamma^t  E_n[rho_t r_t] / E_n[rho_t]
 *   dr     E_n[ sum_t gamma^t (rho_t (r_t - q_t) + rho_{t-1} v_t) ]          (Jiang and Li 2016)
 *   wdr    sum_t gamma^t ( E_n[rho_t (r_t - q_t)] / E_n[rho_t]
 *                          + E_n[rho_{t-1} v_t] / E_n[rho_{t-1}] )           (Thomas and Brunskill 2016)
 * </pre>
 * DR is Jiang and Li's recursion {@code V_DR = v_0 + rho_0 (r_0 + gamma V_DR' - q_0)} unrolled; it
 * is unbiased for any fixed model when the ratios are right, so the model is cross-fitted
 * ({@link FittedQEvaluation#crossFitted()}). In the weighted forms an episode that has ended keeps
 * its last cumulative ratio with reward and model values 0 (an absorbing state), so episodes of
 * different lengths share one normaliser per t (as {@link ImportanceSampling}); a normaliser of 0
 * contributes 0. PDIS and DR are sample means of per-episode terms, for which a normal interval is
 * valid; the episode-level Poisson bootstrap ({@link IntervalMethod.Bootstrap}: every episode gets
 * one multiplicity per replicate, from the seed and the episode's index) is valid for all four.
 * Fitted-Q evaluation, whose interval needs refitting, is {@link FittedQEvaluation}.
 *
 * <p>Immutable and stateless: one instance may evaluate any number of evaluations from any thread.
 */
public final class EpisodeEstimator {
    private enum Form { PDIS, WPDIS, DR, WDR }

    private final Form form;

    private EpisodeEstimator(Form form) {
        this.form = form;
    }

    /** Ordinary per-decision importance sampling. */
    public static EpisodeEstimator pdis() {
        return new EpisodeEstimator(Form.PDIS);
    }

    /** Weighted (self-normalised) per-decision importance sampling. */
    public static EpisodeEstimator wpdis() {
        return new EpisodeEstimator(Form.WPDIS);
    }

    /** Per-decision doubly robust. Needs a model ({@link EpisodeEvaluation#withModel}). */
    public static EpisodeEstimator dr() {
        return new EpisodeEstimator(Form.DR);
    }

    /** Weighted doubly robust. Needs a model ({@link EpisodeEvaluation#withModel}). */
    public static EpisodeEstimator wdr() {
        return new EpisodeEstimator(Form.WDR);
    }

    /** The names {@link #byName} knows; {@code fqe} is {@link FittedQEvaluation}. */
    public static final String NAMES = "pdis, wpdis, dr, wdr";

    /**
     * The estimator called {@code name} ({@link #NAMES}, case-insensitive).
     *
     * @throws IllegalArgumentException naming the unknown estimator and listing the known ones
     */
    public static EpisodeEstimator byName(String name) {
        for (Form f : Form.values()) {
            if (f.name().equalsIgnoreCase(name.trim())) {
                return new EpisodeEstimator(f);
            }
        }
        throw new IllegalArgumentException("unknown episode estimator '" + name + "'; known: " + NAMES + ", fqe");
    }

    /** The estimator's name: {@code pdis, wpdis, dr, wdr}. */
    public String name() {
        return form.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether the estimator needs a model's predictions. */
    public boolean needsModel() {
        return form == Form.DR || form == Form.WDR;
    }

    /** Whether the estimate is a sample mean of per-episode terms (so a normal interval is valid). */
    public boolean isSampleMean() {
        return form == Form.PDIS || form == Form.DR;
    }

    /**
     * The point estimate.
     *
     * @throws IllegalArgumentException if the estimator needs a model and {@code e} has none
     */
    public double value(EpisodeEvaluation e) {
        requireModel(e);
        if (isSampleMean()) {
            double sum = 0;
            for (int i = 0; i < e.episodes(); i++) {
                sum += term(e, i);
            }
            return sum / e.episodes();
        }
        double[][] sums = new double[3][e.horizon()];
        double[] count = {0};
        for (int i = 0; i < e.episodes(); i++) {
            addWeighted(e, i, 1, sums, count);
        }
        return weightedValue(e, sums, count[0]);
    }

    /**
     * The estimate with its interval and diagnostics (the episodes' weights and, for a log with
     * states, the support check).
     *
     * @throws IllegalArgumentException if the estimator needs a model and {@code e} has none, or a
     *     normal interval is asked of a weighted estimator
     */
    public OffPolicyEstimate estimate(EpisodeEvaluation e, IntervalMethod interval) {
        requireModel(e);
        double value = value(e);
        double lower;
        double upper;
        int n = e.episodes();
        if (interval instanceof IntervalMethod.Normal normal) {
            if (!isSampleMean()) {
                throw new IllegalArgumentException(name() + " is a sum of ratios of means, not a sample mean of per-episode"
                        + " terms: a normal interval does not apply to it; use IntervalMethod.bootstrap");
            }
            double squares = 0;
            for (int i = 0; i < n; i++) {
                double d = term(e, i) - value;
                squares += d * d;
            }
            double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
            double half = NormalDistribution.of(0, 1).inverseCumulativeProbability(0.5 + normal.level() / 2) * sd
                    / Math.sqrt(n);
            lower = value - half;
            upper = value + half;
        } else {
            IntervalMethod.Bootstrap b = (IntervalMethod.Bootstrap) interval;
            double[] replicates = replicates(e, b);
            double tail = (1 - b.level()) / 2;
            lower = replicates.length == 0 ? Double.NaN : PoissonBootstrap.quantile(replicates, tail);
            upper = replicates.length == 0 ? Double.NaN : PoissonBootstrap.quantile(replicates, 1 - tail);
        }
        return new OffPolicyEstimate(name(), value, lower, upper, interval, e.weights(), e.support());
    }

    private void requireModel(EpisodeEvaluation e) {
        if (needsModel() && !e.hasModel()) {
            throw new IllegalArgumentException(name() + " needs a model: give its predictions with "
                    + "EpisodeEvaluation.withModel (e.g. FittedQEvaluation.crossFitted())");
        }
    }

    /** The per-episode term of a sample-mean form. */
    private double term(EpisodeEvaluation e, int i) {
        LoggedEpisodes log = e.log();
        double[] rho = e.rho(i);
        double discount = 1;
        double total = 0;
        double previous = 1;
        for (int t = 0; t < rho.length; t++) {
            double r = log.reward(i, t);
            total += form == Form.PDIS ? discount * rho[t] * r
                    : discount * (rho[t] * (r - e.q(i)[t]) + previous * e.v(i)[t]);
            previous = rho[t];
            discount *= e.gamma();
        }
        return total;
    }

    /**
     * Adds episode i with multiplicity c to the per-t sums of a weighted form: {@code sums[0][t]}
     * the numerator of the correction (or of WPDIS), {@code sums[1][t]} the normaliser
     * {@code sum c rho_t} (an ended episode keeps its last ratio), {@code sums[2][t]} WDR's
     * {@code sum c rho_{t-1} v_t}; {@code count[0]} the sum of multiplicities.
     */
    private void addWeighted(EpisodeEvaluation e, int i, int c, double[][] sums, double[] count) {
        if (c == 0) {
            return;
        }
        double[] rho = e.rho(i);
        LoggedEpisodes log = e.log();
        double previous = 1;
        for (int t = 0; t < rho.length; t++) {
            double r = log.reward(i, t);
            sums[0][t] += c * rho[t] * (form == Form.WPDIS ? r : r - e.q(i)[t]);
            sums[1][t] += c * rho[t];
            if (form == Form.WDR) {
                sums[2][t] += c * previous * e.v(i)[t];
            }
            previous = rho[t];
        }
        double last = c * rho[rho.length - 1];
        for (int t = rho.length; t < sums[1].length; t++) {
            sums[1][t] += last;
        }
        count[0] += c;
    }

    private double weightedValue(EpisodeEvaluation e, double[][] sums, double count) {
        double value = 0;
        double discount = 1;
        double previousNormaliser = count;
        for (int t = 0; t < sums[0].length; t++) {
            double normaliser = sums[1][t];
            double step = normaliser != 0 ? sums[0][t] / normaliser : 0;
            if (form == Form.WDR) {
                step += previousNormaliser != 0 ? sums[2][t] / previousNormaliser : 0;
            }
            value += discount * step;
            previousNormaliser = normaliser;
            discount *= e.gamma();
        }
        return value;
    }

    /** The bootstrap replicates' estimates, sorted; replicates that drew no episode are left out. */
    private double[] replicates(EpisodeEvaluation e, IntervalMethod.Bootstrap b) {
        int resamples = b.resamples();
        int n = e.episodes();
        SplitMix64 random = PoissonBootstrap.generator(b.seed(), 0, resamples);
        int[] c = new int[resamples];
        double[] values = new double[resamples];
        double[] count = new double[resamples];
        if (isSampleMean()) {
            double[] sums = new double[resamples];
            for (int i = 0; i < n; i++) {
                draw(random, c);
                double term = term(e, i);
                for (int r = 0; r < resamples; r++) {
                    count[r] += c[r];
                    sums[r] += c[r] * term;
                }
            }
            int kept = 0;
            for (int r = 0; r < resamples; r++) {
                if (count[r] > 0) {
                    values[kept++] = sums[r] / count[r];
                }
            }
            return sorted(values, kept);
        }
        double[][][] sums = new double[resamples][3][e.horizon()];
        double[][] counts = new double[resamples][1];
        for (int i = 0; i < n; i++) {
            draw(random, c);
            for (int r = 0; r < resamples; r++) {
                addWeighted(e, i, c[r], sums[r], counts[r]);
            }
        }
        int kept = 0;
        for (int r = 0; r < resamples; r++) {
            if (counts[r][0] > 0) {
                values[kept++] = weightedValue(e, sums[r], counts[r][0]);
            }
        }
        return sorted(values, kept);
    }

    /** One episode's multiplicities: two 32-bit Poisson draws per 64-bit draw, as the bandit bootstrap. */
    private static void draw(SplitMix64 random, int[] c) {
        for (int r = 0; r < c.length; r += 2) {
            long bits = random.nextLong();
            c[r] = PoissonBootstrap.poisson(bits >>> 32);
            if (r + 1 < c.length) {
                c[r + 1] = PoissonBootstrap.poisson(bits & 0xFFFF_FFFFL);
            }
        }
    }

    private static double[] sorted(double[] values, int kept) {
        double[] v = java.util.Arrays.copyOf(values, kept);
        java.util.Arrays.sort(v);
        return v;
    }

    @Override
    public String toString() {
        return name();
    }
}
