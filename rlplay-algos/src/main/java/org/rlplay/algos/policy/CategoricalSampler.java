package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.rlplay.algos.state.Resumable;
import org.rlplay.algos.state.ResumableRandom;

/**
 * Draws one action per env from (N, n) float32 logits on the host: a categorical sample from
 * {@code softmax(logits)} with a seeded generator, or the argmax when greedy. One zero-copy read of
 * the logits, no allocation. Its state is the generator's position ({@link Resumable}). Owned by
 * one actor; not thread-safe.
 */
public final class CategoricalSampler implements Resumable {
    private final int numActions;
    private final ResumableRandom rng;
    private final boolean greedy;
    private final double[] scratch;

    /**
     * @param numActions n, at least 1
     * @param seed       seed of the generator
     * @param greedy     take the argmax instead of sampling (evaluation)
     */
    public CategoricalSampler(int numActions, long seed, boolean greedy) {
        if (numActions < 1) {
            throw new IllegalArgumentException("numActions must be >= 1, got " + numActions);
        }
        this.numActions = numActions;
        this.rng = new ResumableRandom(seed);
        this.greedy = greedy;
        this.scratch = new double[numActions];
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        rng.saveState(out);
    }

    @Override
    public void restoreState(DataInput in) throws IOException {
        rng.restoreState(in);
    }

    /**
     * Checks that {@code logits} are float32 of shape (numEnvs, n).
     *
     * @throws IllegalStateException naming the expected and the actual type and shape
     */
    public void check(NDArray logits, int numEnvs) {
        if (logits.getDataType() != DataType.FLOAT32 || logits.size() != (long) numEnvs * numActions) {
            throw new IllegalStateException("policy output: expected float32 logits of shape (" + numEnvs + ", "
                    + numActions + "), got " + logits.getDataType() + " " + logits.getShape());
        }
    }

    /** Writes the action of each of the {@code numEnvs} envs into {@code act[0 .. numEnvs)}. */
    public void sample(NDArray logits, int[] act, int numEnvs) {
        ByteBuffer data = logits.toByteBuffer(true);
        for (int j = 0; j < numEnvs; j++) {
            int base = 4 * j * numActions;
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < numActions; a++) {
                double l = data.getFloat(base + 4 * a);
                scratch[a] = l;
                if (l > max) {
                    max = l;
                    best = a;
                }
            }
            if (greedy) {
                act[j] = best;
                continue;
            }
            double total = 0;
            for (int a = 0; a < numActions; a++) {
                scratch[a] = Math.exp(scratch[a] - max);
                total += scratch[a];
            }
            double u = rng.nextDouble() * total;
            int choice = numActions - 1;
            for (int a = 0; a < numActions; a++) {
                u -= scratch[a];
                if (u < 0) {
                    choice = a;
                    break;
                }
            }
            act[j] = choice;
        }
    }
}
