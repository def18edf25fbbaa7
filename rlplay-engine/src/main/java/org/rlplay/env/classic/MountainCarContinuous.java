package org.rlplay.env.classic;

import org.rlplay.env.ActionBatch;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;

/**
 * The mountain-car task with a continuous force, a Java transcription of Gymnasium's
 * {@code Continuous_MountainCarEnv} ({@code MountainCarContinuous-v0}, Gymnasium 1.2.2, default
 * {@code goal_velocity=0}).
 *
 * <p>The action is a float32 force {@code a} in {@code Box(-1, 1, (1,))}. Each step:
 * {@code force = clip(a, -1, 1)}; {@code velocity += force * 0.0015 - 0.0025 * cos(3 * position)},
 * clipped to {@code [-0.07, 0.07]}; {@code position += velocity}, clipped to {@code [-1.2, 0.6]};
 * hitting the left wall while moving left zeroes the velocity. The episode terminates when
 * {@code position >= 0.45} and {@code velocity >= 0}. The reward is {@code 100} on that step, minus
 * {@code 0.1 * a^2} on every step (of the unclipped action). Reset draws the position uniformly from
 * {@code [-0.6, -0.4)} with velocity 0.
 *
 * <h2>Precision, as Gymnasium computes it under NumPy 2</h2>
 * Gymnasium stores the state as float32 after every step, but as float64 after a reset (and after
 * {@code env.unwrapped.state = ...}); NumPy 2 evaluates an operation between a float32 scalar and a
 * Python float in float32. So the first step after a reset runs in float64 and later steps in float32,
 * with these exceptions that this class reproduces: {@code cos} is taken in float64 of a float32
 * argument; a force clipped to {@code +-1} becomes a Python float (its product with the power is then
 * float64); a clipped velocity or position becomes a Python float (float64); comparisons against
 * constants happen in the compared value's precision. The reward is computed in float64 and rounded
 * to float32. Observations are the stored float32 state {@code [position, velocity]}.
 *
 * <p>This env is unwrapped: it never truncates. {@code MountainCarContinuous-v0}'s 999-step limit is
 * added by {@link ClassicControl}. Not thread-safe: use one instance from one thread at a
 * time.
 */
public final class MountainCarContinuous extends ClassicControlEnv {
    public static final double MIN_POSITION = -1.2;
    public static final double MAX_POSITION = 0.6;
    public static final double MAX_SPEED = 0.07;
    public static final double GOAL_POSITION = 0.45;
    public static final double GOAL_VELOCITY = 0.0;
    public static final double POWER = 0.0015;
    /** The reward for reaching the goal. */
    public static final double GOAL_REWARD = 100.0;

    private static final double GRAVITY = 0.0025;
    private static final double RESET_LOW = -0.6;
    private static final double RESET_HIGH = -0.4;

    private static final Box OBSERVATION_SPACE = Box.of(
            new float[] {(float) MIN_POSITION, (float) -MAX_SPEED},
            new float[] {(float) MAX_POSITION, (float) MAX_SPEED});
    private static final Box ACTION_SPACE = Box.of(-1f, 1f, 1);

    private double position;
    private double velocity;
    /** Whether the state is float64 (after a reset or setState) rather than float32 (after a step). */
    private boolean wide;

    public MountainCarContinuous() {
        super("MountainCarContinuous", OBSERVATION_SPACE, ACTION_SPACE, 2);
    }

    @Override
    protected void resetState() {
        position = RESET_LOW + (RESET_HIGH - RESET_LOW) * rng.nextDouble();
        velocity = 0.0;
        wide = true;
    }

    @Override
    protected void advance(ActionBatch actions, int index, Transition out) {
        float a = actions.floatAt(index, 0);
        // force = min(max(a, -1.0), 1.0): the float32 action, or a Python float once clipped
        boolean clipped = a < -1f || a > 1f;
        double push = clipped ? (a < 0 ? -1.0 : 1.0) * POWER : a * (float) POWER;
        double cos = Math.cos(wide ? 3 * position : 3f * (float) position);
        double slope = GRAVITY * cos;
        double dv = clipped ? push - slope : (float) push - (float) slope;
        // Each of velocity and position is float64 (wide), float32, or a Python float once clipped.
        boolean velocityPy = false;
        velocity = wide ? velocity + dv : (float) ((float) velocity + (float) dv);
        if (greater(velocity, MAX_SPEED, wide)) {
            velocity = MAX_SPEED;
            velocityPy = true;
        }
        if (less(velocity, -MAX_SPEED, wide || velocityPy)) {
            velocity = -MAX_SPEED;
            velocityPy = true;
        }
        position = wide ? position + velocity : (float) ((float) position + (float) velocity);
        boolean positionPy = false;
        if (greater(position, MAX_POSITION, wide)) {
            position = MAX_POSITION;
            positionPy = true;
        }
        if (less(position, MIN_POSITION, wide || positionPy)) {
            position = MIN_POSITION;
            positionPy = true;
        }
        boolean positionDouble = wide || positionPy;
        boolean atLeftWall = positionDouble ? position == MIN_POSITION : (float) position == (float) MIN_POSITION;
        if (atLeftWall && velocity < 0) {
            velocity = 0.0;
        }
        boolean atGoal = positionDouble ? position >= GOAL_POSITION : (float) position >= (float) GOAL_POSITION;
        boolean terminated = atGoal && velocity >= GOAL_VELOCITY;
        double reward = (terminated ? GOAL_REWARD : 0.0) - (double) a * (double) a * 0.1;
        // self.state = np.array([position, velocity], dtype=np.float32)
        position = (float) position;
        velocity = (float) velocity;
        wide = false;
        out.set((float) reward, terminated, false);
    }

    /** {@code v > c} in float64 if {@code wide}, else in float32 (NumPy 2's rule for a float32 scalar and a Python float). */
    private static boolean greater(double v, double c, boolean wide) {
        return wide ? v > c : (float) v > (float) c;
    }

    /** {@code v < c}, precision as in {@link #greater}. */
    private static boolean less(double v, double c, boolean wide) {
        return wide ? v < c : (float) v < (float) c;
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

    /**
     * Sets {@code [position, velocity]}, held in float64 until the next step (as Gymnasium's
     * {@code env.unwrapped.state = np.array(state)}).
     */
    @Override
    protected void putState(double[] in) {
        position = in[0];
        velocity = in[1];
        wide = true;
    }

    @Override
    protected void saveExtra(DataOutput out) throws IOException {
        out.writeBoolean(wide);
    }

    @Override
    protected void loadExtra(DataInput in) throws IOException {
        wide = in.readBoolean();
    }
}
