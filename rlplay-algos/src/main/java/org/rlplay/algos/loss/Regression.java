package org.rlplay.algos.loss;

import ai.djl.ndarray.NDArray;

/**
 * Regression losses of predictions towards fixed targets (value and Q-function fits). Both
 * arguments must have the same shape (no silent broadcasting of a (B, 1) against a (B)); the targets
 * are detached, so gradients flow only into the predictions. The result is a scalar (mean over all
 * elements) in the predictions' manager. Stateless.
 */
public final class Regression {
    private Regression() {
    }

    /** {@code 0.5 * mean((predictions - targets)^2)}. */
    public static NDArray halfSquaredError(NDArray predictions, NDArray targets) {
        Shapes.requireSame("targets", targets, "predictions", predictions);
        return Scale.by(predictions.sub(targets.stopGradient()).square().mean(), 0.5f);
    }

    /**
     * Huber loss, mean over elements: with {@code e = predictions - targets},
     * <pre>
     *   l(e) = 0.5 e^2                     if |e| &lt;= delta
     *        = delta * (|e| - 0.5 delta)   otherwise
     * </pre>
     * (torch's {@code huber_loss}; {@code delta = 1} is {@code smooth_l1_loss}).
     *
     * @param delta the threshold between the quadratic and the linear part, &gt; 0
     */
    public static NDArray huber(NDArray predictions, NDArray targets, float delta) {
        if (!(delta > 0)) {
            throw new IllegalArgumentException("delta must be > 0, got " + delta);
        }
        Shapes.requireSame("targets", targets, "predictions", predictions);
        NDArray abs = predictions.sub(targets.stopGradient()).abs();
        NDArray quadratic = abs.clip(0f, delta);
        NDArray linear = abs.sub(quadratic);
        return Scale.by(quadratic.square(), 0.5f).add(Scale.by(linear, delta)).mean();
    }
}
