package org.rlplay.algos.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Target-network updates between two blocks of the same architecture (built by the same code, so
 * their {@link Block#getParameters()} list the same names and shapes in the same order):
 * <pre>
 *   hard:   theta_target = theta_online
 *   Polyak: theta_target = tau * theta_online + (1 - tau) * theta_target
 * </pre>
 * Both write the target's parameter arrays in place (the arrays and the target block stay the same
 * objects) with PyTorch's grad mode off on the calling thread for the duration of the update
 * (restored after): no autograd history is recorded, no gradient ever flows from the target into
 * the online block, the target's parameters stay leaves, and the update works whether or not a
 * {@code GradientCollector} is open (in-place writes to leaves that require gradients are refused
 * in grad mode). The online block is only read. Call from the training loop's thread,
 * not while a collector thread runs a forward pass on the target block. Stateless.
 */
public final class TargetNetworks {
    private TargetNetworks() {
    }

    /** Copies every parameter of {@code online} into {@code target}. */
    public static void hardUpdate(Block online, Block target) {
        ParameterList src = online.getParameters();
        ParameterList dst = target.getParameters();
        checkPair(online, target, src, dst);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int i = 0; i < src.size(); i++) {
                src.valueAt(i).getArray().copyTo(dst.valueAt(i).getArray());
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /**
     * Moves {@code target} towards {@code online}: {@code target = tau * online + (1 - tau) * target}.
     *
     * @param tau the step, in [0, 1]: 1 is a hard update, 0 leaves the target unchanged
     */
    public static void polyakUpdate(Block online, Block target, float tau) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau must be in [0, 1], got " + tau);
        }
        ParameterList src = online.getParameters();
        ParameterList dst = target.getParameters();
        checkPair(online, target, src, dst);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int i = 0; i < src.size(); i++) {
                NDArray to = dst.valueAt(i).getArray();
                to.muli(1f - tau);
                try (NDArray step = src.valueAt(i).getArray().mul(tau)) {
                    to.addi(step);
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static void checkPair(Block online, Block target, ParameterList src, ParameterList dst) {
        if (online == target) {
            throw new IllegalArgumentException("target: the target block must be a separate copy of the online block");
        }
        if (src.size() != dst.size()) {
            throw new IllegalArgumentException("target: has " + dst.size() + " parameters, the online block has "
                    + src.size() + " " + src.keys());
        }
        for (int i = 0; i < src.size(); i++) {
            Parameter p = src.valueAt(i);
            Parameter q = dst.valueAt(i);
            if (!src.keyAt(i).equals(dst.keyAt(i))) {
                throw new IllegalArgumentException("target: parameter " + i + " is '" + dst.keyAt(i)
                        + "', the online block's is '" + src.keyAt(i) + "'");
            }
            if (!p.isInitialized() || !q.isInitialized()) {
                throw new IllegalArgumentException((p.isInitialized() ? "target" : "online") + ": parameter '"
                        + src.keyAt(i) + "' is not initialised");
            }
            NDArray a = p.getArray();
            NDArray b = q.getArray();
            if (a == b) {
                throw new IllegalArgumentException("target: parameter '" + src.keyAt(i)
                        + "' shares its array with the online block");
            }
            if (!a.getShape().equals(b.getShape()) || a.getDataType() != b.getDataType()) {
                throw new IllegalArgumentException("target: parameter '" + src.keyAt(i) + "' is " + b.getDataType()
                        + " " + b.getShape() + ", the online block's is " + a.getDataType() + " " + a.getShape());
            }
        }
    }
}
