package org.rlplay.algos.ope;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.Column;

/**
 * A policy's probabilities of the actions a fragment logged: for a {@code Discrete} action space,
 * {@code out[t * N + j] = pi(act[t+1, j] | obs[t, j])} for every transition t in 0..T-1 of every env
 * j (the action taken at record t is stored at record t+1, DESIGN.md section 2).
 *
 * <p>The behaviour policy's probabilities usually come from the actor info it recorded
 * ({@link #fromInfoProbabilities}, {@link #fromInfoLogits}); a target policy's from its network
 * ({@link #fromLogitsBlock}) or any function of the observation. Called on the evaluating thread.
 */
@FunctionalInterface
public interface ActionProbabilities {

    /** Writes the probability of each logged action of {@code f} into {@code out} (T*N elements). */
    void taken(Fragment f, double[] out);

    /**
     * Reads an actor info column of per-action probabilities, shaped (T+1, N, n) float32: record t
     * holds the probabilities the actor acted with at obs[t].
     */
    static ActionProbabilities fromInfoProbabilities(String column) {
        return (f, out) -> {
            Column c = f.actorInfo(column);
            int n = f.numEnvs();
            for (int t = 0; t < f.length(); t++) {
                for (int j = 0; j < n; j++) {
                    out[t * n + j] = c.getFloat(t, j, (int) f.act(t + 1, j, 0));
                }
            }
        };
    }

    /**
     * Reads an actor info column of per-action logits, shaped (T+1, N, n) float32 (what
     * {@code CategoricalActor} records as {@code "logits"}), and applies the softmax.
     */
    static ActionProbabilities fromInfoLogits(String column) {
        return (f, out) -> {
            Column c = f.actorInfo(column);
            int actions = c.width();
            int n = f.numEnvs();
            for (int t = 0; t < f.length(); t++) {
                for (int j = 0; j < n; j++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int a = 0; a < actions; a++) {
                        max = Math.max(max, c.getFloat(t, j, a));
                    }
                    double total = 0;
                    for (int a = 0; a < actions; a++) {
                        total += Math.exp(c.getFloat(t, j, a) - max);
                    }
                    out[t * n + j] = Math.exp(c.getFloat(t, j, (int) f.act(t + 1, j, 0)) - max) / total;
                }
            }
        };
    }

    /**
     * Runs {@code block}, a network mapping observations (B, ...) to logits (B, n), on
     * obs[0..T-1] of each fragment (in a sub-scope of {@code manager}, closed after each fragment;
     * no gradient) and applies the softmax.
     */
    static ActionProbabilities fromLogitsBlock(Block block, NDManager manager) {
        ParameterStore parameters = new ParameterStore(manager, false);
        return (f, out) -> {
            try (NDManager scope = manager.newSubManager()) {
                NDArray obs = f.obs(scope).get(":-1");                      // (T, N, ...)
                long rows = (long) f.length() * f.numEnvs();
                NDArray flat = obs.reshape(new Shape(rows).addAll(obs.getShape().slice(2)));
                NDArray logits = block.forward(parameters, new NDList(flat), false).singletonOrThrow();
                NDArray probs = logits.softmax(-1);
                ByteBuffer p = probs.toType(DataType.FLOAT32, false).toByteBuffer(true);
                int actions = (int) probs.getShape().get(1);
                int n = f.numEnvs();
                for (int t = 0; t < f.length(); t++) {
                    for (int j = 0; j < n; j++) {
                        int row = t * n + j;
                        out[row] = p.getFloat(4 * (row * actions + (int) f.act(t + 1, j, 0)));
                    }
                }
            }
        };
    }
}
