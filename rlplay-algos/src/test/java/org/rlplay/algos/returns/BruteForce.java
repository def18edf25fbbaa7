package org.rlplay.algos.returns;

/**
 * Reference implementations written as explicit forward walks over each env's episode segments
 * (sums of powers), independent of the backward recursions in {@link Returns}.
 */
final class BruteForce {
    private final Trajectory tr;
    private final float[] values;
    private final float[] finalValues;
    private final double gamma;

    BruteForce(Trajectory tr, float[] values, float[] finalValues, double gamma) {
        this.tr = tr;
        this.values = values;
        this.finalValues = finalValues;
        this.gamma = gamma;
    }

    private int n() {
        return tr.numEnvs();
    }

    private boolean fin(int s, int j) {
        return tr.fin()[s * n() + j];
    }

    private double rew(int s, int j) {
        return tr.rew()[s * n() + j];
    }

    private double value(int s, int j) {
        return values[s * n() + j];
    }

    /** The last record of the segment that starts at record t: the first end after t, or T. */
    int segmentEnd(int t, int j) {
        int s = t + 1;
        while (s < tr.length() && !fin(s, j)) {
            s++;
        }
        return s;
    }

    /** What the walk reaching record s bootstraps from: the end value if fin[s], else v(obs[s]). */
    double tailValue(int s, int j) {
        if (fin(s, j)) {
            boolean truncated = tr.trunc() != null && tr.trunc()[s * n() + j];
            return truncated ? finalValues[s * n() + j] : 0.0;
        }
        return value(s, j);
    }

    double discounted(int t, int j) {
        int e = segmentEnd(t, j);
        double g = 0;
        for (int s = t + 1; s <= e; s++) {
            g += Math.pow(gamma, s - t - 1) * rew(s, j);
        }
        return g + Math.pow(gamma, e - t) * tailValue(e, j);
    }

    double nStep(int t, int j, int steps) {
        int e = Math.min(segmentEnd(t, j), t + steps);
        double g = 0;
        for (int s = t + 1; s <= e; s++) {
            g += Math.pow(gamma, s - t - 1) * rew(s, j);
        }
        return g + Math.pow(gamma, e - t) * tailValue(e, j);
    }

    double delta(int t, int j) {
        return rew(t + 1, j) + gamma * tailValue(t + 1, j) - value(t, j);
    }

    double gae(int t, int j, double lambda) {
        int e = segmentEnd(t, j);
        double a = 0;
        for (int s = t; s < e; s++) {
            a += Math.pow(gamma * lambda, s - t) * delta(s, j);
        }
        return a;
    }

    /** vs[t] = V[t] + sum_{s=t}^{e-1} gamma^(s-t) (prod_{i=t}^{s-1} c_i) rho_s delta_s. */
    double vs(int t, int j, float[] logRhos, double rhoBar, double cBar) {
        if (t == tr.length()) {
            return value(t, j);
        }
        int e = segmentEnd(t, j);
        double sum = 0;
        for (int s = t; s < e; s++) {
            double traces = 1;
            for (int i = t; i < s; i++) {
                traces *= Math.min(cBar, Math.exp(logRhos[i * n() + j]));
            }
            double rho = Math.min(rhoBar, Math.exp(logRhos[s * n() + j]));
            sum += Math.pow(gamma, s - t) * traces * rho * delta(s, j);
        }
        return value(t, j) + sum;
    }

    double pg(int t, int j, float[] logRhos, double rhoBar, double cBar) {
        double rho = Math.min(rhoBar, Math.exp(logRhos[t * n() + j]));
        double next = fin(t + 1, j) ? tailValue(t + 1, j) : vs(t + 1, j, logRhos, rhoBar, cBar);
        return rho * (rew(t + 1, j) + gamma * next - value(t, j));
    }
}
