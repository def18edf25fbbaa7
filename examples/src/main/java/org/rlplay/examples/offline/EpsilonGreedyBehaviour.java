package org.rlplay.examples.offline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorCall;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.fragment.FragmentSpec;

/**
 * A behaviour policy for recording datasets: a greedy actor plus exploration noise. At each step
 * the greedy actor chooses {@code g}; this actor takes {@code g} with probability {@code 1 - epsilon}
 * and a uniformly random action otherwise, so {@code mu(a|s) = (1 - epsilon) [a = g] + epsilon / n}.
 * It records those probabilities as actor info {@value #PROBS}, (N, n) float32, for off-policy
 * evaluation. (At the virtual record T the greedy actor chooses no action; the row there repeats the
 * last step's probabilities and is not used: OPE reads records 0..T-1.)
 *
 * <p>The greedy actor's own info is not recorded. Does not own the greedy actor (the caller closes
 * it); owns a one-record scratch fragment, released by {@link #close()}. Used by one collector
 * thread at a time.
 */
public final class EpsilonGreedyBehaviour implements Actor {
    /** The name of the recorded behaviour probabilities. */
    public static final String PROBS = "probs";

    private final Actor greedy;
    private final Space observations;
    private final Discrete actions;
    private final int numActions;
    private final double epsilon;
    private final SplittableRandom rng;
    private ActorCall inner;
    private float[] probs;

    /**
     * @param greedy       the actor whose choices are perturbed (not owned)
     * @param observations the observation space
     * @param actions      the action space, {@code Discrete(n)} starting at 0
     * @param epsilon      the probability of a uniformly random action, in [0, 1]
     * @param seed         the seed of the noise
     */
    public EpsilonGreedyBehaviour(Actor greedy, Space observations, Discrete actions, double epsilon, long seed) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        if (actions.start() != 0) {
            throw new IllegalArgumentException("actions: expected Discrete(n) starting at 0, got " + actions);
        }
        this.greedy = greedy;
        this.observations = observations;
        this.actions = actions;
        this.numActions = actions.n();
        this.epsilon = epsilon;
        this.rng = new SplittableRandom(seed);
    }

    @Override
    public NDList reset(NDList hx, int at) {
        return greedy.reset(hx, at);
    }

    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        int n = in.numEnvs();
        if (inner == null) {
            inner = new ActorCall(new FragmentSpec(1, n, observations, actions, List.of(), false));
            probs = new float[n * numActions];
        }
        NDList next = inner.stepWithin(greedy, in, hx, virtual);
        ActionBatch greedyActions = inner.actions();
        float uniform = (float) (epsilon / numActions);
        for (int j = 0; j < n; j++) {
            int g = greedyActions.discrete(j);
            for (int a = 0; a < numActions; a++) {
                probs[j * numActions + a] = uniform + (a == g ? (float) (1 - epsilon) : 0f);
            }
            if (!virtual) {
                out.actions().setDiscrete(j, rng.nextDouble() < epsilon ? rng.nextInt(numActions) : g);
            }
        }
        NDArray info = in.manager().create(probs, new Shape(n, numActions));
        info.setName(PROBS);
        out.info(new NDList(info));
        return next;
    }

    @Override
    public void close() {
        if (inner != null) {
            inner.close();
        }
    }
}
