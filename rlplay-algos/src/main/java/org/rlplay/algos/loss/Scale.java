package org.rlplay.algos.loss;

import ai.djl.ndarray.NDArray;

/**
 * Multiplication by a constant for arrays inside an autograd graph.
 *
 * <p>DJL 0.35's PyTorch engine computes {@code x.mul(Number)} (likewise {@code div}, {@code pow},
 * {@code maximum} and {@code minimum} with a {@code Number}) by wrapping the constant in a scalar
 * array over a fresh direct buffer and closing that array as soon as the forward operation returns.
 * The autograd graph still holds the scalar, because the backward pass of those operations reads it.
 * Once the garbage collector frees the direct buffer, backward reads freed memory: the gradient is
 * then silently wrong, and now and then NaN or infinite, depending on GC timing. {@link #by} creates
 * the constant in the manager of {@code x} instead, so it lives until that manager is closed, which
 * a training loop does after the backward pass.
 *
 * <p>Use it for every constant factor between a forward pass and {@code backward}; outside a
 * gradient collector the {@code Number} overloads are safe. Stateless.
 */
public final class Scale {
    private Scale() {
    }

    /** {@code c * x}, with the constant {@code c} kept alive in the manager of {@code x}. */
    public static NDArray by(NDArray x, float c) {
        return x.mul(x.getManager().create(c));
    }
}
