package org.rlplay.testing;

import java.util.List;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;

/**
 * A deterministic env whose every value is predictable, for pinning the fragment semantics.
 *
 * <p>Episode k (counted from 0 since the last seeded reset) lasts {@code lengths[k % lengths.length]}
 * steps and ends by truncation when that length is listed in {@code truncatedLengths}, else by
 * termination. Observation {@code [seed, episode, step]}; the reward of the step taken from step s
 * with action a is {@link #reward(int, int, int)}; info {@code "stepTaken"} is the step index s.
 * Actions: {@code Discrete(3)}.
 */
public final class ScriptedEnv implements Env<float[]> {
    public static final Space OBS = Box.of(-1e9f, 1e9f, 3);
    public static final Space ACT = new Discrete(3);

    private final int[] lengths;
    private final int truncatedLength;
    private long seed = -1;
    private int episode;
    private int step;
    private int stepsTaken;

    /**
     * @param lengths         episode lengths, cycled
     * @param truncatedLength episodes of this length end by truncation (use -1 for none)
     */
    public ScriptedEnv(int[] lengths, int truncatedLength) {
        this.lengths = lengths.clone();
        this.truncatedLength = truncatedLength;
    }

    /** Reward of stepping from step s of episode k with action a. */
    public static float reward(int episode, int step, int action) {
        return 100f * episode + step + 0.25f * action;
    }

    public int stepsTaken() {
        return stepsTaken;
    }

    @Override
    public Space observationSpace() {
        return OBS;
    }

    @Override
    public Space actionSpace() {
        return ACT;
    }

    @Override
    public List<String> infoKeys() {
        return List.of("stepTaken");
    }

    @Override
    public void reset(long seed, float[] obs, int off) {
        this.seed = seed;
        this.episode = 0;
        this.step = 0;
        write(obs, off);
    }

    @Override
    public void reset(float[] obs, int off) {
        episode++;
        step = 0;
        write(obs, off);
    }

    private void write(float[] obs, int off) {
        obs[off] = seed;
        obs[off + 1] = episode;
        obs[off + 2] = step;
    }

    @Override
    public void step(ActionBatch actions, int index, float[] obs, int off, Transition out) {
        int a = actions.discrete(index);
        float r = reward(episode, step, a);
        out.info()[0] = step;
        step++;
        stepsTaken++;
        int length = lengths[episode % lengths.length];
        boolean end = step >= length;
        out.set(r, end && length != truncatedLength, end && length == truncatedLength);
        write(obs, off);
    }
}
