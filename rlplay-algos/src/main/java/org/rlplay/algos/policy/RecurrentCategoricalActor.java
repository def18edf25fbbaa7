package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;

/**
 * A recurrent actor for {@code Discrete(n)} action spaces over an {@link LstmActorCritic}: the LSTM
 * states travel through the engine as hx, {@code (h, c)} each shaped {@code (2, N, H)} (the actor's
 * and the critic's core, so a learner can resume both from a fragment's hx), so the engine
 * stores it with each fragment and resets env j's slice (to zero, the initial state) when env j's
 * episode ends.
 *
 * <p>Per step: one forward pass in the step's scope, returning the next hx (the virtual step's is
 * discarded by the engine); actions are sampled on the host from the logits (or the argmax, when
 * greedy) with a seeded generator. Info: {@code "logits"}, (N, n) float32.
 *
 * <p>The block is read, never trained, here. Not thread-safe: one collector at a time.
 */
public final class RecurrentCategoricalActor implements Actor {
    private final LstmActorCritic net;
    private final int numActions;
    private final SplittableRandom rng;
    private final boolean greedy;
    private final double[] scratch;
    private final ParameterStore parameters;

    /**
     * @param net        the recurrent actor-critic, initialised
     * @param numActions n
     * @param seed       seed of the action sampler
     * @param greedy     take the argmax instead of sampling (evaluation)
     */
    public RecurrentCategoricalActor(LstmActorCritic net, int numActions, long seed, boolean greedy) {
        if (numActions < 1) {
            throw new IllegalArgumentException("numActions must be >= 1, got " + numActions);
        }
        this.net = net;
        this.numActions = numActions;
        this.rng = new SplittableRandom(seed);
        this.greedy = greedy;
        this.scratch = new double[numActions];
        this.parameters = new ParameterStore(net.getParameters().valueAt(0).getArray().getManager(), false);
    }

    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        int n = in.numEnvs();
        NDList state = hx != null ? hx : net.initialState(in.manager(), n);
        NDList result = net.forward(parameters, new NDList(in.obs(), state.get(0), state.get(1)), false);
        NDArray logits = result.get(0);
        if (logits.getDataType() != DataType.FLOAT32 || logits.size() != (long) n * numActions) {
            throw new IllegalStateException("policy output: expected float32 logits of shape (" + n + ", "
                    + numActions + "), got " + logits.getDataType() + " " + logits.getShape());
        }
        logits.setName("logits");
        out.info(new NDList(logits));
        if (!virtual) {
            sample(logits.toByteBuffer(true), out.actions().ints(), n);
        }
        return new NDList(result.get(2), result.get(3));
    }

    private void sample(ByteBuffer logits, int[] act, int n) {
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
