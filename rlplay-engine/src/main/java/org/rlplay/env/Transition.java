package org.rlplay.env;

/**
 * What one {@link Env#step} returns besides the observation: reward, the two end flags and the
 * numeric info values. A mutable holder that the caller allocates once and the env overwrites on
 * every step, so stepping allocates nothing.
 */
public final class Transition {
    private final float[] info;
    private float reward;
    private boolean terminated;
    private boolean truncated;

    /** A holder with room for {@code infoSize} numeric info values. */
    public Transition(int infoSize) {
        this.info = new float[infoSize];
    }

    /** Sets the reward and the end flags of this step. */
    public void set(float reward, boolean terminated, boolean truncated) {
        this.reward = reward;
        this.terminated = terminated;
        this.truncated = truncated;
    }

    public float reward() {
        return reward;
    }

    /** The episode reached a terminal state (no bootstrapping past it). */
    public boolean terminated() {
        return terminated;
    }

    /** The episode was cut short (time limit); its last state is not terminal. */
    public boolean truncated() {
        return truncated;
    }

    /** Marks the step as truncated, keeping reward and termination (used by {@link TimeLimit}). */
    public void truncate() {
        this.truncated = true;
    }

    /** Numeric info values in the order of {@link Env#infoKeys()}; the env writes them. */
    public float[] info() {
        return info;
    }
}
