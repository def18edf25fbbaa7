package org.rlplay.algos.ope.bandit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.rlplay.algos.ope.IntervalMethod;
import org.rlplay.algos.ope.OffPolicyEstimate;
import org.rlplay.algos.ope.PoissonBootstrap;
import org.rlplay.algos.ope.Support;
import org.rlplay.algos.ope.WeightDiagnostics;
import org.rlplay.env.SplitMix64;

/**
 * The sufficient statistics of one {@link BanditEstimator} with one {@link IntervalMethod} over one
 * partition of a log: what a distributed run computes per partition and merges, so that it gives
 * the estimate, interval and diagnostics one pass over the whole log gives.
 *
 * <p>Per partition ({@link BanditEstimator#statistics}): the row count and the sums of the
 * estimator's per-row terms ({@code sum base, sum num, sum den}, see the estimator's forms); the
 * mean and centred sum of squares of the base terms (for a normal interval; merged with Chan,
 * Golub and LeVeque's pairwise update, so the variance is as accurate as a two-pass one); for a
 * bootstrap, the four running sums of each replicate, with every row's Poisson multiplicities drawn
 * from the seed and the row's global index ({@link PoissonBootstrap#generator}), so partitions draw
 * what one pass draws; the sum, sum of squares and maximum of the raw weights; and for the support
 * check, either the rows and mass on zero-propensity actions (logged behaviour distribution) or,
 * without it, which actions were logged, the target's mass per action and how many rows put
 * positive mass on each set of actions (so the actions no partition logged are known only after the
 * merge, and the affected rows counted exactly).
 *
 * <p>{@link #merge} gives new statistics of the union of two disjoint partitions (commutative; the
 * results agree with one pass up to the rounding of the sums, about 1e-15 relative).
 * {@link #estimate} turns statistics into the {@link OffPolicyEstimate}. Immutable and
 * {@link Serializable} (plain arrays), so a Spark job can ship them between executors.
 */
public final class BanditStatistics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String estimator;
    private final boolean ratio;
    private final IntervalMethod interval;
    private final int actions;
    private final long rows;
    private final double sumBase;
    private final double sumNum;
    private final double sumDen;
    private final double meanBase;
    private final double squaresBase;
    /** Per replicate: count, sum base, sum num, sum den; null for a normal interval. */
    private final double[][] replicates;
    private final double sumWeights;
    private final double sumSquaredWeights;
    private final double maxWeight;
    private final Support.Basis basis;
    /** BEHAVIOUR_DISTRIBUTION: rows affected and their mass; LOGGED_ACTIONS: unused (0). */
    private final long supportRows;
    private final double supportMass;
    /** BEHAVIOUR_DISTRIBUTION: actions with unsupported mass; LOGGED_ACTIONS: actions logged. */
    private final boolean[] actionFlags;
    /** LOGGED_ACTIONS: the target's mass on each action, summed over rows; else null. */
    private final double[] targetMass;
    /** LOGGED_ACTIONS: rows by the set of actions they give positive probability; else null. */
    private final HashMap<BitSet, Long> positiveSets;

    private BanditStatistics(String estimator, boolean ratio, IntervalMethod interval, int actions, long rows,
                             double sumBase, double sumNum, double sumDen, double meanBase, double squaresBase,
                             double[][] replicates, double sumWeights, double sumSquaredWeights, double maxWeight,
                             Support.Basis basis, long supportRows, double supportMass, boolean[] actionFlags,
                             double[] targetMass, HashMap<BitSet, Long> positiveSets) {
        this.estimator = estimator;
        this.ratio = ratio;
        this.interval = interval;
        this.actions = actions;
        this.rows = rows;
        this.sumBase = sumBase;
        this.sumNum = sumNum;
        this.sumDen = sumDen;
        this.meanBase = meanBase;
        this.squaresBase = squaresBase;
        this.replicates = replicates;
        this.sumWeights = sumWeights;
        this.sumSquaredWeights = sumSquaredWeights;
        this.maxWeight = maxWeight;
        this.basis = basis;
        this.supportRows = supportRows;
        this.supportMass = supportMass;
        this.actionFlags = actionFlags;
        this.targetMass = targetMass;
        this.positiveSets = positiveSets;
    }

    /** Computes the statistics of {@code terms} on {@code e}, whose row 0 is global row {@code firstRow}. */
    static BanditStatistics of(String estimator, RowTerms terms, BanditEvaluation e, long firstRow,
                               IntervalMethod interval) {
        int n = terms.rows;
        double sumBase = 0;
        double sumNum = 0;
        double sumDen = 0;
        for (int i = 0; i < n; i++) {
            sumBase += terms.base(i);
            if (terms.ratio) {
                sumNum += terms.num(i);
                sumDen += terms.den(i);
            }
        }
        double mean = sumBase / n;
        double squares = 0;
        double[][] replicates = null;
        if (interval instanceof IntervalMethod.Normal) {
            for (int i = 0; i < n; i++) {
                double d = terms.base(i) - mean;
                squares += d * d;
            }
        } else {
            IntervalMethod.Bootstrap b = (IntervalMethod.Bootstrap) interval;
            replicates = new double[4][b.resamples()];
            SplitMix64 random = PoissonBootstrap.generator(b.seed(), firstRow, b.resamples());
            RowBootstrap.accumulate(terms, random, replicates[0], replicates[1], replicates[2], replicates[3]);
        }
        double[] w = e.weightArray();
        double sw = 0;
        double sw2 = 0;
        double max = 0;
        for (double x : w) {
            sw += x;
            sw2 += x * x;
            max = Math.max(max, x);
        }
        int k = e.log().actions();
        double[] pi = e.target().values();
        if (e.log().behaviour().isPresent()) {
            double[] mu = e.log().behaviour().get().values();
            boolean[] used = new boolean[k];
            long affected = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                double mass = 0;
                for (int a = 0; a < k; a++) {
                    if (mu[i * k + a] == 0 && pi[i * k + a] > 0) {
                        mass += pi[i * k + a];
                        used[a] = true;
                    }
                }
                total += mass;
                affected += mass > 0 ? 1 : 0;
            }
            return new BanditStatistics(estimator, terms.ratio, interval, k, n, sumBase, sumNum, sumDen, mean, squares,
                    replicates, sw, sw2, max, Support.Basis.BEHAVIOUR_DISTRIBUTION, affected, total, used, null, null);
        }
        boolean[] seen = new boolean[k];
        double[] mass = new double[k];
        HashMap<BitSet, Long> sets = new HashMap<>();
        BitSet current = new BitSet(k);
        BitSet last = null;
        long lastCount = 0;
        for (int i = 0; i < n; i++) {
            seen[e.log().action(i)] = true;
            current.clear();
            for (int a = 0; a < k; a++) {
                double p = pi[i * k + a];
                mass[a] += p;
                if (p > 0) {
                    current.set(a);
                }
            }
            if (!current.equals(last)) {          // targets mostly repeat one set: count runs, look up rarely
                if (last != null) {
                    sets.merge(last, lastCount, Long::sum);
                }
                last = (BitSet) current.clone();
                lastCount = 0;
            }
            lastCount++;
        }
        if (last != null) {
            sets.merge(last, lastCount, Long::sum);
        }
        return new BanditStatistics(estimator, terms.ratio, interval, k, n, sumBase, sumNum, sumDen, mean, squares,
                replicates, sw, sw2, max, Support.Basis.LOGGED_ACTIONS, 0, 0, seen, mass, sets);
    }

    /**
     * The statistics of the union of this partition and {@code other} (disjoint rows of one log).
     *
     * @throws IllegalArgumentException if they are of different estimators, intervals, action
     *     counts, or support bases (one partition with the behaviour distribution, one without)
     */
    public BanditStatistics merge(BanditStatistics other) {
        if (!estimator.equals(other.estimator) || !interval.equals(other.interval) || actions != other.actions
                || basis != other.basis) {
            throw new IllegalArgumentException("cannot merge the statistics of " + estimator + " with " + interval + " over "
                    + actions + " actions (" + basis + ") with those of " + other.estimator + " with " + other.interval
                    + " over " + other.actions + " actions (" + other.basis + ")");
        }
        long n = rows + other.rows;
        double delta = other.meanBase - meanBase;
        double mean = (rows * meanBase + other.rows * other.meanBase) / n;
        double squares = squaresBase + other.squaresBase + delta * delta * ((double) rows * other.rows / n);
        double[][] merged = null;
        if (replicates != null) {
            merged = new double[4][];
            for (int s = 0; s < 4; s++) {
                merged[s] = replicates[s].clone();
                for (int r = 0; r < merged[s].length; r++) {
                    merged[s][r] += other.replicates[s][r];
                }
            }
        }
        boolean[] flags = new boolean[actions];
        for (int a = 0; a < actions; a++) {
            flags[a] = actionFlags[a] || other.actionFlags[a];
        }
        double[] mass = null;
        HashMap<BitSet, Long> sets = null;
        if (targetMass != null) {
            mass = new double[actions];
            for (int a = 0; a < actions; a++) {
                mass[a] = targetMass[a] + other.targetMass[a];
            }
            sets = new HashMap<>(positiveSets);
            for (Map.Entry<BitSet, Long> entry : other.positiveSets.entrySet()) {
                sets.merge(entry.getKey(), entry.getValue(), Long::sum);
            }
        }
        return new BanditStatistics(estimator, ratio, interval, actions, n, sumBase + other.sumBase,
                sumNum + other.sumNum, sumDen + other.sumDen, mean, squares, merged, sumWeights + other.sumWeights,
                sumSquaredWeights + other.sumSquaredWeights, Math.max(maxWeight, other.maxWeight), basis,
                supportRows + other.supportRows, supportMass + other.supportMass, flags, mass, sets);
    }

    /** The estimator's name. */
    public String estimator() {
        return estimator;
    }

    /** The rows these statistics cover. */
    public long rows() {
        return rows;
    }

    /**
     * The estimate, its interval and the diagnostics of every row merged so far.
     *
     * @throws IllegalStateException if more than {@link Integer#MAX_VALUE} rows were merged (the
     *     diagnostics count rows in an int)
     */
    public OffPolicyEstimate estimate() {
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalStateException(estimator + ": " + rows + " rows exceed the diagnostics' int row count");
        }
        double value = RowTerms.combine(rows, sumBase, sumNum, sumDen);
        double lower;
        double upper;
        if (interval instanceof IntervalMethod.Normal normal) {
            double z = NormalDistribution.of(0, 1).inverseCumulativeProbability(0.5 + normal.level() / 2);
            double sd = rows > 1 ? Math.sqrt(squaresBase / (rows - 1)) : 0;
            double half = z * sd / Math.sqrt(rows);
            lower = value - half;
            upper = value + half;
        } else {
            double tail = (1 - interval.level()) / 2;
            double[] values = RowBootstrap.replicates(replicates[0], replicates[1], replicates[2], replicates[3]);
            lower = values.length == 0 ? Double.NaN : PoissonBootstrap.quantile(values, tail);
            upper = values.length == 0 ? Double.NaN : PoissonBootstrap.quantile(values, 1 - tail);
        }
        WeightDiagnostics weights = new WeightDiagnostics((int) rows,
                sumSquaredWeights > 0 ? sumWeights * sumWeights / sumSquaredWeights : 0, maxWeight, sumWeights / rows);
        return new OffPolicyEstimate(estimator, value, lower, upper, interval, weights, support());
    }

    private Support support() {
        if (basis == Support.Basis.BEHAVIOUR_DISTRIBUTION) {
            return new Support(basis, (int) supportRows, supportMass / rows, actionsWhere(actionFlags, true, null));
        }
        BitSet unseen = new BitSet(actions);
        double mass = 0;
        for (int a = 0; a < actions; a++) {
            if (!actionFlags[a]) {
                unseen.set(a);
                mass += targetMass[a];
            }
        }
        long affected = 0;
        for (Map.Entry<BitSet, Long> entry : positiveSets.entrySet()) {
            affected += entry.getKey().intersects(unseen) ? entry.getValue() : 0;
        }
        return new Support(basis, (int) affected, mass / rows, actionsWhere(actionFlags, false, targetMass));
    }

    /** The actions whose flag is {@code flag} (and, with {@code mass}, that have positive mass). */
    private static List<Integer> actionsWhere(boolean[] flags, boolean flag, double[] mass) {
        List<Integer> list = new ArrayList<>();
        for (int a = 0; a < flags.length; a++) {
            if (flags[a] == flag && (mass == null || mass[a] > 0)) {
                list.add(a);
            }
        }
        return list;
    }

    @Override
    public String toString() {
        return "BanditStatistics[" + estimator + ", " + interval + ", " + rows + " rows]";
    }
}
