package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.algos.state.Resumable;

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
 * immediately); it is read, never trained, here. Its own state is the sampler's position, which a
 * checkpoint saves ({@link Resumable}, between steps). Not thread-safe: one collector at a time.
 */
public final class CategoricalActor implements Actor, Resumable {
    private final Block policy;
    private final CategoricalSampler sampler;
    private final ParameterStore parameters;

    /**
     * @param policy     block mapping (N, ...) observations to (N, numActions) logits, already initialised
     * @param numActions n
     * @param seed       seed of the action sampler
     * @param greedy     take the argmax instead of sampling (evaluation)
     */
    public CategoricalActor(Block policy, int numActions, long seed, boolean greedy) {
        this.policy = policy;
        this.sampler = new CategoricalSampler(numActions, seed, greedy);
        this.parameters = new ParameterStore(policy.getParameters().valueAt(0).getArray().getManager(), false);
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
        NDArray logits = policy.forward(parameters, new NDList(in.obs()), false).singletonOrThrow();
        int n = in.numEnvs();
        sampler.check(logits, n);
        logits.setName("logits");
        out.info(new NDList(logits));
        if (!virtual) {
            sampler.sample(logits, out.actions().ints(), n);
        }
        return null;
    }
}
