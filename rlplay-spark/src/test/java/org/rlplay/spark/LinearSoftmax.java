package org.rlplay.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.algos.ope.ActionProbabilities;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;

/**
 * The tests' policy: {@code pi(a|x) = (1 - eps) softmax_a(tau W_a . x) + eps / K} with W drawn
 * from a seed. As an {@link Actor} it samples its actions (seeded) and logs its distribution as
 * actor info {@value #PROBS} (the behaviour of a recording); as an {@link ActionDistribution} it is
 * a target; {@link #source} ships it to Spark executors. One thread at a time.
 */
final class LinearSoftmax implements Actor, ActionDistribution {
    static final String PROBS = "probs";

    private final int d;
    private final int k;
    private final double tau;
    private final double epsilon;
    private final double[][] w;
    private final SplittableRandom random;
    private final double[] p;
    private final float[] x;

    LinearSoftmax(int d, int k, double tau, double epsilon, long seed) {
        this.d = d;
        this.k = k;
        this.tau = tau;
        this.epsilon = epsilon;
        SplittableRandom r = new SplittableRandom(seed);
        w = new double[k][d];
        for (double[] row : w) {
            for (int i = 0; i < d; i++) {
                row[i] = r.nextDouble(-1, 1);
            }
        }
        random = r.split();
        p = new double[k];
        x = new float[d];
    }

    /** This policy as a {@link TargetPolicy}: the executors rebuild it from the same numbers. */
    static TargetPolicy source(int d, int k, double tau, double epsilon, long seed) {
        return new Source(d, k, tau, epsilon, seed);
    }

    private record Source(int d, int k, double tau, double epsilon, long seed) implements TargetPolicy {
        @Override
        public String key() {
            return "linear-softmax " + this;
        }

        @Override
        public ActionDistribution open(Space observations, Discrete actions) {
            return new LinearSoftmax(d, k, tau, epsilon, seed);
        }
    }

    void distribution(float[] obs, int from, double[] out, int at) {
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < k; a++) {
            double z = 0;
            for (int i = 0; i < d; i++) {
                z += w[a][i] * obs[from + i];
            }
            out[at + a] = tau * z;
            max = Math.max(max, out[at + a]);
        }
        double total = 0;
        for (int a = 0; a < k; a++) {
            out[at + a] = Math.exp(out[at + a] - max);
            total += out[at + a];
        }
        for (int a = 0; a < k; a++) {
            out[at + a] = (1 - epsilon) * out[at + a] / total + epsilon / k;
        }
    }

    @Override
    public void probabilities(float[] observations, int rows, double[] out) {
        for (int r = 0; r < rows; r++) {
            distribution(observations, r * d, out, r * k);
        }
    }

    /** The probability this policy gives each logged action of a fragment (the Java reference's target). */
    ActionProbabilities taken() {
        return (f, out) -> {
            int n = f.numEnvs();
            for (int t = 0; t < f.length(); t++) {
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < d; i++) {
                        x[i] = f.obs(t, j, i);
                    }
                    distribution(x, 0, p, 0);
                    out[t * n + j] = p[(int) f.act(t + 1, j, 0)];
                }
            }
        };
    }

    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        int n = in.numEnvs();
        float[] info = new float[n * k];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < d; i++) {
                x[i] = in.obs(j, i);
            }
            distribution(x, 0, p, 0);
            for (int a = 0; a < k; a++) {
                info[j * k + a] = (float) p[a];
            }
            if (!virtual) {
                double u = random.nextDouble();
                int a = 0;
                double cdf = p[0];
                while (u >= cdf && a < k - 1) {
                    cdf += p[++a];
                }
                out.actions().setDiscrete(j, a);
            }
        }
        NDArray probs = in.manager().create(info, new Shape(n, k));
        probs.setName(PROBS);
        out.info(new NDList(probs));
        return null;
    }
}
