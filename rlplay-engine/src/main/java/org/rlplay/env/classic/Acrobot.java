package org.rlplay.env.classic;

import org.rlplay.env.ActionBatch;
import org.rlplay.env.InvalidActionException;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;

/**
 * The two-link acrobot swing-up task, a Java transcription of Gymnasium's {@code AcrobotEnv}
 * ({@code Acrobot-v1}, Gymnasium 1.x) with its defaults: the "book" dynamics, no torque noise.
 *
 * <p>Actions {@code 0, 1, 2} apply torque {@code -1, 0, +1} to the joint between the links. Each step
 * integrates the dynamics over {@code dt = 0.2} with one classical fourth-order Runge-Kutta step
 * (Gymnasium's {@code rk4} with {@code t = [0, dt]}, evaluated in the same order), then wraps both
 * angles into {@code [-pi, pi]} and bounds the angular velocities to {@code [-4 pi, 4 pi]} and
 * {@code [-9 pi, 9 pi]}. The episode terminates when {@code -cos(theta1) - cos(theta2 + theta1) > 1};
 * the reward is {@code -1} per step and {@code 0} on the terminating step. Reset draws all four state
 * variables uniformly from {@code [-0.1, 0.1)} and, as Gymnasium does, rounds them to float32. The
 * state is kept in {@code double}; observations are float32
 * {@code [cos theta1, sin theta1, cos theta2, sin theta2, dtheta1, dtheta2]}.
 *
 * <p>This env is unwrapped: it never truncates. {@code Acrobot-v1}'s 500-step limit is added by
 * {@link ClassicControl}. Not thread-safe: use one instance from one thread at a time.
 */
public final class Acrobot extends ClassicControlEnv {
    public static final double DT = 0.2;
    public static final double LINK_LENGTH_1 = 1.0;
    public static final double LINK_LENGTH_2 = 1.0;
    public static final double LINK_MASS_1 = 1.0;
    public static final double LINK_MASS_2 = 1.0;
    public static final double LINK_COM_POS_1 = 0.5;
    public static final double LINK_COM_POS_2 = 0.5;
    public static final double LINK_MOI = 1.0;
    public static final double MAX_VEL_1 = 4 * Math.PI;
    public static final double MAX_VEL_2 = 9 * Math.PI;
    private static final double GRAVITY = 9.8;

    // Short names and left-to-right prefixes of the products in Gymnasium's _dsdt, so that every
    // expression below rounds exactly as the Python original does.
    private static final double M1 = LINK_MASS_1;
    private static final double M2 = LINK_MASS_2;
    private static final double L1 = LINK_LENGTH_1;
    private static final double LC1 = LINK_COM_POS_1;
    private static final double LC2 = LINK_COM_POS_2;
    private static final double I1 = LINK_MOI;
    private static final double I2 = LINK_MOI;
    /** {@code m1 * lc1**2}. */
    private static final double D1_A = M1 * (LC1 * LC1);
    /** {@code l1**2 + lc2**2}. */
    private static final double D1_B = L1 * L1 + LC2 * LC2;
    /** {@code 2 * l1 * lc2}. */
    private static final double D1_C = 2 * L1 * LC2;
    /** {@code lc2**2}. */
    private static final double LC2_SQ = LC2 * LC2;
    /** {@code l1 * lc2}. */
    private static final double L1_LC2 = L1 * LC2;
    /** {@code m2 * lc2 * g}. */
    private static final double PHI2_GAIN = M2 * LC2 * GRAVITY;
    /** {@code -m2 * l1 * lc2}. */
    private static final double PHI1_A = -M2 * L1 * LC2;
    /** {@code 2 * m2 * l1 * lc2}. */
    private static final double PHI1_B = 2 * M2 * L1 * LC2;
    /** {@code (m1 * lc1 + m2 * l1) * g}. */
    private static final double PHI1_C = (M1 * LC1 + M2 * L1) * GRAVITY;
    /** {@code m2 * l1 * lc2}. */
    private static final double BOOK_GAIN = M2 * L1 * LC2;
    /** {@code m2 * lc2**2 + I2}. */
    private static final double DEN_A = M2 * LC2_SQ + I2;
    private static final double HALF_PI = Math.PI / 2.0;

    private static final double DT2 = DT / 2.0;
    private static final double DT6 = DT / 6.0;
    private static final double WRAP_DIFF = Math.PI - -Math.PI;

    private static final double RESET_LOW = -0.1;
    private static final double RESET_HIGH = 0.1;

    private static final Box OBSERVATION_SPACE = Box.of(
            new float[] {-1.0f, -1.0f, -1.0f, -1.0f, (float) -MAX_VEL_1, (float) -MAX_VEL_2},
            new float[] {1.0f, 1.0f, 1.0f, 1.0f, (float) MAX_VEL_1, (float) MAX_VEL_2});
    private static final Discrete ACTION_SPACE = new Discrete(3);

    private double theta1;
    private double theta2;
    private double dtheta1;
    private double dtheta2;
    /** Outputs of {@link #dsdt}, kept in fields so that stepping allocates nothing. */
    private double ddtheta1;
    private double ddtheta2;

    public Acrobot() {
        super("Acrobot", OBSERVATION_SPACE, ACTION_SPACE, 4);
    }

    @Override
    protected void resetState() {
        theta1 = uniformFloat32();
        theta2 = uniformFloat32();
        dtheta1 = uniformFloat32();
        dtheta2 = uniformFloat32();
    }

    /** {@code np_random.uniform(-0.1, 0.1)} followed by Gymnasium's {@code .astype(np.float32)}. */
    private double uniformFloat32() {
        return (float) (RESET_LOW + (RESET_HIGH - RESET_LOW) * rng.nextDouble());
    }

    @Override
    protected void advance(ActionBatch actions, int index, Transition out) {
        int action = actions.discrete(index);
        if (action < 0 || action > 2) {
            throw new InvalidActionException("Acrobot: action " + action + " is outside Discrete(3)", index);
        }
        double torque = action - 1; // AVAIL_TORQUE = [-1.0, 0.0, +1]

        // rk4(_dsdt, [s, torque], [0, dt]): one step; the torque component's derivative is 0.
        double y0 = theta1;
        double y1 = theta2;
        double y2 = dtheta1;
        double y3 = dtheta2;

        dsdt(y0, y1, y2, y3, torque);
        double k1a = y2;
        double k1b = y3;
        double k1c = ddtheta1;
        double k1d = ddtheta2;

        dsdt(y0 + DT2 * k1a, y1 + DT2 * k1b, y2 + DT2 * k1c, y3 + DT2 * k1d, torque);
        double k2a = y2 + DT2 * k1c;
        double k2b = y3 + DT2 * k1d;
        double k2c = ddtheta1;
        double k2d = ddtheta2;

        dsdt(y0 + DT2 * k2a, y1 + DT2 * k2b, y2 + DT2 * k2c, y3 + DT2 * k2d, torque);
        double k3a = y2 + DT2 * k2c;
        double k3b = y3 + DT2 * k2d;
        double k3c = ddtheta1;
        double k3d = ddtheta2;

        dsdt(y0 + DT * k3a, y1 + DT * k3b, y2 + DT * k3c, y3 + DT * k3d, torque);
        double k4a = y2 + DT * k3c;
        double k4b = y3 + DT * k3d;
        double k4c = ddtheta1;
        double k4d = ddtheta2;

        double n0 = y0 + DT6 * (k1a + 2 * k2a + 2 * k3a + k4a);
        double n1 = y1 + DT6 * (k1b + 2 * k2b + 2 * k3b + k4b);
        double n2 = y2 + DT6 * (k1c + 2 * k2c + 2 * k3c + k4c);
        double n3 = y3 + DT6 * (k1d + 2 * k2d + 2 * k3d + k4d);

        theta1 = wrap(n0);
        theta2 = wrap(n1);
        dtheta1 = Math.min(Math.max(n2, -MAX_VEL_1), MAX_VEL_1);
        dtheta2 = Math.min(Math.max(n3, -MAX_VEL_2), MAX_VEL_2);

        boolean terminated = -Math.cos(theta1) - Math.cos(theta2 + theta1) > 1.0;
        out.set(terminated ? 0.0f : -1.0f, terminated, false);
    }

    /** Gymnasium's {@code _dsdt} ("book" dynamics): writes {@link #ddtheta1} and {@link #ddtheta2}. */
    private void dsdt(double t1, double t2, double dt1, double dt2, double a) {
        double cos2 = Math.cos(t2);
        double sin2 = Math.sin(t2);
        double d1 = D1_A + M2 * (D1_B + D1_C * cos2) + I1 + I2;
        double d2 = M2 * (LC2_SQ + L1_LC2 * cos2) + I2;
        double phi2 = PHI2_GAIN * Math.cos(t1 + t2 - HALF_PI);
        double phi1 = PHI1_A * (dt2 * dt2) * sin2
                - PHI1_B * dt2 * dt1 * sin2
                + PHI1_C * Math.cos(t1 - HALF_PI)
                + phi2;
        double dd2 = (a + d2 / d1 * phi1 - BOOK_GAIN * (dt1 * dt1) * sin2 - phi2) / (DEN_A - (d2 * d2) / d1);
        ddtheta2 = dd2;
        ddtheta1 = -(d2 * dd2 + phi1) / d1;
    }

    /** Gymnasium's {@code wrap(x, -pi, pi)}; non-finite values are returned unchanged. */
    private static double wrap(double x) {
        if (!Double.isFinite(x)) {
            return x;
        }
        while (x > Math.PI) {
            x = x - WRAP_DIFF;
        }
        while (x < -Math.PI) {
            x = x + WRAP_DIFF;
        }
        return x;
    }

    @Override
    protected void writeObservation(float[] obs, int off) {
        obs[off] = (float) Math.cos(theta1);
        obs[off + 1] = (float) Math.sin(theta1);
        obs[off + 2] = (float) Math.cos(theta2);
        obs[off + 3] = (float) Math.sin(theta2);
        obs[off + 4] = (float) dtheta1;
        obs[off + 5] = (float) dtheta2;
    }

    /** The physical state {@code [theta1, theta2, dtheta1, dtheta2]}. */
    @Override
    protected void getState(double[] out) {
        out[0] = theta1;
        out[1] = theta2;
        out[2] = dtheta1;
        out[3] = dtheta2;
    }

    @Override
    protected void putState(double[] in) {
        theta1 = in[0];
        theta2 = in[1];
        dtheta1 = in[2];
        dtheta2 = in[3];
    }
}
