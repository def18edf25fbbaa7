package org.rlplay.env.bandit;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.InvalidActionException;
import org.rlplay.env.SplitMix64;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;

/**
 * A synthetic contextual bandit whose reward function is known, so that the true value of any
 * policy is computed exactly ({@link #trueValue}): every episode is one decision. {@code reset}
 * draws a context uniformly from a fixed set of M contexts and writes it as the observation; the
 * one {@code step} takes an action {@code a} in {@code Discrete(K)}, pays a Bernoulli reward of mean
 * {@code mu(x, a) = sigmoid(1.5 theta_a . x / sqrt(d) + b_a)} and terminates (the observation
 * written then is the same context, the episode's final observation). In a rollout each decision is
 * thus a T = 1 fragment's transition, or one transition of any longer fragment: context at record
 * t, action, reward and {@code fin} at record t + 1.
 *
 * <p>The <em>world</em> (the M contexts, drawn from N(0, I_d), and the K weight vectors
 * {@code theta_a ~ N(0, I_d)} and biases {@code b_a ~ N(0, 0.25)}) is fixed by the world seed; the
 * env's generator, re-seeded by {@code reset(seed)}, draws the contexts and rewards only. Both are
 * {@link SplitMix64} streams (the same draws as {@link java.util.SplittableRandom}), so the state
 * saves and resumes exactly. {@code ContextualBandit-v0} is K = 5, d = 8, M = 1000, world seed 0
 * ({@link Bandits}). Not thread-safe: one thread at a time, like every env.
 */
public final class ContextualBandit implements Env<float[]> {
    private final int actions;
    private final int dim;
    private final float[][] contexts;
    private final double[][] theta;
    private final double[] bias;
    private final Box observationSpace;
    private final Discrete actionSpace;
    private final SplitMix64 rng = new SplitMix64(0L);
    private int context = -1;

    /** A policy's action distribution at a context: {@code out[a] = pi(a | x)}, K entries. */
    @FunctionalInterface
    public interface Policy {
        void probabilities(float[] context, double[] out);
    }

    /**
     * A bandit over {@code actions} actions and {@code contexts} contexts of {@code dim} features.
     *
     * @throws IllegalArgumentException unless every count is &gt;= 1 (and K &gt;= 2)
     */
    public ContextualBandit(int actions, int dim, int contexts, long worldSeed) {
        if (actions < 2 || dim < 1 || contexts < 1) {
            throw new IllegalArgumentException("a contextual bandit needs K >= 2 actions, d >= 1 features and M >= 1 "
                    + "contexts, got K=" + actions + " d=" + dim + " M=" + contexts);
        }
        this.actions = actions;
        this.dim = dim;
        SplitMix64 world = new SplitMix64(worldSeed);
        this.contexts = new float[contexts][dim];
        for (float[] x : this.contexts) {
            for (int j = 0; j < dim; j++) {
                x[j] = (float) gaussian(world);
            }
        }
        this.theta = new double[actions][dim];
        this.bias = new double[actions];
        for (int a = 0; a < actions; a++) {
            for (int j = 0; j < dim; j++) {
                theta[a][j] = gaussian(world);
            }
            bias[a] = 0.5 * gaussian(world);
        }
        this.observationSpace = Box.of(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, dim);
        this.actionSpace = new Discrete(actions);
    }

    private static double gaussian(SplitMix64 random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Override
    public Space observationSpace() {
        return observationSpace;
    }

    @Override
    public Space actionSpace() {
        return actionSpace;
    }

    @Override
    public void reset(long seed, float[] obs, int off) {
        rng.setState(seed);
        reset(obs, off);
    }

    @Override
    public void reset(float[] obs, int off) {
        context = (int) ((rng.nextLong() >>> 1) % contexts.length);
        System.arraycopy(contexts[context], 0, obs, off, dim);
    }

    @Override
    public void step(ActionBatch actionBatch, int index, float[] obs, int off, Transition out) {
        if (context < 0) {
            throw new IllegalStateException("ContextualBandit: call reset before step");
        }
        int a = actionBatch.discrete(index);
        if (a < 0 || a >= actions) {
            throw new InvalidActionException("ContextualBandit: action " + a + " is outside Discrete(" + actions + ")", index);
        }
        float reward = rng.nextDouble() < expectedReward(context, a) ? 1f : 0f;
        System.arraycopy(contexts[context], 0, obs, off, dim);
        context = -1;
        out.set(reward, true, false);
    }

    /** K, the number of actions. */
    public int actions() {
        return actions;
    }

    /** M, the number of contexts. */
    public int contexts() {
        return contexts.length;
    }

    /** A copy of context {@code m}. */
    public float[] context(int m) {
        return contexts[m].clone();
    }

    /** The mean reward {@code mu(x_m, a)} of action {@code a} in context {@code m}. */
    public double expectedReward(int m, int a) {
        return expectedReward(contexts[m], 0, a);
    }

    /**
     * The mean reward {@code mu(x, a)} of action {@code a} at the features {@code x[offset ..
     * offset + d)} (the reward function, defined for any features; the env draws only its M contexts).
     */
    public double expectedReward(float[] x, int offset, int a) {
        double z = 0;
        for (int j = 0; j < dim; j++) {
            z += theta[a][j] * x[offset + j];
        }
        z = 1.5 * z / Math.sqrt(dim) + bias[a];
        return 1 / (1 + Math.exp(-z));
    }

    /**
     * The exact value of {@code policy}: {@code (1/M) sum_m sum_a pi(a | x_m) mu(x_m, a)}, its mean
     * reward per decision.
     *
     * @throws IllegalArgumentException if the policy gives a context a row that is not a
     *     distribution (entries in [0, 1] summing to 1 within 1e-6)
     */
    public double trueValue(Policy policy) {
        double[] pi = new double[actions];
        double total = 0;
        for (int m = 0; m < contexts.length; m++) {
            policy.probabilities(contexts[m].clone(), pi);
            double sum = 0;
            for (int a = 0; a < actions; a++) {
                if (!(pi[a] >= 0 && pi[a] <= 1)) {
                    throw new IllegalArgumentException("context " + m + ": the policy gives action " + a + " probability "
                            + pi[a]);
                }
                sum += pi[a];
                total += pi[a] * expectedReward(m, a);
            }
            if (Math.abs(sum - 1) > 1e-6) {
                throw new IllegalArgumentException("context " + m + ": the policy's probabilities sum to " + sum);
            }
        }
        return total / contexts.length;
    }

    /** The value of the best policy, which takes {@code argmax_a mu(x, a)} in every context. */
    public double optimalValue() {
        double total = 0;
        for (int m = 0; m < contexts.length; m++) {
            double best = 0;
            for (int a = 0; a < actions; a++) {
                best = Math.max(best, expectedReward(m, a));
            }
            total += best;
        }
        return total / contexts.length;
    }

    @Override
    public boolean canSaveState() {
        return true;
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        out.writeLong(rng.state());
        out.writeInt(context);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        rng.setState(in.readLong());
        context = in.readInt();
    }
}
