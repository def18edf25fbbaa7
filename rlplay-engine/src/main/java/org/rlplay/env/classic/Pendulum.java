package org.rlplay.env.classic;

import org.rlplay.env.ActionBatch;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;

/**
 * The inverted-pendulum swing-up task, a Java transcription of Gymnasium's {@code PendulumEnv}
 * ({@code Pendulum-v1}, Gymnasium 1.x; gravity {@code g = 10.0} unless given).
 *
 * <p>The action is a float32 torque in {@code Box(-2, 2, (1,))}, clipped to {@code [-2, 2]}. Each step
 * costs {@code angle_normalize(th)^2 + 0.1 * thdot^2 + 0.001 * u^2} (the reward is its negation,
 * computed from the state before the step), then
 * {@code thdot += (3g/(2l) * sin(th) + 3/(m l^2) * u) * dt}, clipped to {@code [-8, 8]}, and
 * {@code th += thdot * dt} with {@code dt = 0.05}, {@code m = l = 1}. The angle is never wrapped and
 * the episode never terminates. Reset draws {@code th} uniformly from {@code [-pi, pi)} and
 * {@code thdot} from {@code [-1, 1)}. The state is kept in {@code double} (Gymnasium's float64);
 * observations are float32 {@code [cos th, sin th, thdot]}.
 *
 * <p>As under NumPy 2 with a float32 action, the torque terms {@code 3 u} and {@code 0.001 u^2} are
 * evaluated in float32 (a difference of at most one float32 ulp of those terms).
 *
 * <p>This env is unwrapped: it never truncates. {@code Pendulum-v1}'s 200-step limit is added by
 * {@link ClassicControl}. Not thread-safe: use one instance from one thread at a time.
 */
public final class Pendulum extends ClassicControlEnv {
    /** Gymnasium's default gravity. */
    public static final double DEFAULT_G = 10.0;
    public static final double MAX_SPEED = 8;
    public static final double MAX_TORQUE = 2.0;
    public static final double DT = 0.05;
    public static final double M = 1.0;
    public static final double L = 1.0;

    private static final float MAX_TORQUE_F = (float) MAX_TORQUE;
    /** {@code 3.0 / (m * l**2)}, applied to a float32 torque. */
    private static final float TORQUE_GAIN = (float) (3.0 / (M * L * L));
    private static final float TORQUE_COST = 0.001f;
    private static final double TWO_PI = 2 * Math.PI;

    private static final Box OBSERVATION_SPACE = Box.of(
            new float[] {-1.0f, -1.0f, (float) -MAX_SPEED},
            new float[] {1.0f, 1.0f, (float) MAX_SPEED});
    private static final Box ACTION_SPACE = Box.of(-MAX_TORQUE_F, MAX_TORQUE_F, 1);

    private final double g;
    /** {@code 3 * g / (2 * l)}. */
    private final double gravityGain;
    private double th;
    private double thdot;

    /** A pendulum with Gymnasium's default gravity {@code g = 10.0}. */
    public Pendulum() {
        this(DEFAULT_G);
    }

    /** A pendulum with gravity {@code g} (Gymnasium's {@code gym.make("Pendulum-v1", g=g)}). */
    public Pendulum(double g) {
        super("Pendulum", OBSERVATION_SPACE, ACTION_SPACE, 2);
        if (!Double.isFinite(g)) {
            throw new IllegalArgumentException("Pendulum gravity must be finite, got " + g);
        }
        this.g = g;
        this.gravityGain = 3 * g / (2 * L);
    }

    /** The gravity constant. */
    public double g() {
        return g;
    }

    @Override
    protected void resetState() {
        th = -Math.PI + (Math.PI - -Math.PI) * rng.nextDouble();
        thdot = -1.0 + (1.0 - -1.0) * rng.nextDouble();
    }

    @Override
    protected void advance(ActionBatch actions, int index, Transition out) {
        float u = Math.min(Math.max(actions.floatAt(index, 0), -MAX_TORQUE_F), MAX_TORQUE_F);
        double an = angleNormalize(th);
        double costs = an * an + 0.1 * (thdot * thdot) + (double) (TORQUE_COST * (u * u));

        double newthdot = thdot + (gravityGain * Math.sin(th) + (double) (TORQUE_GAIN * u)) * DT;
        newthdot = Math.min(Math.max(newthdot, -MAX_SPEED), MAX_SPEED);
        th = th + newthdot * DT;
        thdot = newthdot;

        out.set((float) -costs, false, false);
    }

    /** Gymnasium's {@code angle_normalize}: {@code ((x + pi) % (2 pi)) - pi} with Python's floored modulo. */
    static double angleNormalize(double x) {
        double r = (x + Math.PI) % TWO_PI;
        if (r < 0) {
            r += TWO_PI;
        }
        return r - Math.PI;
    }

    @Override
    protected void writeObservation(float[] obs, int off) {
        obs[off] = (float) Math.cos(th);
        obs[off + 1] = (float) Math.sin(th);
        obs[off + 2] = (float) thdot;
    }

    /** The physical state {@code [th, thdot]}. */
    @Override
    protected void getState(double[] out) {
        out[0] = th;
        out[1] = thdot;
    }

    @Override
    protected void putState(double[] in) {
        th = in[0];
        thdot = in[1];
    }
}
