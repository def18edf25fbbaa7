package org.rlplay.examples.offline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.bandit.ContextualBandit;

/**
 * A seeded logging policy for a {@link ContextualBandit}: what a production system that knows
 * something about its rewards would log with. Its scores are the true mean rewards blurred by a
 * fixed random linear term, and it explores:
 * <pre>
 *   mu(a|x) = (1 - epsilon) softmax_a( tau (mu(x, a) + noise_a . x / sqrt(d)) ) + epsilon / K
 * </pre>
 * with {@code noise_a ~ N(0, sigma^2 I)} drawn from the seed, so every action has probability at
 * least {@code epsilon / K}. It acts by sampling from that distribution and reports the whole
 * distribution as actor info {@value #PROBS}, (N, K) float32, the column {@code LoggedDecisions}
 * reads the propensities from. Also a {@link ContextualBandit.Policy}, so that its true value is
 * {@code env.trueValue(policy)}. Used by one collector thread at a time; owns nothing to close.
 */
public final class BanditLoggingPolicy implements Actor, ContextualBandit.Policy {
    /** The actor info column of the logged distribution. */
    public static final String PROBS = "probs";

    private final ContextualBandit world;
    private final int actions;
    private final int dim;
    private final double tau;
    private final double epsilon;
    private final double[][] noise;
    private final SplittableRandom random;
    private final float[] context;
    private final double[] p;

    /**
     * @param world   the bandit whose reward function informs the scores (not stepped)
     * @param dim     d, its context size
     * @param tau     the softmax's inverse temperature
     * @param sigma   the size of the score noise
     * @param epsilon the uniform exploration, in [0, 1]
     * @param seed    the seed of the noise and of the sampled actions
     */
    public BanditLoggingPolicy(ContextualBandit world, int dim, double tau, double sigma, double epsilon, long seed) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        this.world = world;
        this.actions = world.actions();
        this.dim = dim;
        this.tau = tau;
        this.epsilon = epsilon;
        SplittableRandom r = new SplittableRandom(seed);
        this.noise = new double[actions][dim];
        for (double[] row : noise) {
            for (int j = 0; j < dim; j++) {
                double u = 1 - r.nextDouble();
                row[j] = sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
            }
        }
        this.random = r.split();
        this.context = new float[dim];
        this.p = new double[actions];
    }

    /** The demonstration's logging policy: tau 8, sigma 0.3, epsilon 0.1. */
    public static BanditLoggingPolicy standard(ContextualBandit world, int dim, long seed) {
        return new BanditLoggingPolicy(world, dim, 8, 0.3, 0.1, seed);
    }

    @Override
    public void probabilities(float[] x, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < actions; a++) {
            double z = world.expectedReward(x, 0, a);
            for (int j = 0; j < dim; j++) {
                z += noise[a][j] * x[j] / Math.sqrt(dim);
            }
            out[a] = tau * z;
            max = Math.max(max, out[a]);
        }
        double total = 0;
        for (int a = 0; a < actions; a++) {
            out[a] = Math.exp(out[a] - max);
            total += out[a];
        }
        for (int a = 0; a < actions; a++) {
            out[a] = (1 - epsilon) * out[a] / total + epsilon / actions;
        }
    }

    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        int n = in.numEnvs();
        float[] info = new float[n * actions];
        for (int j = 0; j < n; j++) {
            for (int e = 0; e < dim; e++) {
                context[e] = in.obs(j, e);
            }
            probabilities(context, p);
            for (int a = 0; a < actions; a++) {
                info[j * actions + a] = (float) p[a];
            }
            if (!virtual) {
                double u = random.nextDouble();
                int a = 0;
                double cdf = p[0];
                while (u >= cdf && a < actions - 1) {
                    cdf += p[++a];
                }
                out.actions().setDiscrete(j, a);
            }
        }
        NDArray probs = in.manager().create(info, new Shape(n, actions));
        probs.setName(PROBS);
        out.info(new NDList(probs));
        return null;
    }
}
