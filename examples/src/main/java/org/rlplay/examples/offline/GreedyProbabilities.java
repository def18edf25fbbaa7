package org.rlplay.examples.offline;

import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorCall;
import org.rlplay.algos.ope.ActionProbabilities;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.space.Discrete;
import org.rlplay.fragment.Fragment;

/**
 * The probabilities an epsilon-greedy version of a greedy actor gives the logged actions: the
 * actor is run on every logged record t in 0..T-1 (a replay of the observations, nothing is done
 * in an env) and {@code pi(a|s) = (1 - epsilon) [a = greedy(s)] + epsilon / n}. The target policy of
 * {@code rlplay ope}. Only for non-recurrent actors (it refuses an actor that returns an hx).
 * Used by one thread; owns its DJL scope (released by {@link #close()}), not the actor.
 */
public final class GreedyProbabilities implements ActionProbabilities, AutoCloseable {
    private final Actor greedy;
    private final Discrete actions;
    private final double epsilon;
    private ActorCall call;

    /**
     * @param greedy  the greedy actor (not owned)
     * @param actions the action space, {@code Discrete(n)} from 0
     * @param epsilon the target's exploration, in [0, 1] (0: the greedy policy itself)
     */
    public GreedyProbabilities(Actor greedy, Discrete actions, double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        this.greedy = greedy;
        this.actions = actions;
        this.epsilon = epsilon;
    }

    @Override
    public void taken(Fragment f, double[] out) {
        int n = f.numEnvs();
        if (call == null || call.actions().numEnvs() != n) {
            close();
            call = new ActorCall(f.spec());
        }
        for (int t = 0; t < f.length(); t++) {
            ActionBatch choice = call.step(greedy, f, t, null, false);
            if (call.returnedState()) {
                throw new IllegalArgumentException("the target actor is recurrent (it returned an hx);"
                        + " off-policy evaluation here supports feed-forward policies only");
            }
            for (int j = 0; j < n; j++) {
                boolean greedyTaken = choice.discrete(j) == (int) f.act(t + 1, j, 0);
                out[t * n + j] = (greedyTaken ? 1 - epsilon : 0) + epsilon / actions.n();
            }
        }
    }

    @Override
    public void close() {
        if (call != null) {
            call.close();
            call = null;
        }
    }
}
