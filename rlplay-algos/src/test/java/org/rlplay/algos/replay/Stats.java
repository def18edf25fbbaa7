package org.rlplay.algos.replay;

import java.util.Arrays;

/** Pearson's chi-square goodness of fit for the sampling tests. */
final class Stats {
    private Stats() {
    }

    static double[] uniform(int k) {
        double[] p = new double[k];
        Arrays.fill(p, 1.0 / k);
        return p;
    }

    /** sum_i (observed_i - n p_i)^2 / (n p_i). */
    static double chiSquare(int[] observed, double[] p, int n) {
        double x = 0;
        for (int i = 0; i < observed.length; i++) {
            double e = n * p[i];
            x += (observed[i] - e) * (observed[i] - e) / e;
        }
        return x;
    }

    /**
     * The 0.999 quantile of chi-square with {@code df} degrees of freedom, by the Wilson-Hilferty
     * approximation (within about 1% for df &gt;= 5).
     */
    static double chiSquareCritical999(int df) {
        double z = 3.090232;
        double a = 2.0 / (9.0 * df);
        double c = 1 - a + z * Math.sqrt(a);
        return df * c * c * c;
    }
}
