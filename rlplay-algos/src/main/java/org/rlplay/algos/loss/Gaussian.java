package org.rlplay.algos.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * The diagonal Gaussian distribution over the last axis, for continuous-action policies, and the
 * change of variables of tanh squashing.
 *
 * <p>Shapes: {@code mean}, {@code logStd} and the values {@code x} (or pre-squash values
 * {@code u}) are {@code (..., D)} for D action dimensions, all the same shape; results sum over the
 * last axis and are {@code (...)}. With {@code std = exp(logStd)}:
 * <pre>
 *   log N(x; mean, std)  = sum_i [ -0.5 ((x_i - mean_i) / std_i)^2 - logStd_i - 0.5 log(2 pi) ]
 *   H(N(mean, std))      = sum_i [ 0.5 + 0.5 log(2 pi) + logStd_i ]
 *   a = tanh(u):  log p(a) = log N(u; mean, std) - sum_i log(1 - tanh(u_i)^2)
 *   log(1 - tanh(u)^2)   = 2 (log 2 - u - softplus(-2 u))            (no cancellation for large |u|)
 * </pre>
 * An action rescaled to a box, {@code y = bias + scale * tanh(u)}, has in addition
 * {@code -sum_i log(scale_i)}, a constant that moves no gradient (see {@link #logScale}).
 *
 * <p>Results are created in the manager of the first argument and stay in the autograd graph of
 * every argument (pass {@code x.stopGradient()} where the sample must not carry gradient, e.g. PPO's
 * stored actions; keep it for reparameterised samples, e.g. SAC's). Constant factors go through
 * {@link Scale#by}. Stateless.
 */
public final class Gaussian {
    /** {@code 0.5 * log(2 pi)}. */
    public static final float HALF_LOG_TWO_PI = (float) (0.5 * Math.log(2 * Math.PI));
    private static final float LOG_TWO = (float) Math.log(2);

    private Gaussian() {
    }

    /**
     * {@code log N(x; mean, exp(logStd))} summed over the last axis: {@code (...)}.
     *
     * @throws IllegalArgumentException if the three shapes differ or are scalars
     */
    public static NDArray logProb(NDArray mean, NDArray logStd, NDArray x) {
        int axis = lastAxis("mean", mean);
        Shapes.requireSame("logStd", logStd, "mean", mean);
        Shapes.requireSame("x", x, "mean", mean);
        NDArray z = x.sub(mean).mul(logStd.neg().exp());
        return Scale.by(z.square(), -0.5f).sub(logStd).sub(HALF_LOG_TWO_PI).sum(new int[] {axis});
    }

    /**
     * The entropy of {@code N(mean, exp(logStd))}, summed over the last axis: {@code (...)}. Depends on
     * {@code logStd} only. (The squashed distribution has no closed-form entropy; SAC estimates it
     * with {@code -log p} of samples.)
     */
    public static NDArray entropy(NDArray logStd) {
        int axis = lastAxis("logStd", logStd);
        return logStd.add(0.5f + HALF_LOG_TWO_PI).sum(new int[] {axis});
    }

    /**
     * {@code sum_i log(1 - tanh(u_i)^2)} over the last axis, {@code (...)}: the log-determinant of the
     * Jacobian of {@code tanh}, computed as {@code 2 (log 2 - u - softplus(-2 u))}, exact where
     * {@code 1 - tanh(u)^2} underflows.
     */
    public static NDArray tanhLogJacobian(NDArray u) {
        int axis = lastAxis("u", u);
        NDArray softplus = Activation.softPlus(Scale.by(u, -2f));
        return Scale.by(u.neg().sub(softplus).add(LOG_TWO), 2f).sum(new int[] {axis});
    }

    /**
     * The log-density of {@code a = tanh(u)} with {@code u ~ N(mean, exp(logStd))}, at the
     * pre-squash value {@code u}: {@code logProb(mean, logStd, u) - tanhLogJacobian(u)}, {@code (...)}.
     * Subtract {@link #logScale} for the density of a rescaled action.
     */
    public static NDArray squashedLogProb(NDArray mean, NDArray logStd, NDArray u) {
        return logProb(mean, logStd, u).sub(tanhLogJacobian(u));
    }

    /**
     * {@code sum_i log(scale_i)}, the log-determinant of the affine map {@code y = bias + scale * a}
     * (to subtract from a log-density of {@code a} for one of {@code y}).
     *
     * @throws IllegalArgumentException if a scale is not finite and positive
     */
    public static float logScale(float[] scale) {
        double sum = 0;
        for (int i = 0; i < scale.length; i++) {
            if (!(scale[i] > 0) || Float.isInfinite(scale[i])) {
                throw new IllegalArgumentException("scale[" + i + "]: expected a finite value > 0, got " + scale[i]);
            }
            sum += Math.log(scale[i]);
        }
        return (float) sum;
    }

    private static int lastAxis(String field, NDArray a) {
        int d = a.getShape().dimension();
        if (d < 1) {
            throw new IllegalArgumentException(field + ": expected at least one axis (action dimensions), got a scalar");
        }
        return d - 1;
    }
}
