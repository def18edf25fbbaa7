package org.rlplay.algos.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.algos.state.Resumable;
import org.rlplay.algos.state.ResumableRandom;

/**
 * The epsilon-greedy actor of DQN-style learners, for {@code Discrete(n)} action spaces: each env
 * independently takes a uniformly random action with probability epsilon, else the argmax of a DJL
 * block mapping observations (N, ...) to action values (N, n).
 *
 * <p>Per step the random draws come first (seeded generator), and the Q-network runs only if some
 * env acts greedily, so the early, almost fully random phase of training costs next to nothing; the
 * virtual step runs nothing. Reports no info.
 *
 * <p>The learner changes epsilon with {@link #epsilon(double)} (a volatile write, so it may do so
 * from its own thread while a collector thread steps this actor). The block is read, never trained,
 * here. Its own state is the exploration generator's position, which a checkpoint saves
 * ({@link Resumable}, between steps). Stepping is for one thread at a time (the collector's).
 */
public final class EpsilonGreedyActor implements Actor, Resumable {
    private final Block q;
    private final int numActions;
    private final ResumableRandom rng;
    private final ParameterStore parameters;
    private int[] choice = new int[0];
    private volatile double epsilon;

    /**
     * @param q          block mapping (N, ...) observations to (N, numActions) action values, initialised
     * @param numActions n
     * @param seed       seed of the exploration draws
     * @param epsilon    initial probability of a random action, in [0, 1]
     */
    public EpsilonGreedyActor(Block q, int numActions, long seed, double epsilon) {
        if (numActions < 1) {
            throw new IllegalArgumentException("numActions must be >= 1, got " + numActions);
        }
        this.q = q;
        this.numActions = numActions;
        this.rng = new ResumableRandom(seed);
        this.parameters = new ParameterStore(q.getParameters().valueAt(0).getArray().getManager(), false);
        epsilon(epsilon);
    }

    /** Sets the probability of a random action, in [0, 1]; collectors see it from their next step on. */
    public void epsilon(double e) {
        if (!(e >= 0 && e <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + e);
        }
        this.epsilon = e;
    }

    /** The current probability of a random action. */
    public double epsilon() {
        return epsilon;
    }

    /** Saves the exploration generator's position; epsilon is the learner's to set. */
    @Override
    public void saveState(DataOutput out) throws IOException {
        rng.saveState(out);
    }

    @Override
    public void restoreState(DataInput in) throws IOException {
        rng.restoreState(in);
    }

    @Override
    public NDList step(RecordBatch in, NDList hx, boolean virtual, ActorOutput out) {
        if (virtual) {
            return null;
        }
        int n = in.numEnvs();
        if (choice.length != n) {
            choice = new int[n];
        }
        double e = epsilon;
        boolean anyGreedy = false;
        for (int j = 0; j < n; j++) {
            boolean explore = rng.nextDouble() < e;
            choice[j] = explore ? rng.nextInt(numActions) : -1;
            anyGreedy |= !explore;
        }
        int[] act = out.actions().ints();
        if (anyGreedy) {
            NDArray values = q.forward(parameters, new NDList(in.obs()), false).singletonOrThrow();
            if (values.getDataType() != DataType.FLOAT32 || values.size() != (long) n * numActions) {
                throw new IllegalStateException("Q-network output: expected float32 values of shape (" + n + ", "
                        + numActions + "), got " + values.getDataType() + " " + values.getShape());
            }
            ByteBuffer v = values.toByteBuffer(true);
            for (int j = 0; j < n; j++) {
                if (choice[j] < 0) {
                    choice[j] = argmax(v, 4 * j * numActions);
                }
            }
        }
        System.arraycopy(choice, 0, act, 0, n);
        return null;
    }

    private int argmax(ByteBuffer values, int base) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int a = 0; a < numActions; a++) {
            float v = values.getFloat(base + 4 * a);
            if (v > max) {
                max = v;
                best = a;
            }
        }
        return best;
    }
}
