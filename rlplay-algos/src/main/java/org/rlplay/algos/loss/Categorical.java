package org.rlplay.algos.loss;

import ai.djl.ndarray.NDArray;

/**
 * The categorical distribution over the last axis of a logits array, for discrete-action policies.
 *
 * <p>Shapes: {@code logits} is {@code (..., A)} with A actions; {@code actions} is {@code (...)}, the
 * logits' shape without its last axis, holding integer action indices in 0..A-1 (e.g.
 * {@code fragment.act(manager).get("1:")} for a (T, N) batch of {@code Discrete} actions, next to
 * logits computed from {@code obs[:T]}). Results are created in the logits' manager and stay in the
 * autograd graph of the logits. Stateless.
 */
public final class Categorical {
    private Categorical() {
    }

    /** {@code log softmax(logits)} over the last axis: {@code (..., A)}. */
    public static NDArray logProbs(NDArray logits) {
        return logits.logSoftmax(lastAxis(logits));
    }

    /**
     * {@code log p(a) = logits[..., a] - logsumexp(logits[...])} for each action: {@code (...)}.
     *
     * @throws IllegalArgumentException if {@code actions} is not shaped as the logits without their
     *     last axis
     */
    public static NDArray logProb(NDArray logits, NDArray actions) {
        int axis = lastAxis(logits);
        if (!actions.getShape().equals(logits.getShape().slice(0, axis))) {
            throw new IllegalArgumentException("actions: expected shape " + logits.getShape().slice(0, axis)
                    + " (the logits' " + logits.getShape() + " without the last axis), got " + actions.getShape());
        }
        try (NDArray index = actions.expandDims(axis)) {
            return logits.logSoftmax(axis).gather(index, axis).squeeze(axis);
        }
    }

    /** Entropy {@code H = -sum_a p(a) log p(a)} over the last axis: {@code (...)}. */
    public static NDArray entropy(NDArray logits) {
        int axis = lastAxis(logits);
        NDArray logP = logits.logSoftmax(axis);
        return logP.exp().mul(logP).sum(new int[] {axis}).neg();
    }

    private static int lastAxis(NDArray logits) {
        int d = logits.getShape().dimension();
        if (d < 1) {
            throw new IllegalArgumentException("logits: expected at least one axis (actions), got a scalar");
        }
        return d - 1;
    }
}
