package org.rlplay.examples.offline;

import ai.djl.ndarray.NDList;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;

/**
 * A built-in greedy CartPole policy needing no training: push towards the side the pole is falling
 * to, {@code a = theta + 0.5 * thetaDot > 0 ? 1 : 0}. With exploration noise it is the behaviour
 * policy of {@code rlplay record --policy heuristic}. Stateless; allocates nothing.
 */
public final class CartPoleHeuristic implements Actor {
    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        for (int j = 0; j < in.numEnvs(); j++) {
            out.actions().setDiscrete(j, in.obs(j, 2) + 0.5f * in.obs(j, 3) > 0 ? 1 : 0);
        }
        return null;
    }
}
