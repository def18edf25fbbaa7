package org.rlplay.env.classic;

import org.rlplay.env.ActionBatch;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.rlplay.env.InvalidActionException;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;

/**
 * The cart-pole balancing task, a Java transcription of Gymnasium's {@code CartPoleEnv}
 * ({@code CartPole-v1}, Gymnasium 1.x, default {@code sutton_barto_reward=False}).
 *
 * <p>Explicit Euler integration with {@code tau = 0.02}; action {@code 1} pushes the cart right with
 * force 10, action {@code 0} pushes it left. Reward is {@code +1} for every step including the
 * terminating one, and {@code 0} for steps taken after termination without a reset (Gymnasium's
 * {@code steps_beyond_terminated} rule). The episode terminates when {@code |x| > 2.4} or
 * {@code |theta| > 12} degrees. Reset draws all four state variables uniformly from
 * {@code [-0.05, 0.05)}. The state is kept in {@code double}, as Gymnasium keeps it in float64;
 * observations are written as float32 {@code [x, x_dot, theta, theta_dot]}.
 *
 * <p>This env is unwrapped: it never truncates. {@code CartPole-v1}'s 500-step limit is added by
 * {@link ClassicControl}. Not thread-safe: use one instance from one thread at a time.
 */
public final class CartPole extends ClassicControlEnv {
    private static final double GRAVITY = 9.8;
    private static final double MASS_CART = 1.0;
    private static final double MASS_POLE = 0.1;
    private static final double TOTAL_MASS = MASS_POLE + MASS_CART;
    /** Half the pole's length. */
    private static final double LENGTH = 0.5;
    private static final double POLEMASS_LENGTH = MASS_POLE * LENGTH;
    private static final double FORCE_MAG = 10.0;
    private static final double TAU = 0.02;
    private static final double FOUR_THIRDS = 4.0 / 3.0;

    /** Pole angle beyond which the episode terminates: 12 degrees, as Gymnasium computes it. */
    public static final double THETA_THRESHOLD_RADIANS = 12 * 2 * Math.PI / 360;
    /** Cart position beyond which the episode terminates. */
    public static final double X_THRESHOLD = 2.4;

    private static final double RESET_LOW = -0.05;
    private static final double RESET_HIGH = 0.05;

    private static final Box OBSERVATION_SPACE;
    private static final Discrete ACTION_SPACE = new Discrete(2);

    static {
        float[] high = {
            (float) (X_THRESHOLD * 2), Float.POSITIVE_INFINITY, (float) (THETA_THRESHOLD_RADIANS * 2), Float.POSITIVE_INFINITY};
        float[] low = new float[high.length];
        for (int i = 0; i < high.length; i++) {
            low[i] = -high[i];
        }
        OBSERVATION_SPACE = Box.of(low, high);
    }

    private double x;
    private double xDot;
    private double theta;
    private double thetaDot;
    /** Gymnasium's {@code steps_beyond_terminated}; {@code -1} stands for {@code None}. */
    private int stepsBeyondTerminated = -1;

    public CartPole() {
        super("CartPole", OBSERVATION_SPACE, ACTION_SPACE, 4);
    }

    @Override
    protected void resetState() {
        x = uniform();
        xDot = uniform();
        theta = uniform();
        thetaDot = uniform();
        stepsBeyondTerminated = -1;
    }

    private double uniform() {
        return RESET_LOW + (RESET_HIGH - RESET_LOW) * rng.nextDouble();
    }

    @Override
    protected void advance(ActionBatch actions, int index, Transition out) {
        int action = actions.discrete(index);
        if (action != 0 && action != 1) {
            throw new InvalidActionException("CartPole: action " + action + " is outside Discrete(2)", index);
        }
        double force = action == 1 ? FORCE_MAG : -FORCE_MAG;
        double costheta = Math.cos(theta);
        double sintheta = Math.sin(theta);

        double temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sintheta) / TOTAL_MASS;
        double thetaacc = (GRAVITY * sintheta - costheta * temp)
                / (LENGTH * (FOUR_THIRDS - MASS_POLE * (costheta * costheta) / TOTAL_MASS));
        double xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS;

        // Euler: positions advance with the old velocities.
        x = x + TAU * xDot;
        xDot = xDot + TAU * xacc;
        theta = theta + TAU * thetaDot;
        thetaDot = thetaDot + TAU * thetaacc;

        boolean terminated = x < -X_THRESHOLD || x > X_THRESHOLD
                || theta < -THETA_THRESHOLD_RADIANS || theta > THETA_THRESHOLD_RADIANS;
        float reward;
        if (!terminated) {
            reward = 1.0f;
        } else if (stepsBeyondTerminated < 0) {
            stepsBeyondTerminated = 0;
            reward = 1.0f;
        } else {
            stepsBeyondTerminated++;
            reward = 0.0f;
        }
        out.set(reward, terminated, false);
    }

    @Override
    protected void writeObservation(float[] obs, int off) {
        obs[off] = (float) x;
        obs[off + 1] = (float) xDot;
        obs[off + 2] = (float) theta;
        obs[off + 3] = (float) thetaDot;
    }

    /** The physical state {@code [x, x_dot, theta, theta_dot]}. */
    @Override
    protected void getState(double[] out) {
        out[0] = x;
        out[1] = xDot;
        out[2] = theta;
        out[3] = thetaDot;
    }

    /** Sets {@code [x, x_dot, theta, theta_dot]} and clears the post-termination bookkeeping. */
    @Override
    protected void putState(double[] in) {
        x = in[0];
        xDot = in[1];
        theta = in[2];
        thetaDot = in[3];
        stepsBeyondTerminated = -1;
    }

    @Override
    protected void saveExtra(DataOutput out) throws IOException {
        out.writeInt(stepsBeyondTerminated);
    }

    @Override
    protected void loadExtra(DataInput in) throws IOException {
        stepsBeyondTerminated = in.readInt();
    }
}
