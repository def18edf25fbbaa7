package org.rlplay.env;

import java.util.List;
import org.rlplay.env.space.Space;

/**
 * Gymnasium's {@code TimeLimit} wrapper: truncates an episode after {@code maxEpisodeSteps} steps.
 * Owns the wrapped env and closes it.
 */
public final class TimeLimit implements Env {
    private final Env env;
    private final int maxEpisodeSteps;
    private int elapsed;

    public TimeLimit(Env env, int maxEpisodeSteps) {
        if (maxEpisodeSteps < 1) {
            throw new IllegalArgumentException("maxEpisodeSteps must be >= 1, got " + maxEpisodeSteps);
        }
        this.env = env;
        this.maxEpisodeSteps = maxEpisodeSteps;
    }

    /** The wrapped env. */
    public Env unwrapped() {
        return env;
    }

    public int maxEpisodeSteps() {
        return maxEpisodeSteps;
    }

    @Override
    public Space observationSpace() {
        return env.observationSpace();
    }

    @Override
    public Space actionSpace() {
        return env.actionSpace();
    }

    @Override
    public List<String> infoKeys() {
        return env.infoKeys();
    }

    @Override
    public void reset(long seed, float[] obs, int off) {
        elapsed = 0;
        env.reset(seed, obs, off);
    }

    @Override
    public void reset(float[] obs, int off) {
        elapsed = 0;
        env.reset(obs, off);
    }

    @Override
    public void step(ActionBatch actions, int index, float[] obs, int off, Transition out) {
        env.step(actions, index, obs, off, out);
        if (++elapsed >= maxEpisodeSteps) {
            out.truncate();
        }
    }

    @Override
    public void close() {
        env.close();
    }
}
