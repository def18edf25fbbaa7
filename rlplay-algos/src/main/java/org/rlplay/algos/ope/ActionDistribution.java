package org.rlplay.algos.ope;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;

/**
 * A policy's whole action distribution at any observation, for the estimators that need more than
 * the probability of the logged action: the doubly robust ones and fitted-Q evaluation take the
 * target's expectation {@code V(x) = sum_a pi(a|x) Q(x, a)} at every logged state and at the final
 * observation of a truncated episode. For a {@code Discrete(K)} action space.
 *
 * <p>Called on the evaluating thread, in batches; an implementation may keep scratch state but must
 * not keep the arrays it is handed.
 */
@FunctionalInterface
public interface ActionDistribution {

    /**
     * Writes {@code pi(a | x_r)} into {@code out[r * K + a]} for the {@code rows} observations
     * {@code x_r = observations[r * size .. (r + 1) * size)}, {@code size} the observation size
     * (float features; integer observations as their float values).
     */
    void probabilities(float[] observations, int rows, double[] out);

    /**
     * Runs {@code block}, a network mapping observations (B, size) to logits (B, K), and applies
     * the softmax; in a sub-scope of {@code manager} closed after each call, no gradient.
     */
    static ActionDistribution fromLogitsBlock(Block block, int size, NDManager manager) {
        ParameterStore parameters = new ParameterStore(manager, false);
        return (observations, rows, out) -> {
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(FloatBuffer.wrap(observations, 0, rows * size), new Shape(rows, size));
                NDArray probs = block.forward(parameters, new NDList(x), false).singletonOrThrow().softmax(-1);
                float[] p = probs.toType(DataType.FLOAT32, false).toFloatArray();
                for (int i = 0; i < p.length; i++) {
                    out[i] = p[i];
                }
            }
        };
    }
}
