package org.rlplay.algos.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Gaussian log-density, entropy and tanh change of variables against hand-computed values, a
 * numerically integrated density and finite differences.
 */
class GaussianTest {
    static final float EPS = 1e-5f;
    static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void logProbOfADiagonalGaussianSumsTheDimensions() {
        // row 0: N(0, 1) at 1 -> -0.5 - 0.9189385;  N(1, e^0.5) at 2 -> -0.5 e^-1 - 0.5 - 0.9189385
        // row 1: N(-1, e^-1) at -1 -> 1 - 0.9189385; N(0, 1) at -2 -> -2 - 0.9189385
        NDArray mean = m.create(new float[] {0, 1, -1, 0}, new Shape(2, 2));
        NDArray logStd = m.create(new float[] {0, 0.5f, -1, 0}, new Shape(2, 2));
        NDArray x = m.create(new float[] {1, 2, -1, -2}, new Shape(2, 2));
        double row0 = (-0.5 - HALF_LOG_TWO_PI) + (-0.5 * Math.exp(-1) - 0.5 - HALF_LOG_TWO_PI);
        double row1 = (1 - HALF_LOG_TWO_PI) + (-2 - HALF_LOG_TWO_PI);
        assertArrayEquals(new float[] {(float) row0, (float) row1}, Gaussian.logProb(mean, logStd, x).toFloatArray(), EPS);
        assertEquals(-1.4189385f, (float) (-0.5 - HALF_LOG_TWO_PI), 1e-7f);
    }

    @Test
    void entropyOfADiagonalGaussian() {
        // H(N(., sigma)) = 0.5 + 0.5 log(2 pi) + log sigma = 1.4189385 + log sigma per dimension
        NDArray logStd = m.create(new float[] {0, 0, -1, 0.5f}, new Shape(2, 2));
        assertArrayEquals(new float[] {2 * 1.4189385f, 2 * 1.4189385f - 0.5f}, Gaussian.entropy(logStd).toFloatArray(), EPS);
    }

    @Test
    void logProbWorksOnTimeByEnvBatchesAndChecksShapes() {
        NDArray mean = m.zeros(new Shape(3, 2, 4));
        NDArray logStd = m.zeros(new Shape(3, 2, 4));
        NDArray x = m.zeros(new Shape(3, 2, 4));
        NDArray lp = Gaussian.logProb(mean, logStd, x);
        assertEquals(new Shape(3, 2), lp.getShape());
        assertTrue(lp.eq(m.create((float) (-4 * HALF_LOG_TWO_PI))).all().getBoolean());
        assertThrows(IllegalArgumentException.class, () -> Gaussian.logProb(mean, logStd, m.zeros(new Shape(3, 2))));
        assertThrows(IllegalArgumentException.class, () -> Gaussian.logProb(mean, m.zeros(new Shape(3, 2, 1)), x));
        assertThrows(IllegalArgumentException.class, () -> Gaussian.entropy(m.create(1f)));
    }

    @Test
    void tanhLogJacobianIsLogOfOneMinusTanhSquaredAndStaysFiniteInTheTails() {
        float[] u = {0f, 0.5f, -1.5f, 3f, 20f, -40f};
        NDArray j = Gaussian.tanhLogJacobian(m.create(u, new Shape(6, 1)));
        float[] got = j.toFloatArray();
        for (int i = 0; i < 4; i++) {
            double t = Math.tanh(u[i]);
            assertEquals(Math.log(1 - t * t), got[i], 1e-5, "u = " + u[i]);
        }
        // 1 - tanh(u)^2 underflows in float32 here; the exact value is log(4) - 2|u| + O(e^-2|u|).
        assertEquals(Math.log(4) - 40, got[4], 1e-4);
        assertEquals(Math.log(4) - 80, got[5], 1e-4);
    }

    /** Density of {@code a = bias + scale * tanh(u)}, u ~ N(mean, std), from squashedLogProb and logScale. */
    private double[] squashedDensity(double[] a, float mean, float logStd, float bias, float scale) {
        float[] u = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            double y = (a[i] - bias) / scale;
            u[i] = (float) (0.5 * Math.log((1 + y) / (1 - y)));
        }
        NDArray uu = m.create(u, new Shape(a.length, 1));
        NDArray mu = m.full(new Shape(a.length, 1), mean);
        NDArray ls = m.full(new Shape(a.length, 1), logStd);
        float[] lp = Gaussian.squashedLogProb(mu, ls, uu).sub(Gaussian.logScale(new float[] {scale})).toFloatArray();
        double[] p = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            p[i] = Math.exp(lp[i]);
        }
        return p;
    }

    @Test
    void squashedDensityIntegratesToOneOverTheBox() {
        // a in (-2, 2) as for Pendulum's torque; u ~ N(0.7, e^-0.3). Midpoint rule on 200,000 cells.
        int cells = 200_000;
        double lo = -2;
        double hi = 2;
        double h = (hi - lo) / cells;
        double[] a = new double[cells];
        for (int i = 0; i < cells; i++) {
            a[i] = lo + (i + 0.5) * h;
        }
        double total = 0;
        for (double p : squashedDensity(a, 0.7f, -0.3f, 0f, 2f)) {
            total += p * h;
        }
        assertEquals(1.0, total, 1e-3);
    }

    @Test
    void squashedDensityIsTheDerivativeOfTheSquashedCdf() {
        // P(a <= y) = Phi((atanh((y - bias) / scale) - mean) / std); its central difference is the density.
        float mean = -0.4f;
        float logStd = 0.2f;
        float bias = 0.5f;
        float scale = 1.5f;
        double[] ys = {-0.8, 0.0, 0.5, 1.2, 1.9};
        double[] p = squashedDensity(ys, mean, logStd, bias, scale);
        double hStep = 1e-4;
        for (int i = 0; i < ys.length; i++) {
            double fd = (cdf(ys[i] + hStep, mean, logStd, bias, scale) - cdf(ys[i] - hStep, mean, logStd, bias, scale))
                    / (2 * hStep);
            assertEquals(fd, p[i], 1e-4 * Math.max(1, fd), "density at " + ys[i]);
        }
    }

    private static double cdf(double y, double mean, double logStd, double bias, double scale) {
        double x = (y - bias) / scale;
        double u = 0.5 * Math.log((1 + x) / (1 - x));
        return 0.5 * (1 + erf((u - mean) / (Math.exp(logStd) * Math.sqrt(2))));
    }

    /** erf by its Taylor series (|x| &lt; 3 here), accurate to ~1e-13. */
    private static double erf(double x) {
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void gradientsOfTheSquashedLogProbMatchFiniteDifferences() {
        // d/d(mean), d/d(logStd) and d/du (the reparameterised path) of squashedLogProb, against central differences.
        float[] mean = {0.3f, -1.2f};
        float[] logStd = {-0.5f, 0.4f};
        float[] u = {1.1f, -2.5f};
        NDArray mu = m.create(mean, new Shape(1, 2));
        NDArray ls = m.create(logStd, new Shape(1, 2));
        NDArray uu = m.create(u, new Shape(1, 2));
        for (NDArray a : new NDArray[] {mu, ls, uu}) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(Gaussian.squashedLogProb(mu, ls, uu).sum());
        }
        float[][] grads = {mu.getGradient().toFloatArray(), ls.getGradient().toFloatArray(), uu.getGradient().toFloatArray()};
        float[][] points = {mean, logStd, u};
        double h = 1e-3;
        for (int which = 0; which < 3; which++) {
            for (int i = 0; i < 2; i++) {
                double[] plus = perturbed(points, which, i, h);
                double[] minus = perturbed(points, which, i, -h);
                double fd = (f(plus) - f(minus)) / (2 * h);
                assertEquals(fd, grads[which][i], 2e-3, "argument " + which + " element " + i);
            }
        }
    }

    private static double[] perturbed(float[][] points, int which, int i, double h) {
        double[] x = new double[6];
        for (int k = 0; k < 3; k++) {
            for (int d = 0; d < 2; d++) {
                x[2 * k + d] = points[k][d] + (k == which && d == i ? h : 0);
            }
        }
        return x;
    }

    /** The squashed log-density in double, written out directly: log N(u) - log(1 - tanh(u)^2). */
    private static double f(double[] x) {
        double sum = 0;
        for (int d = 0; d < 2; d++) {
            double mean = x[d];
            double logStd = x[2 + d];
            double u = x[4 + d];
            double z = (u - mean) / Math.exp(logStd);
            double t = Math.tanh(u);
            sum += -0.5 * z * z - logStd - HALF_LOG_TWO_PI - Math.log(1 - t * t);
        }
        return sum;
    }

    @Test
    void logScaleIsTheSumOfLogScalesAndRejectsBadScales() {
        assertEquals((float) Math.log(6), Gaussian.logScale(new float[] {2, 3}), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Gaussian.logScale(new float[] {0}));
        assertThrows(IllegalArgumentException.class, () -> Gaussian.logScale(new float[] {Float.POSITIVE_INFINITY}));
        assertEquals(DataType.FLOAT32, Gaussian.entropy(m.zeros(new Shape(1, 1))).getDataType());
    }
}
