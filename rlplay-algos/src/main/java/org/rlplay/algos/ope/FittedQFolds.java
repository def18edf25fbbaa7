package org.rlplay.algos.ope;

import java.io.Serializable;

/**
 * The k cross-fitting members of a {@link FittedQEvaluation} as plain arrays: the observation
 * standardisation, the value unit and clip range, and each member's dense layers (ReLU between).
 * {@link #score} gives one step's {@code Q(s, a)} and {@code sum_a pi(a|s) Q(s, a)} from one fold's
 * member in plain Java (sums in double), so the same folds give bit-identical predictions on any
 * JVM and thread: {@link FittedQEvaluation#crossFitted()} is scored with it, and a distributed job
 * that ships these folds scores each step with its episode's fold and gets the single-JVM values.
 *
 * <p>Immutable and {@link Serializable}; any thread may call {@link #score} with its own scratch.
 */
public final class FittedQFolds implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int size;
    private final int actions;
    private final float[] mean;
    private final float[] scale;
    private final double qScale;
    private final float lowest;
    private final float highest;
    /** [fold][layer]: row-major (in x out) weights and out biases. */
    private final float[][][] weights;
    private final float[][][] biases;
    private final int widest;

    FittedQFolds(int size, int actions, float[] mean, float[] scale, double qScale, float lowest, float highest,
                 float[][][] weights, float[][][] biases) {
        this.size = size;
        this.actions = actions;
        this.mean = mean;
        this.scale = scale;
        this.qScale = qScale;
        this.lowest = lowest;
        this.highest = highest;
        this.weights = weights;
        this.biases = biases;
        int w = Math.max(size, actions);
        for (float[] b : biases[0]) {
            w = Math.max(w, b.length);
        }
        this.widest = w;
    }

    /** The number of folds. */
    public int folds() {
        return weights.length;
    }

    /** A scratch array for {@link #score}, to reuse across calls on one thread. */
    public double[] scratch() {
        return new double[2 * widest];
    }

    /**
     * Writes fold {@code fold}'s {@code Q(s, a)} to {@code out[at]} and {@code sum_b pi(b|s) Q(s, b)}
     * to {@code out[at + 1]}, for the raw observation {@code obs[from .. from + size)} and the target's
     * probabilities {@code pi[piFrom .. piFrom + K)}. Allocates nothing.
     *
     * @param scratch from {@link #scratch()}
     */
    public void score(int fold, float[] obs, int from, double[] pi, int piFrom, int a, double[] scratch, double[] out,
                      int at) {
        int half = scratch.length / 2;
        for (int j = 0; j < size; j++) {
            scratch[j] = (obs[from + j] - mean[j]) / scale[j];
        }
        float[][] w = weights[fold];
        float[][] b = biases[fold];
        int in = size;
        int cur = 0;
        for (int layer = 0; layer < w.length; layer++) {
            int outs = b[layer].length;
            int next = half - cur;
            boolean last = layer == w.length - 1;
            for (int o = 0; o < outs; o++) {
                double s = b[layer][o];
                for (int i = 0; i < in; i++) {
                    s += (double) w[layer][i * outs + o] * scratch[cur + i];
                }
                scratch[next + o] = last ? Math.min(Math.max(s, lowest), highest) : Math.max(s, 0);
            }
            cur = next;
            in = outs;
        }
        double v = 0;
        for (int c = 0; c < actions; c++) {
            v += pi[piFrom + c] * scratch[cur + c];
        }
        out[at] = scratch[cur + a] * qScale;
        out[at + 1] = v * qScale;
    }
}
