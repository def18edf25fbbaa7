package org.rlplay.algos.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The clipped surrogate objective of PPO (Schulman et al. 2017) and its diagnostics. With the
 * probability ratio {@code r = exp(logProb - oldLogProb)} between the policy being trained and the
 * policy that collected the data:
 * <pre>
 *   L_clip = -mean(min(r * A, clip(r, 1 - eps, 1 + eps) * A))
 * </pre>
 * {@code oldLogProb} (from the collecting actor, e.g. recomputed from the fragment's logits info)
 * and the advantages {@code A} are detached; gradients flow only through {@code logProb}. All
 * per-sample arrays share one shape. Results are scalars in the manager of {@code logProb}.
 * Stateless.
 */
public final class ClippedSurrogate {
    private ClippedSurrogate() {
    }

    /** The clipped surrogate loss {@code L_clip} (to minimise). */
    public static NDArray loss(NDArray logProb, NDArray oldLogProb, NDArray advantages, float clipEps) {
        checkEps(clipEps);
        Shapes.requireSame("oldLogProb", oldLogProb, "logProb", logProb);
        Shapes.requireSame("advantages", advantages, "logProb", logProb);
        NDArray adv = advantages.stopGradient();
        NDArray ratio = logProb.sub(oldLogProb.stopGradient()).exp();
        NDArray unclipped = ratio.mul(adv);
        NDArray clipped = ratio.clip(1f - clipEps, 1f + clipEps).mul(adv);
        return unclipped.minimum(clipped).mean().neg();
    }

    /**
     * The estimate {@code mean((r - 1) - log r)} of KL(old || new) (Schulman's k3), detached: a
     * diagnostic for early stopping of the epochs.
     */
    public static NDArray approxKl(NDArray logProb, NDArray oldLogProb) {
        Shapes.requireSame("oldLogProb", oldLogProb, "logProb", logProb);
        NDArray logRatio = logProb.stopGradient().sub(oldLogProb.stopGradient());
        return logRatio.exp().sub(1f).sub(logRatio).mean();
    }

    /** The fraction of samples whose ratio lies outside {@code [1 - eps, 1 + eps]}, detached. */
    public static NDArray clipFraction(NDArray logProb, NDArray oldLogProb, float clipEps) {
        checkEps(clipEps);
        Shapes.requireSame("oldLogProb", oldLogProb, "logProb", logProb);
        NDArray ratio = logProb.stopGradient().sub(oldLogProb.stopGradient()).exp();
        return ratio.sub(1f).abs().gt(clipEps).toType(DataType.FLOAT32, false).mean();
    }

    private static void checkEps(float clipEps) {
        if (!(clipEps > 0 && clipEps < 1)) {
            throw new IllegalArgumentException("clipEps must be in (0, 1), got " + clipEps);
        }
    }
}
