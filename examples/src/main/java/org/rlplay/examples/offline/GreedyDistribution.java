package org.rlplay.examples.offline;

import java.util.List;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorCall;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;

/**
 * The whole action distribution of an epsilon-greedy version of a greedy actor, at any batch of
 * observations: {@code pi(a|x) = (1 - epsilon) [a = greedy(x)] + epsilon / K}. The target policy of
 * {@code rlplay ope} for the estimators that need more than the logged action's probability (the
 * doubly robust ones, fitted-Q evaluation, every bandit estimator). The observations are written
 * into record 0 of a scratch fragment of as many envs as rows and the actor is stepped on it;
 * nothing is done in an env. For float-stored observation spaces and feed-forward actors (it
 * refuses an actor that returns an hx).
 *
 * <p>Used by one thread; owns its scratch fragment and DJL scope (released by {@link #close()}),
 * not the actor.
 */
public final class GreedyDistribution implements ActionDistribution, AutoCloseable {
    private final Actor greedy;
    private final Space observations;
    private final Discrete actions;
    private final double epsilon;
    private FragmentWriter scratch;
    private ActorCall call;

    /**
     * @param greedy       the greedy actor (not owned)
     * @param observations the observation space, stored as float32
     * @param actions      the action space, {@code Discrete(K)} from 0
     * @param epsilon      the target's exploration, in [0, 1] (0: the greedy policy itself)
     * @throws IllegalArgumentException for another storage type, action space or epsilon
     */
    public GreedyDistribution(Actor greedy, Space observations, Discrete actions, double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        if (observations.storageType() != ElementType.FLOAT32) {
            throw new IllegalArgumentException("off-policy evaluation reads float observations; this dataset stores "
                    + observations + " as " + observations.storageType());
        }
        if (actions.start() != 0) {
            throw new IllegalArgumentException("off-policy evaluation needs a Discrete(K) action space from 0, got "
                    + actions);
        }
        this.greedy = greedy;
        this.observations = observations;
        this.actions = actions;
        this.epsilon = epsilon;
    }

    @Override
    public void probabilities(float[] x, int rows, double[] out) {
        if (scratch == null || scratch.spec().numEnvs() != rows) {
            close();
            FragmentSpec spec = new FragmentSpec(1, rows, observations, actions, List.of(), false);
            scratch = new FragmentWriter(spec);
            call = new ActorCall(spec);
        }
        int size = observations.size();
        System.arraycopy(x, 0, scratch.fragment().obs(), 0, rows * size);
        ActionBatch choice = call.step(greedy, scratch.fragment(), 0, null, false);
        if (call.returnedState()) {
            throw new IllegalArgumentException("the target actor is recurrent (it returned an hx);"
                    + " off-policy evaluation here supports feed-forward policies only");
        }
        int k = actions.n();
        for (int r = 0; r < rows; r++) {
            int best = choice.discrete(r);
            for (int a = 0; a < k; a++) {
                out[r * k + a] = (a == best ? 1 - epsilon : 0) + epsilon / k;
            }
        }
    }

    @Override
    public void close() {
        if (call != null) {
            call.close();
            call = null;
        }
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
    }
}
