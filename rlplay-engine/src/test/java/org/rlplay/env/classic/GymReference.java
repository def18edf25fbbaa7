package org.rlplay.env.classic;

import java.util.function.UnaryOperator;

/**
 * Independent, deliberately naive transcriptions of Gymnasium's classic-control {@code step}
 * functions (Gymnasium 1.x sources), used as test oracles. They work on {@code double[]} states, use
 * a generic array-based RK4 like Gymnasium's {@code rk4}, and recompute every constant inline, so
 * that they share no code or precomputed constants with the envs under test.
 */
final class GymReference {
    private GymReference() {
    }

    /** Result of one reference step. */
    record Step(double[] state, double reward, boolean terminated) {
    }

    // ---------------------------------------------------------------- CartPole-v1

    static Step cartPole(double[] s, int action) {
        double gravity = 9.8;
        double masscart = 1.0;
        double masspole = 0.1;
        double totalMass = masspole + masscart;
        double length = 0.5;
        double polemassLength = masspole * length;
        double forceMag = 10.0;
        double tau = 0.02;
        double x = s[0];
        double xDot = s[1];
        double theta = s[2];
        double thetaDot = s[3];
        double force = action == 1 ? forceMag : -forceMag;
        double costheta = Math.cos(theta);
        double sintheta = Math.sin(theta);
        double temp = (force + polemassLength * Math.pow(thetaDot, 2) * sintheta) / totalMass;
        double thetaacc = (gravity * sintheta - costheta * temp)
                / (length * (4.0 / 3.0 - masspole * Math.pow(costheta, 2) / totalMass));
        double xacc = temp - polemassLength * thetaacc * costheta / totalMass;
        x = x + tau * xDot;
        xDot = xDot + tau * xacc;
        theta = theta + tau * thetaDot;
        thetaDot = thetaDot + tau * thetaacc;
        double thetaThreshold = 12 * 2 * Math.PI / 360;
        boolean terminated = x < -2.4 || x > 2.4 || theta < -thetaThreshold || theta > thetaThreshold;
        return new Step(new double[] {x, xDot, theta, thetaDot}, 1.0, terminated);
    }

    // ---------------------------------------------------------------- MountainCar-v0

    static Step mountainCar(double[] s, int action) {
        double position = s[0];
        double velocity = s[1];
        velocity += (action - 1) * 0.001 + Math.cos(3 * position) * (-0.0025);
        velocity = velocity < -0.07 ? -0.07 : velocity > 0.07 ? 0.07 : velocity;
        position += velocity;
        position = position < -1.2 ? -1.2 : position > 0.6 ? 0.6 : position;
        if (position == -1.2 && velocity < 0) {
            velocity = 0;
        }
        boolean terminated = position >= 0.5 && velocity >= 0;
        return new Step(new double[] {position, velocity}, -1.0, terminated);
    }

    // ---------------------------------------------------------------- Acrobot-v1

    /** Gymnasium's {@code _dsdt} on the augmented state {@code [theta1, theta2, dtheta1, dtheta2, torque]}. */
    static double[] acrobotDsdt(double[] sAugmented) {
        double m1 = 1.0;
        double m2 = 1.0;
        double l1 = 1.0;
        double lc1 = 0.5;
        double lc2 = 0.5;
        double i1 = 1.0;
        double i2 = 1.0;
        double g = 9.8;
        double a = sAugmented[4];
        double theta1 = sAugmented[0];
        double theta2 = sAugmented[1];
        double dtheta1 = sAugmented[2];
        double dtheta2 = sAugmented[3];
        double d1 = m1 * Math.pow(lc1, 2) + m2 * (Math.pow(l1, 2) + Math.pow(lc2, 2) + 2 * l1 * lc2 * Math.cos(theta2))
                + i1 + i2;
        double d2 = m2 * (Math.pow(lc2, 2) + l1 * lc2 * Math.cos(theta2)) + i2;
        double phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -m2 * l1 * lc2 * Math.pow(dtheta2, 2) * Math.sin(theta2)
                - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2)
                + (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2)
                + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * Math.pow(dtheta1, 2) * Math.sin(theta2) - phi2)
                / (m2 * Math.pow(lc2, 2) + i2 - Math.pow(d2, 2) / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        return new double[] {dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0};
    }

    /** Gymnasium's {@code rk4(derivs, y0, t)} for the sample times {@code t}, returning the last row. */
    static double[] rk4(UnaryOperator<double[]> derivs, double[] y0, double[] t) {
        double[][] yout = new double[t.length][];
        yout[0] = y0.clone();
        for (int i = 0; i < t.length - 1; i++) {
            double dt = t[i + 1] - t[i];
            double dt2 = dt / 2.0;
            double[] y = yout[i];
            double[] k1 = derivs.apply(y);
            double[] k2 = derivs.apply(axpy(y, dt2, k1));
            double[] k3 = derivs.apply(axpy(y, dt2, k2));
            double[] k4 = derivs.apply(axpy(y, dt, k3));
            double[] next = new double[y.length];
            for (int j = 0; j < y.length; j++) {
                next[j] = y[j] + dt / 6.0 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
            }
            yout[i + 1] = next;
        }
        return yout[t.length - 1];
    }

    private static double[] axpy(double[] y, double a, double[] k) {
        double[] r = new double[y.length];
        for (int j = 0; j < y.length; j++) {
            r[j] = y[j] + a * k[j];
        }
        return r;
    }

    static double wrap(double x, double m, double bigM) {
        double diff = bigM - m;
        while (x > bigM) {
            x = x - diff;
        }
        while (x < m) {
            x = x + diff;
        }
        return x;
    }

    static double bound(double x, double m, double bigM) {
        return Math.min(Math.max(x, m), bigM);
    }

    static Step acrobot(double[] s, int action) {
        double[] availTorque = {-1.0, 0.0, +1};
        double[] augmented = {s[0], s[1], s[2], s[3], availTorque[action]};
        double[] ns = rk4(GymReference::acrobotDsdt, augmented, new double[] {0, 0.2});
        double[] state = {
            wrap(ns[0], -Math.PI, Math.PI),
            wrap(ns[1], -Math.PI, Math.PI),
            bound(ns[2], -4 * Math.PI, 4 * Math.PI),
            bound(ns[3], -9 * Math.PI, 9 * Math.PI)};
        boolean terminated = -Math.cos(state[0]) - Math.cos(state[1] + state[0]) > 1.0;
        return new Step(state, terminated ? 0.0 : -1.0, terminated);
    }

    // ---------------------------------------------------------------- Pendulum-v1

    /** Python's float modulo (result has the sign of the divisor). */
    static double pyMod(double a, double b) {
        return a - b * Math.floor(a / b);
    }

    static double angleNormalize(double x) {
        return pyMod(x + Math.PI, 2 * Math.PI) - Math.PI;
    }

    static Step pendulum(double[] s, double u, double g) {
        double maxSpeed = 8;
        double maxTorque = 2.0;
        double dt = 0.05;
        double m = 1.0;
        double l = 1.0;
        double th = s[0];
        double thdot = s[1];
        u = Math.max(-maxTorque, Math.min(maxTorque, u));
        double costs = Math.pow(angleNormalize(th), 2) + 0.1 * Math.pow(thdot, 2) + 0.001 * Math.pow(u, 2);
        double newthdot = thdot + (3 * g / (2 * l) * Math.sin(th) + 3.0 / (m * Math.pow(l, 2)) * u) * dt;
        newthdot = Math.max(-maxSpeed, Math.min(maxSpeed, newthdot));
        double newth = th + newthdot * dt;
        return new Step(new double[] {newth, newthdot}, -costs, false);
    }
}
