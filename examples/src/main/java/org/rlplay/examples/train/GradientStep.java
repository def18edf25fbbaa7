package org.rlplay.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;

/**
 * One optimizer step over the trainable parameters of {@link Networks}, after
 * {@code gradientCollector.backward(loss)}: reads each parameter's gradient, rescales all of them
 * together when their global L2 norm exceeds {@code maxGradNorm} (as {@code clip_grad_norm_} does),
 * and applies DJL's Adam ({@code Optimizer.update(id, weight, grad)}, which also zeroes the
 * gradient). Counts the steps taken, which checkpoints save.
 *
 * <p>The learning rate is read at every step, so schedules set it with {@link #learningRate(float)}.
 * Adam's moment estimates live next to the weights; a resumed run starts them afresh (Adam's bias
 * correction makes that harmless). Used by the training loop's thread only.
 */
public final class GradientStep {
    private final Optimizer optimizer;
    private final List<Parameter> parameters;
    private final NDArray[] grads;
    private final float maxGradNorm;
    private float learningRate;
    private long steps;

    /**
     * @param networks     whose trainable parameters to update
     * @param learningRate initial learning rate, &gt; 0
     * @param epsilon      Adam's epsilon, &gt; 0
     * @param maxGradNorm  global gradient-norm clip, &gt; 0, or {@code Float.POSITIVE_INFINITY} for none
     * @param stepsDone    steps taken before (a resumed run), &gt;= 0
     */
    public GradientStep(Networks networks, float learningRate, float epsilon, float maxGradNorm, long stepsDone) {
        this(networks.trainable(), learningRate, epsilon, maxGradNorm, stepsDone);
    }

    /**
     * As {@link #GradientStep(Networks, float, float, float, long)}, over the given parameters only
     * (for algorithms with one optimizer per network, such as SAC's actor and critics).
     */
    public GradientStep(List<Parameter> parameters, float learningRate, float epsilon, float maxGradNorm,
                        long stepsDone) {
        if (!(learningRate > 0) || !(epsilon > 0) || !(maxGradNorm > 0) || stepsDone < 0) {
            throw new IllegalArgumentException("optimizer: need lr > 0, eps > 0, max_grad_norm > 0 and steps >= 0, got lr="
                    + learningRate + " eps=" + epsilon + " max_grad_norm=" + maxGradNorm + " steps=" + stepsDone);
        }
        this.learningRate = learningRate;
        this.maxGradNorm = maxGradNorm;
        this.steps = stepsDone;
        this.parameters = List.copyOf(parameters);
        this.grads = new NDArray[parameters.size()];
        Tracker rate = numUpdate -> this.learningRate;
        this.optimizer = Optimizer.adam().optLearningRateTracker(rate).optEpsilon(epsilon).build();
    }

    /** Sets the learning rate used from the next step on (e.g. linear annealing). */
    public void learningRate(float lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        this.learningRate = lr;
    }

    /**
     * Clips and applies the gradients left by the last backward pass, then zeroes them.
     *
     * @return the global gradient norm before clipping
     */
    public float step() {
        try {
            double sumSquares = 0;
            int firstNonFinite = -1;
            for (int i = 0; i < grads.length; i++) {
                grads[i] = parameters.get(i).getArray().getGradient();
                try (NDArray sq = grads[i].square(); NDArray s = sq.sum()) {
                    float term = s.getFloat();
                    if (!Float.isFinite(term) && firstNonFinite < 0) {
                        firstNonFinite = i;
                    }
                    sumSquares += term;
                }
            }
            float norm = (float) Math.sqrt(sumSquares);
            if (!Float.isFinite(norm)) {
                throw new IllegalStateException("gradient norm is " + norm + " at optimizer step " + steps
                        + (firstNonFinite < 0 ? "" : ", first in parameter " + describe(parameters.get(firstNonFinite)))
                        + ": the loss diverged (try a lower lr) or saw a non-finite input");
            }
            if (norm > maxGradNorm) {
                float scale = maxGradNorm / (norm + 1e-6f);
                for (NDArray g : grads) {
                    g.muli(scale);
                }
            }
            for (int i = 0; i < grads.length; i++) {
                Parameter p = parameters.get(i);
                optimizer.update(p.getId(), p.getArray(), grads[i]);
            }
            steps++;
            return norm;
        } finally {
            for (int i = 0; i < grads.length; i++) {
                if (grads[i] != null) {
                    grads[i].close();
                    grads[i] = null;
                }
            }
        }
    }

    private static String describe(Parameter p) {
        return p.getName() + " " + p.getArray().getShape();
    }

    /** Optimizer steps taken, including those before a resume. */
    public long steps() {
        return steps;
    }
}
