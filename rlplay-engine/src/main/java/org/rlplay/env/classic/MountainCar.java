package org.rlplay.env.classic;

import org.rlplay.env.ActionBatch;
import org.rlplay.env.InvalidActionException;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;

/**
 * The mountain-car task with discrete actions, a Java transcription of Gymnasium's
 * {@code MountainCarEnv} ({@code MountainCar-v0}, Gymnasium 1.x, default {@code goal_velocity=0}).
 *
 * <p>Actions {@code 0, 1, 2} accelerate left, not at all, right. Each step:
 * {@code velocity += (action - 1) * 0.001 + cos(3 * position) * (-0.0025)}, clipped to
 * {@code [-0.07, 0.07]}; {@code position += velocity}, clipped to {@code [-1.2, 0.6]}; hitting the
 * left wall while moving left zeroes the velocity. Reward is {@code -1} every step; the episode
 * terminates when {@code position >= 0.5} and {@code velocity >= 0}. Reset draws the position
 * uniformly from {@code [-0.6, -0.4)} with velocity 0. The state is kept in {@code double}
 * (Gymnasium's float64); observations are float32 {@code [position, velocity]}.
 *
 * <p>This env is unwrapped: it never truncates. {@code MountainCar-v0}'s 200-step limit is added by
 * {@link ClassicControl}. Not thread-safe: use one instance from one thread at a time.
 */
public final class MountainCar extends ClassicControlEnv {
    public static final double MIN_POSITION = -1.2;
    public static final double MAX_POSITION = 0.6;
    public static final double MAX_SPEED = 0.07;
    public static final double GOAL_POSITION = 0.5;
    public static final double GOAL_VELOCITY = 0.0;
    private static final double FORCE = 0.001;
    private static final double GRAVITY = 0.0025;
    private static final double NEG_GRAVITY = -GRAVITY;

    private static final double RESET_LOW = -0.6;
    private static final double RESET_HIGH = -0.4;

    private static final Box OBSERVATION_SPACE = Box.of(
            new float[] {(float) MIN_POSITION, (float) -MAX_SPEED},
            new float[] {(float) MAX_POSITION, (float) MAX_SPEED});
    private static final Discrete ACTION_SPACE = new Discrete(3);

    private double position;
    private double velocity;

    public MountainCar() {
        super("MountainCar", OBSERVATION_SPACE, ACTION_SPACE, 2);
    }

    @Override
    protected void resetState() {
        position = RESET_LOW + (RESET_HIGH - RESET_LOW) * rng.nextDouble();
        velocity = 0.0;
    }

    @Override
    protected void advance(ActionBatch actions, int index, Transition out) {
        int action = actions.discrete(index);
        if (action < 0 || action > 2) {
            throw new InvalidActionException("MountainCar: action " + action + " is outside Discrete(3)", index);
        }
        velocity += (action - 1) * FORCE + Math.cos(3 * position) * NEG_GRAVITY;
        velocity = clip(velocity, -MAX_SPEED, MAX_SPEED);
        position += velocity;
        position = clip(position, MIN_POSITION, MAX_POSITION);
        if (position == MIN_POSITION && velocity < 0) {
            velocity = 0.0;
        }
        boolean terminated = position >= GOAL_POSITION && velocity >= GOAL_VELOCITY;
        out.set(-1.0f, terminated, false);
    }

    /** numpy's {@code clip}: {@code min(max(v, lo), hi)}. */
    private static double clip(double v, double lo, double hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    @Override
    protected void writeObservation(float[] obs, int off) {
        obs[off] = (float) position;
        obs[off + 1] = (float) velocity;
    }

    /** The physical state {@code [position, velocity]}. */
    @Override
    protected void getState(double[] out) {
        out[0] = position;
        out[1] = velocity;
    }

    @Override
    protected void putState(double[] in) {
        position = in[0];
        velocity = in[1];
    }
}
