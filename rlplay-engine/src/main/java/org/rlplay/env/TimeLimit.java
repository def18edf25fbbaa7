package org.rlplay.env;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Gymnasium's {@code TimeLimit} wrapper: truncates an episode after {@code maxEpisodeSteps} steps.
 * Owns the wrapped env and closes it.
 *
 * @param <O> the observation storage array type
 */
public final class TimeLimit<O> extends EnvWrapper<O, O> {
    private final int maxEpisodeSteps;
    private int elapsed;

    public TimeLimit(Env<O> env, int maxEpisodeSteps) {
        super(env);
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException("maxEpisodeSteps must be >= 1, got " + maxEpisodeSteps);
        }
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    @Override
    public void reset(long seed, O obs, int off) {
        elapsed = 0;
        env.reset(seed, obs, off);
    }

    @Override
    public void reset(O obs, int off) {
        elapsed = 0;
        env.reset(obs, off);
    }

    @Override
    public void step(ActionBatch actions, int index, O obs, int off, Transition out) {
        env.step(actions, index, obs, off, out);
        if (++elapsed >= maxEpisodeSteps) {
            out.truncate();
        }
    }

    @Override
    public void saveState(DataOutput out) throws IOException {
        env.saveState(out);
        out.writeInt(elapsed);
    }

    @Override
    public void loadState(DataInput in) throws IOException {
        env.loadState(in);
        elapsed = in.readInt();
    }
}
