package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.algos.state.Resumable;

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
 * <p>The block is read, never trained, here. Its own state is the sampler's position, which a
 * checkpoint saves ({@link Resumable}, between steps). Not thread-safe: one collector at a time.
 */
public final class RecurrentCategoricalActor implements Actor, Resumable {
    private final LstmActorCritic net;
    private final CategoricalSampler sampler;
    private final ParameterStore parameters;

    /**
     * @param net        the recurrent actor-critic, initialised
     * @param numActions n
     * @param seed       seed of the action sampler
     * @param greedy     take the argmax instead of sampling (evaluation)
     */
    public RecurrentCategoricalActor(LstmActorCritic net, int numActions, long seed, boolean greedy) {
        this.net = net;
        this.sampler = new CategoricalSampler(numActions, seed, greedy);
        this.parameters = new ParameterStore(net.getParameters().valueAt(0).getArray().getManager(), false);
    }

    /** Saves the action sampler's position (the actor's only state between steps). */
    @Override
    public void saveState(DataOutput out) throws IOException {
        sampler.saveState(out);
    }

    @Override
    public void restoreState(DataInput in) throws IOException {
        sampler.restoreState(in);
    }

    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        int n = in.numEnvs();
        NDList state = hx != null ? hx : net.initialState(in.manager(), n);
        NDList result = net.forward(parameters, new NDList(in.obs(), state.get(0), state.get(1)), false);
        NDArray logits = result.get(0);
        sampler.check(logits, n);
        logits.setName("logits");
        out.info(new NDList(logits));
        if (!virtual) {
            sampler.sample(logits, out.actions().ints(), n);
        }
        return new NDList(result.get(2), result.get(3));
    }
}
