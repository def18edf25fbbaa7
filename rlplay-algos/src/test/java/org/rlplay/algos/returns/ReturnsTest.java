package org.rlplay.algos.returns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every return and advantage against literal hand-computed numbers and a brute-force reference. */
class ReturnsTest {
    static final float EPS = 1e-5f;

    /**
     * T = 3, N = 2 hand case. Env 0 runs through; env 1's episode is truncated at record 2 (its final
     * observation is worth 10); record 0 holds garbage that must never be read.
     */
    static Trajectory handCase() {
        float[] rew = {Float.NaN, Float.NaN, 1, 1, 2, 2, 3, 3};
        boolean[] fin = {true, true, false, false, false, true, false, false};
        boolean[] trunc = {true, false, false, false, false, true, false, false};
        return new Trajectory(3, 2, rew, fin, trunc);
    }

    static final float[] HAND_VALUES = {1, 1, 2, 2, 3, 3, 4, 4};
    static final float[] HAND_FINAL = {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, 10, Float.NaN, Float.NaN};

    @Test
    void discountedReturnsMatchHandComputedNumbers() {
        float[] out = Returns.discounted(handCase(), HAND_VALUES, HAND_FINAL, 0.5f, new float[6]);
        // env 0: G2 = 3 + .5*4 = 5, G1 = 2 + .5*5 = 4.5, G0 = 1 + .5*4.5 = 3.25
        // env 1: G2 = 5, G1 = 2 + .5*10 = 7 (truncated: bootstrap from v(finalObs)), G0 = 1 + .5*7 = 4.5
        assertArrayEquals(new float[] {3.25f, 4.5f, 4.5f, 7f, 5f, 5f}, out, EPS);
    }

    @Test
    void terminatedEndBootstrapsFromZero() {
        Trajectory tr = handCase();
        tr.trunc()[5] = false;
        float[] out = Returns.discounted(tr, HAND_VALUES, null, 0.5f, new float[6]);
        // env 1: G1 = 2 + 0, G0 = 1 + .5*2 = 2
        assertArrayEquals(new float[] {3.25f, 2f, 4.5f, 2f, 5f, 5f}, out, EPS);
    }

    @Test
    void nullTruncMeansEveryEndTerminates() {
        Trajectory tr = handCase();
        Trajectory noTrunc = new Trajectory(3, 2, tr.rew(), tr.fin(), null);
        float[] out = Returns.discounted(noTrunc, HAND_VALUES, null, 0.5f, new float[6]);
        assertArrayEquals(new float[] {3.25f, 2f, 4.5f, 2f, 5f, 5f}, out, EPS);
    }

    @Test
    void nStepReturnsMatchHandComputedNumbers() {
        float[] out = Returns.nStep(handCase(), HAND_VALUES, HAND_FINAL, 0.5f, 2, new float[6]);
        // env 0: G0 = 1 + .5*2 + .25*V2 = 2.75, G1 = 2 + .5*3 + .25*V3 = 4.5, G2 = 3 + .5*V3 = 5 (cut at T)
        // env 1: G0 = 1 + .5*2 + .25*10 = 4.5 (ends at 2), G1 = 2 + .5*10 = 7, G2 = 5
        assertArrayEquals(new float[] {2.75f, 4.5f, 4.5f, 7f, 5f, 5f}, out, EPS);
        float[] one = Returns.nStep(handCase(), HAND_VALUES, HAND_FINAL, 0.5f, 1, new float[6]);
        // one step: r + .5 * next
        assertArrayEquals(new float[] {2f, 2f, 3.5f, 7f, 5f, 5f}, one, EPS);
    }

    @Test
    void tdErrorsMatchHandComputedNumbers() {
        float[] out = Returns.tdErrors(handCase(), HAND_VALUES, HAND_FINAL, 0.5f, new float[6]);
        // env 0: 1 + 1 - 1 = 1, 2 + 1.5 - 2 = 1.5, 3 + 2 - 3 = 2; env 1: 1, 2 + 5 - 2 = 5, 2
        assertArrayEquals(new float[] {1f, 1f, 1.5f, 5f, 2f, 2f}, out, EPS);
    }

    @Test
    void gaeMatchesHandComputedNumbers() {
        float[] out = Returns.gae(handCase(), HAND_VALUES, HAND_FINAL, 0.5f, 0.5f, new float[6]);
        // env 0: A2 = 2, A1 = 1.5 + .25*2 = 2, A0 = 1 + .25*2 = 1.5
        // env 1: A2 = 2, A1 = 5 (episode ends), A0 = 1 + .25*5 = 2.25
        assertArrayEquals(new float[] {1.5f, 2.25f, 2f, 5f, 2f, 2f}, out, EPS);
    }

    @Test
    void vtraceMatchesHandComputedNumbers() {
        // T = 2, N = 1, gamma .5, values 1 2 3, rewards 1 2, ratios 2 and .5
        Trajectory tr = new Trajectory(2, 1, new float[] {0, 1, 2}, new boolean[3], new boolean[3]);
        float[] values = {1, 2, 3};
        float[] logRhos = {(float) Math.log(2), (float) Math.log(0.5)};
        float[] vs = new float[2];
        float[] pg = new float[2];
        Returns.vtrace(tr, values, null, logRhos, 0.5f, 1f, 1f, vs, pg);
        // rho1 = c1 = .5: vs1 = 2 + .5*(2 + 1.5 - 2) = 2.75; rho0 = c0 = 1: vs0 = 1 + 1 + .5*.75 = 2.375
        // pg1 = .5*(2 + .5*3 - 2) = .75; pg0 = 1*(1 + .5*2.75 - 1) = 1.375
        assertArrayEquals(new float[] {2.375f, 2.75f}, vs, EPS);
        assertArrayEquals(new float[] {1.375f, 0.75f}, pg, EPS);
        Returns.vtrace(tr, values, null, logRhos, 0.5f, 1.5f, 1f, vs, pg);
        // rho0 = 1.5, c0 = 1: vs0 = 1 + 1.5 + .5*.75 = 2.875; pg0 = 1.5*1.375
        assertArrayEquals(new float[] {2.875f, 2.75f}, vs, EPS);
        assertArrayEquals(new float[] {2.0625f, 0.75f}, pg, EPS);
    }

    /** A random trajectory with ends and truncations inside, garbage in record 0. */
    static final class RandomCase {
        final Trajectory tr;
        final float[] values;
        final float[] finalValues;
        final float[] logRhos;

        RandomCase(SplittableRandom rng) {
            int len = 1 + rng.nextInt(12);
            int n = 1 + rng.nextInt(4);
            int cells = (len + 1) * n;
            float[] rew = new float[cells];
            boolean[] fin = new boolean[cells];
            boolean[] trunc = new boolean[cells];
            values = new float[cells];
            finalValues = new float[cells];
            for (int i = 0; i < cells; i++) {
                rew[i] = i < n ? Float.NaN : (float) rng.nextDouble(-2, 2);
                fin[i] = rng.nextDouble() < 0.25;
                trunc[i] = fin[i] && rng.nextBoolean();
                values[i] = (float) rng.nextDouble(-5, 5);
                // final values exist only where an episode was truncated: NaN elsewhere proves they are not read
                finalValues[i] = trunc[i] && i >= n ? (float) rng.nextDouble(-5, 5) : Float.NaN;
            }
            logRhos = new float[len * n];
            for (int i = 0; i < logRhos.length; i++) {
                logRhos[i] = (float) rng.nextDouble(-1.5, 1.5);
            }
            tr = new Trajectory(len, n, rew, fin, trunc);
        }
    }

    interface Reference {
        double at(BruteForce ref, int t, int j);
    }

    static void assertMatches(RandomCase c, float[] actual, BruteForce ref, Reference expected, String what) {
        int n = c.tr.numEnvs();
        for (int t = 0; t < c.tr.length(); t++) {
            for (int j = 0; j < n; j++) {
                double e = expected.at(ref, t, j);
                assertTrue(Double.isFinite(e), what + " reference is finite");
                assertEquals(e, actual[t * n + j], 1e-4 * Math.max(1, Math.abs(e)), what + " t=" + t + " j=" + j);
            }
        }
    }

    @Test
    void everyEstimatorMatchesTheBruteForceReferenceOnRandomTrajectories() {
        SplittableRandom rng = new SplittableRandom(42);
        int ends = 0;
        int truncations = 0;
        for (int trial = 0; trial < 300; trial++) {
            RandomCase c = new RandomCase(rng);
            float gamma = (float) rng.nextDouble(0.5, 1.0);
            float lambda = (float) rng.nextDouble(0, 1);
            int steps = 1 + rng.nextInt(6);
            float rhoBar = (float) rng.nextDouble(0.5, 2);
            float cBar = (float) rng.nextDouble(0.5, 2);
            BruteForce ref = new BruteForce(c.tr, c.values, c.finalValues, gamma);
            int cells = c.tr.transitions();
            assertMatches(c, Returns.discounted(c.tr, c.values, c.finalValues, gamma, new float[cells]), ref,
                    BruteForce::discounted, "discounted");
            assertMatches(c, Returns.nStep(c.tr, c.values, c.finalValues, gamma, steps, new float[cells]), ref,
                    (r, t, j) -> r.nStep(t, j, steps), "nStep(" + steps + ")");
            assertMatches(c, Returns.tdErrors(c.tr, c.values, c.finalValues, gamma, new float[cells]), ref,
                    BruteForce::delta, "tdErrors");
            assertMatches(c, Returns.gae(c.tr, c.values, c.finalValues, gamma, lambda, new float[cells]), ref,
                    (r, t, j) -> r.gae(t, j, lambda), "gae");
            float[] vs = new float[cells];
            float[] pg = new float[cells];
            Returns.vtrace(c.tr, c.values, c.finalValues, c.logRhos, gamma, rhoBar, cBar, vs, pg);
            assertMatches(c, vs, ref, (r, t, j) -> r.vs(t, j, c.logRhos, rhoBar, cBar), "vtrace vs");
            assertMatches(c, pg, ref, (r, t, j) -> r.pg(t, j, c.logRhos, rhoBar, cBar), "vtrace pg");
            for (int i = c.tr.numEnvs(); i < c.tr.records(); i++) {
                ends += c.tr.fin()[i] ? 1 : 0;
                truncations += c.tr.trunc()[i] ? 1 : 0;
            }
        }
        assertTrue(ends > 300 && truncations > 100, "the random cases exercise ends and truncations");
    }

    @Test
    void specialCasesAgreeWithEachOther() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            RandomCase c = new RandomCase(rng);
            int cells = c.tr.transitions();
            float gamma = 0.9f;
            float[] g = Returns.discounted(c.tr, c.values, c.finalValues, gamma, new float[cells]);
            assertArrayEquals(g, Returns.nStep(c.tr, c.values, c.finalValues, gamma, c.tr.length(), new float[cells]), 1e-4f);
            float[] gae1 = Returns.gae(c.tr, c.values, c.finalValues, gamma, 1f, new float[cells]);
            float[] gae0 = Returns.gae(c.tr, c.values, c.finalValues, gamma, 0f, new float[cells]);
            float[] td = Returns.tdErrors(c.tr, c.values, c.finalValues, gamma, new float[cells]);
            float[] oneStep = Returns.nStep(c.tr, c.values, c.finalValues, gamma, 1, new float[cells]);
            assertArrayEquals(td, gae0, 1e-5f);
            float[] vs = new float[cells];
            float[] pg = new float[cells];
            Returns.vtrace(c.tr, c.values, c.finalValues, new float[cells], gamma, 1f, 1f, vs, pg);
            for (int i = 0; i < cells; i++) {
                assertEquals(g[i] - c.values[i], gae1[i], 1e-4f, "GAE(1) = G - V");
                assertEquals(oneStep[i] - c.values[i], td[i], 1e-4f, "delta = 1-step target - V");
                assertEquals(g[i], vs[i], 1e-4f, "on-policy V-trace targets = discounted returns");
                assertEquals(gae1[i], pg[i], 1e-4f, "on-policy V-trace pg advantages = GAE(1)");
            }
        }
    }

    @Test
    void aTruncationWithoutFinalValuesIsAnErrorNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Returns.discounted(handCase(), HAND_VALUES, null, 0.5f, new float[6]));
        assertTrue(e.getMessage().contains("finalValues") && e.getMessage().contains("record 2, env 1"), e.getMessage());
    }

    @Test
    void badShapesAndParametersAreErrorsNamingTheField() {
        Trajectory tr = handCase();
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Returns.gae(tr, new float[7], HAND_FINAL, 0.5f, 0.5f, new float[6])).getMessage().startsWith("values"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Returns.gae(tr, HAND_VALUES, HAND_FINAL, 0.5f, 0.5f, new float[8])).getMessage().startsWith("out"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Returns.gae(tr, HAND_VALUES, HAND_FINAL, 0.5f, 1.5f, new float[6])).getMessage().startsWith("lambda"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Returns.nStep(tr, HAND_VALUES, HAND_FINAL, 0.5f, 0, new float[6])).getMessage().startsWith("steps"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Trajectory(3, 2, new float[8], new boolean[6], null)).getMessage().startsWith("fin"));
    }
}
