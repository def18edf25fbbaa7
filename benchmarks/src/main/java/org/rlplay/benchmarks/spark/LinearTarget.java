package org.rlplay.benchmarks.spark;

import java.util.SplittableRandom;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.spark.TargetPolicy;

/**
 * The harness's target policy, the same on the driver and the executors: {@code pi(a|x) =
 * softmax_a(tau W_a . x)} with W drawn from a seed, in plain Java (so the figures measure the
 * pipelines, not a network). The opened distribution is used by one thread at a time.
 *
 * @param tau  the inverse temperature
 * @param seed the seed of W
 */
record LinearTarget(double tau, long seed) implements TargetPolicy {

    @Override
    public String key() {
        return "linear " + tau + " " + seed;
    }

    @Override
    public ActionDistribution open(Space observations, Discrete actions) {
        int d = observations.size();
        int k = actions.n();
        double[][] w = new double[k][d];
        SplittableRandom r = new SplittableRandom(seed);
        for (double[] row : w) {
            for (int i = 0; i < d; i++) {
                row[i] = r.nextDouble(-1, 1);
            }
        }
        return (x, rows, out) -> {
            for (int n = 0; n < rows; n++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int a = 0; a < k; a++) {
                    double z = 0;
                    for (int i = 0; i < d; i++) {
                        z += w[a][i] * x[n * d + i];
                    }
                    out[n * k + a] = tau * z;
                    max = Math.max(max, out[n * k + a]);
                }
                double total = 0;
                for (int a = 0; a < k; a++) {
                    out[n * k + a] = Math.exp(out[n * k + a] - max);
                    total += out[n * k + a];
                }
                for (int a = 0; a < k; a++) {
                    out[n * k + a] /= total;
                }
            }
        };
    }
}
