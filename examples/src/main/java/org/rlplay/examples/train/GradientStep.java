package org.rlplay.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.rlplay.algos.optim.Adam;
import org.rlplay.algos.state.Resumable;

/**
 * One optimizer step over the trainable parameters of {@link Networks}, after
 * {@code gradientCollector.backward(loss)}: reads each parameter's gradient, rescales all of them
 * together when their global L2 norm exceeds {@code maxGradNorm} (as {@code clip_grad_norm_} does),
 * applies {@link Adam} (numerically DJL's), and closes the gradients (the next backward pass
 * starts from zero).
 *
 * <p>The learning rate is the base rate times an optional schedule factor read at every step (the
 * linear annealing of {@link Run#adam(float, boolean, float, float)}), or what
 * {@link #learningRate(float)} last set. The step count and Adam's moment estimates are this
 * object's state ({@link Resumable}): a checkpoint saves them and a resumed run restores them, so
 * the optimizer continues exactly. Used by the training loop's thread only.
 */
public final class GradientStep implements Resumable {
    private final Adam adam;
    private final List<Parameter> parameters;
    private final NDArray[] grads;
    private final float maxGradNorm;
    private final DoubleSupplier schedule;
    private float learningRate;

    /**
     * @param networks     whose trainable parameters to update
     * @param learningRate base learning rate, &gt; 0
     * @param schedule     factor of the base rate at each step, read then (e.g. decaying to 0 over the
     *                     budget), or {@code null} for a constant rate
     * @param epsilon      Adam's epsilon, &gt; 0
     * @param maxGradNorm  global gradient-norm clip, &gt; 0, or {@code Float.POSITIVE_INFINITY} for none
     */
    public GradientStep(Networks networks, float learningRate, DoubleSupplier schedule, float epsilon,
                        float maxGradNorm) {
        this(networks.trainable(), learningRate, schedule, epsilon, maxGradNorm);
    }

    /**
     * As {@link #GradientStep(Networks, float, DoubleSupplier, float, float)}, over the given parameters
     * only (for algorithms with one optimizer per network, such as SAC's actor and critics).
     */
    public GradientStep(List<Parameter> parameters, float learningRate, DoubleSupplier schedule, float epsilon,
                        float maxGradNorm) {
        if (!(learningRate > 0) || !(epsilon > 0) || !(maxGradNorm > 0)) {
            throw new IllegalArgumentException("optimizer: need lr > 0, eps > 0 and max_grad_norm > 0, got lr="
                    + learningRate + " eps=" + epsilon + " max_grad_norm=" + maxGradNorm);
        }
        this.learningRate = learningRate;
        this.schedule = schedule;
        this.maxGradNorm = maxGradNorm;
        this.parameters = List.copyOf(parameters);
        this.grads = new NDArray[this.parameters.size()];
        this.adam = Adam.of(this.parameters, epsilon);
    }

    /** Sets the base learning rate used from the next step on. */
    public void learningRate(float lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        this.learningRate = lr;
    }

    /**
     * Clips and applies the gradients left by the last backward pass, then closes them.
     *
     * @return the global gradient norm before clipping
     * @throws IllegalStateException naming the first parameter with a non-finite gradient, if the norm is not finite
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
                throw new IllegalStateException("gradient norm is " + norm + " at optimizer step " + steps()
                        + (firstNonFinite < 0 ? "" : ", first in parameter " + describe(parameters.get(firstNonFinite)))
                        + ": the loss diverged (try a lower lr) or saw a non-finite input");
            }
            if (norm > maxGradNorm) {
                float scale = maxGradNorm / (norm + 1e-6f);
                for (NDArray g : grads) {
                    g.muli(scale);
                }
            }
            float lr = schedule == null ? learningRate : learningRate * (float) schedule.getAsDouble();
            adam.step(grads, lr);
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
        return adam.steps();
    }

    /** Saves Adam's step count and moments (the learning rate is the loop's to set). */
    @Override
    public void saveState(DataOutput out) throws IOException {
        adam.saveState(out);
    }

    @Override
    public void restoreState(DataInput in) throws IOException {
        adam.restoreState(in);
    }
}
