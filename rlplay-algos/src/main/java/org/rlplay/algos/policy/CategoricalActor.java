package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.ActionBatch;

/**
 * A stateless actor for {@code Discrete(n)} action spaces driven by a DJL block that maps
 * observations (N, ...) to logits (N, n).
 *
 * <p>Per step: one forward pass in the step's scope, one zero-copy read of the logits, and the
 * categorical sample (or the argmax, when greedy) drawn on the host with a seeded generator and
 * written straight into the action batch. Info: {@code "logits"}, (N, n) float32, so learners can
 * recompute behaviour log-probabilities (PPO ratios, V-trace, off-policy evaluation).
 *
 * <p>The block is shared with the learner in {@code same} mode (the actor sees weight updates
 * immediately); it is read, never trained, here. Not thread-safe: one collector at a time.
 */
public final class CategoricalActor implements Actor {
    private final Block policy;
    private final int numActions;
    private final SplittableRandom rng;
    private final boolean greedy;
    private final double[] scratch;
    private final ParameterStore parameters;

    /**
     * @param policy     block mapping (N, ...) observations to (N, numActions) logits, already initialised
     * @param numActions n
     * @param seed       seed of the action sampler
     * @param greedy     take the argmax instead of sampling (evaluation)
     */
    public CategoricalActor(Block policy, int numActions, long seed, boolean greedy) {
        if (numActions < 1) {
            throw new IllegalArgumentException("numActions must be >= 1, got " + numActions);
        }
        this.policy = policy;
        this.numActions = numActions;
        this.rng = new SplittableRandom(seed);
        this.greedy = greedy;
        this.scratch = new double[numActions];
        this.parameters = new ParameterStore(policy.getParameters().valueAt(0).getArray().getManager(), false);
    }

    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        NDArray logits = policy.forward(parameters, new NDList(in.obs()), false).singletonOrThrow();
        int n = in.numEnvs();
        if (logits.getDataType() != DataType.FLOAT32 || logits.size() != (long) n * numActions) {
            throw new IllegalStateException("policy output: expected float32 logits of shape (" + n + ", "
                    + numActions + "), got " + logits.getDataType() + " " + logits.getShape());
        }
        logits.setName("logits");
        out.info(new NDList(logits));
        if (!virtual) {
            sample(logits.toByteBuffer(true), out.actions(), n);
        }
        return null;
    }

    private void sample(ByteBuffer logits, ActionBatch actions, int n) {
        int[] act = actions.ints();
        for (int j = 0; j < n; j++) {
            int base = 4 * j * numActions;
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < numActions; a++) {
                double l = logits.getFloat(base + 4 * a);
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
