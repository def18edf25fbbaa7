package org.rlplay.algos.ope.bandit;

import java.util.SplittableRandom;

/**
 * A contextual bandit whose true policy values are known exactly, for the estimators' tests:
 * contexts are drawn uniformly from a fixed set of prototype vectors, the expected reward is
 * {@code mu(x, a) = sigmoid(theta_a . x + b_a)} with Bernoulli rewards, the behaviour is a softmax
 * of {@code beta_a . x} mixed with {@code epsilon} of the uniform policy (so every action has
 * probability at least epsilon / K), and the target is a softmax of {@code temperature * theta_a . x}
 * (it prefers the better actions). The target's true value is an exact finite sum over the
 * prototypes. The world is fixed by its seed; each {@link #draw} is a fresh log.
 */
final class SyntheticBandit {
    final int actions;
    final int dim;
    private final float[][] prototypes;
    private final double[][] theta;
    private final double[] bias;
    private final double[][] beta;
    private final double epsilon;
    private final double temperature;

    /** One drawn log, with everything a test may need. */
    record Draw(float[] contexts, int[] prototype, BanditLog log, BanditLog logWithBehaviour, ActionTable target,
                ActionTable expected) {
    }

    SyntheticBandit(int actions, int dim, int prototypeCount, double epsilon, double temperature, long worldSeed) {
        this.actions = actions;
        this.dim = dim;
        this.epsilon = epsilon;
        this.temperature = temperature;
        SplittableRandom random = new SplittableRandom(worldSeed);
        prototypes = new float[prototypeCount][dim];
        for (float[] x : prototypes) {
            for (int j = 0; j < dim; j++) {
                x[j] = (float) gaussian(random);
            }
        }
        theta = new double[actions][dim];
        beta = new double[actions][dim];
        bias = new double[actions];
        for (int a = 0; a < actions; a++) {
            for (int j = 0; j < dim; j++) {
                theta[a][j] = gaussian(random);
                beta[a][j] = gaussian(random);
            }
            bias[a] = 0.5 * gaussian(random);
        }
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    double expectedReward(int prototype, int a) {
        double z = bias[a];
        for (int j = 0; j < dim; j++) {
            z += theta[a][j] * prototypes[prototype][j];
        }
        return 1 / (1 + Math.exp(-z));
    }

    void behaviour(int prototype, double[] out) {
        softmax(beta, 1, prototype, out);
        for (int a = 0; a < actions; a++) {
            out[a] = (1 - epsilon) * out[a] + epsilon / actions;
        }
    }

    void target(int prototype, double[] out) {
        softmax(theta, temperature, prototype, out);
    }

    private void softmax(double[][] weights, double scale, int prototype, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < actions; a++) {
            double z = 0;
            for (int j = 0; j < dim; j++) {
                z += weights[a][j] * prototypes[prototype][j];
            }
            out[a] = scale * z;
            max = Math.max(max, out[a]);
        }
        double total = 0;
        for (int a = 0; a < actions; a++) {
            out[a] = Math.exp(out[a] - max);
            total += out[a];
        }
        for (int a = 0; a < actions; a++) {
            out[a] /= total;
        }
    }

    /** The target's exact value: the mean over prototypes of {@code sum_a pi(a|x) mu(x, a)}. */
    double trueTargetValue() {
        double[] pi = new double[actions];
        double total = 0;
        for (int m = 0; m < prototypes.length; m++) {
            target(m, pi);
            for (int a = 0; a < actions; a++) {
                total += pi[a] * expectedReward(m, a);
            }
        }
        return total / prototypes.length;
    }

    /** A log of n decisions by the behaviour. */
    Draw draw(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] contexts = new float[n * dim];
        int[] prototype = new int[n];
        int[] action = new int[n];
        double[] reward = new double[n];
        double[] propensity = new double[n];
        double[] mu = new double[n * actions];
        double[] pi = new double[n * actions];
        double[] expected = new double[n * actions];
        double[] row = new double[actions];
        for (int i = 0; i < n; i++) {
            int m = random.nextInt(prototypes.length);
            prototype[i] = m;
            System.arraycopy(prototypes[m], 0, contexts, i * dim, dim);
            behaviour(m, row);
            System.arraycopy(row, 0, mu, i * actions, actions);
            double u = random.nextDouble();
            int a = 0;
            double cdf = row[0];
            while (u >= cdf && a < actions - 1) {
                cdf += row[++a];
            }
            action[i] = a;
            propensity[i] = row[a];
            reward[i] = random.nextDouble() < expectedReward(m, a) ? 1 : 0;
            target(m, row);
            System.arraycopy(row, 0, pi, i * actions, actions);
            for (int b = 0; b < actions; b++) {
                expected[i * actions + b] = expectedReward(m, b);
            }
        }
        BanditLog log = BanditLog.of(actions, action, reward, propensity);
        return new Draw(contexts, prototype, log, log.withBehaviour(ActionTable.wrap(actions, mu)),
                ActionTable.wrap(actions, pi), ActionTable.wrap(actions, expected));
    }
}
