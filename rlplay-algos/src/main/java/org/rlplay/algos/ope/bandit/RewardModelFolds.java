package org.rlplay.algos.ope.bandit;

import java.io.Serializable;

/**
 * The k fitted models of a {@link CrossFittedRewardModel} as plain arrays: per fold, the training
 * folds' context and reward standardisation and each dense layer's weights and biases (ReLU
 * between layers). {@link #predict} scores one context with one fold's model in plain Java
 * (products and sums in double), so the same model gives bit-identical predictions on any JVM and
 * thread: {@link CrossFittedRewardModel#fit} scores its held-out rows with it, and a distributed
 * job that ships these folds to its executors scores each row with its fold's model and gets the
 * single-JVM predictions.
 *
 * <p>Immutable and {@link Serializable}; any thread may call {@link #predict} with its own scratch.
 */
public final class RewardModelFolds implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int dim;
    private final int actions;
    /** [fold][j]: the context standardisation. */
    private final float[][] mean;
    private final float[][] scale;
    private final float[] rewardMean;
    private final float[] rewardScale;
    /** [fold][layer]: row-major (out x in) weights and out biases. */
    private final float[][][] weights;
    private final float[][][] biases;
    private final int widest;

    RewardModelFolds(int dim, int actions, float[][] mean, float[][] scale, float[] rewardMean, float[] rewardScale,
                     float[][][] weights, float[][][] biases) {
        this.dim = dim;
        this.actions = actions;
        this.mean = mean;
        this.scale = scale;
        this.rewardMean = rewardMean;
        this.rewardScale = rewardScale;
        this.weights = weights;
        this.biases = biases;
        int w = Math.max(dim, actions);
        for (float[] b : biases[0]) {
            w = Math.max(w, b.length);
        }
        this.widest = w;
    }

    /** The number of folds (models). */
    public int folds() {
        return mean.length;
    }

    /** The context width. */
    public int dim() {
        return dim;
    }

    /** The number of actions (outputs). */
    public int actions() {
        return actions;
    }

    /** A scratch array for {@link #predict}, to reuse across calls on one thread. */
    public double[] scratch() {
        return new double[2 * widest];
    }

    /**
     * Writes {@code q(x, a)} for every action of the context at {@code x[from .. from + dim)}, by
     * fold {@code fold}'s model, to {@code out[to .. to + actions)}. Allocates nothing.
     *
     * @param scratch from {@link #scratch()}
     */
    public void predict(int fold, float[] x, int from, double[] scratch, double[] out, int to) {
        int half = scratch.length / 2;
        int in = dim;
        int at = 0;
        for (int j = 0; j < dim; j++) {
            scratch[j] = (x[from + j] - mean[fold][j]) / scale[fold][j];
        }
        float[][] w = weights[fold];
        float[][] b = biases[fold];
        for (int layer = 0; layer < w.length; layer++) {
            int outs = b[layer].length;
            int next = half - at;
            boolean last = layer == w.length - 1;
            for (int o = 0; o < outs; o++) {
                double s = b[layer][o];
                int row = o * in;
                for (int i = 0; i < in; i++) {
                    s += (double) w[layer][row + i] * scratch[at + i];
                }
                scratch[next + o] = last || s > 0 ? s : 0;
            }
            at = next;
            in = outs;
        }
        for (int a = 0; a < actions; a++) {
            out[to + a] = scratch[at + a] * rewardScale[fold] + rewardMean[fold];
        }
    }
}
