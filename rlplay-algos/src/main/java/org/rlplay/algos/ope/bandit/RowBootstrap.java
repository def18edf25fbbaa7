package org.rlplay.algos.ope.bandit;

import java.util.Arrays;
import org.rlplay.algos.ope.PoissonBootstrap;
import org.rlplay.env.SplitMix64;

/**
 * The Poisson bootstrap over the rows of one estimator's {@link RowTerms}: one pass over the rows,
 * each row's multiplicities added, with its weighted terms, to the replicates' running sums.
 * Memory is {@code 4 * resamples} doubles whatever the number of rows. Stateless.
 */
final class RowBootstrap {
    private RowBootstrap() {
    }

    /**
     * Adds the rows' Poisson-weighted terms to the replicates' running sums ({@code resamples}
     * entries each), drawing from {@code random} ({@link #generator}) in row order.
     */
    static void accumulate(RowTerms terms, SplitMix64 random, double[] count, double[] sumBase, double[] sumNum,
                           double[] sumDen) {
        int resamples = count.length;
        int pairs = resamples & ~1;
        for (int i = 0; i < terms.rows; i++) {
            double base = terms.base(i);
            if (terms.ratio) {
                double num = terms.num(i);
                double den = terms.den(i);
                for (int r = 0; r < resamples; r += 2) {
                    long bits = random.nextLong();
                    int c = PoissonBootstrap.poisson(bits >>> 32);
                    count[r] += c;
                    sumBase[r] += c * base;
                    sumNum[r] += c * num;
                    sumDen[r] += c * den;
                    if (r + 1 < resamples) {
                        c = PoissonBootstrap.poisson(bits & 0xFFFF_FFFFL);
                        count[r + 1] += c;
                        sumBase[r + 1] += c * base;
                        sumNum[r + 1] += c * num;
                        sumDen[r + 1] += c * den;
                    }
                }
            } else {
                for (int r = 0; r < pairs; r += 2) {
                    long bits = random.nextLong();
                    int c0 = PoissonBootstrap.poisson(bits >>> 32);
                    int c1 = PoissonBootstrap.poisson(bits & 0xFFFF_FFFFL);
                    count[r] += c0;
                    sumBase[r] += c0 * base;
                    count[r + 1] += c1;
                    sumBase[r + 1] += c1 * base;
                }
                if (pairs < resamples) {
                    int c = PoissonBootstrap.poisson(random.nextLong() >>> 32);
                    count[pairs] += c;
                    sumBase[pairs] += c * base;
                }
            }
        }
    }

    /**
     * The replicate estimates from the replicates' sums, sorted ascending. Replicates in which no
     * row was drawn (probability {@code e^-n} each) are left out.
     */
    static double[] replicates(double[] count, double[] sumBase, double[] sumNum, double[] sumDen) {
        double[] values = new double[count.length];
        int kept = 0;
        for (int r = 0; r < count.length; r++) {
            if (count[r] > 0) {
                values[kept++] = RowTerms.combine(count[r], sumBase[r], sumNum[r], sumDen[r]);
            }
        }
        values = Arrays.copyOf(values, kept);
        Arrays.sort(values);
        return values;
    }

}
