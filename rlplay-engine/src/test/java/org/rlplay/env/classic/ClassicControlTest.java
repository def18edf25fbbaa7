package org.rlplay.env.classic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.TimeLimit;
import org.rlplay.env.Transition;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;

/**
 * Pins the five classic-control envs to Gymnasium's published dynamics: literal first steps
 * computed by hand from Gymnasium's equations (a plain-Python float64 transcription of the Gymnasium
 * 1.x {@code step} code), multi-step trajectories against {@link GymReference}, termination rules,
 * rewards, reset distributions, seeding and the registered time limits.
 */
class ClassicControlTest {
    private static final double TIGHT = 1e-12;

    // ------------------------------------------------------------------ helpers

    /** Steps a single env with a discrete action. */
    private static Transition step(Env env, int action, float[] obs) {
        ActionBatch batch = new ActionBatch(env.actionSpace(), 1);
        batch.setDiscrete(0, action);
        Transition out = new Transition(0);
        env.step(batch, 0, obs, 0, out);
        return out;
    }

    /** Steps a single env with a one-element float action. */
    private static Transition stepFloat(Env env, float action, float[] obs) {
        ActionBatch batch = new ActionBatch(env.actionSpace(), 1);
        batch.floats()[0] = action;
        Transition out = new Transition(0);
        env.step(batch, 0, obs, 0, out);
        return out;
    }

    private static void assertClose(double[] expected, double[] actual, double relTol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tol = relTol * Math.max(1.0, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, what + ": element " + i + " of " + Arrays.toString(actual)
                    + " vs " + Arrays.toString(expected));
        }
    }

    private static float[] toFloats(double... values) {
        float[] f = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    // ------------------------------------------------------------------ CartPole-v1

    @Test
    void cartPoleSpacesMatchGymnasium() {
        CartPole env = new CartPole();
        Box obs = assertInstanceOf(Box.class, env.observationSpace());
        assertEquals(ElementType.FLOAT32, obs.elementType());
        assertArrayEquals(new int[] {4}, obs.shape());
        assertArrayEquals(new float[] {4.8f, Float.POSITIVE_INFINITY, 0.41887903f, Float.POSITIVE_INFINITY}, obs.high());
        assertArrayEquals(new float[] {-4.8f, Float.NEGATIVE_INFINITY, -0.41887903f, Float.NEGATIVE_INFINITY}, obs.low());
        assertEquals(new Discrete(2), env.actionSpace());
        assertEquals(0.20943951023931953, CartPole.THETA_THRESHOLD_RADIANS, 0.0);
        assertEquals(2.4, CartPole.X_THRESHOLD, 0.0);
    }

    @Test
    void cartPoleFirstStepMatchesHandComputedValues() {
        CartPole env = new CartPole();
        env.setState(0.01, -0.02, 0.03, 0.04);
        float[] obs = new float[4];
        Transition t = step(env, 1, obs);
        double[] expected = {0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081};
        assertClose(expected, env.state(), TIGHT, "CartPole state after push right");
        assertArrayEquals(toFloats(expected), obs);
        assertEquals(1.0f, t.reward());
        assertFalse(t.terminated());
        assertFalse(t.truncated());

        // Push left from the same state: the cart accelerates the other way.
        env.setState(0.01, -0.02, 0.03, 0.04);
        step(env, 0, obs);
        double[] left = GymReference.cartPole(new double[] {0.01, -0.02, 0.03, 0.04}, 0).state();
        assertClose(left, env.state(), TIGHT, "CartPole state after push left");
        assertTrue(env.state()[1] < -0.02, "pushing left decreases x_dot");
    }

    @Test
    void cartPoleTrajectoryMatchesReference() {
        int[] actions = {1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0};
        CartPole env = new CartPole();
        double[] ref = {0.01, -0.02, 0.03, 0.04};
        env.setState(ref.clone());
        float[] obs = new float[4];
        for (int a : actions) {
            Transition t = step(env, a, obs);
            GymReference.Step r = GymReference.cartPole(ref, a);
            ref = r.state();
            assertClose(ref, env.state(), TIGHT, "CartPole trajectory");
            assertArrayEquals(toFloats(ref), obs, 1e-7f);
            assertEquals(r.terminated(), t.terminated());
            assertEquals(1.0f, t.reward());
        }
        // Literal end point of the same 20 steps, computed in plain float64 Python from Gymnasium's code.
        assertClose(new double[] {0.06327285310613813, 0.3663783612320193, -0.02195390887598386, -0.46018269577700904},
                env.state(), 1e-11, "CartPole after 20 steps");
    }

    @Test
    void cartPoleTerminatesBeyondPositionThreshold() {
        CartPole env = new CartPole();
        float[] obs = new float[4];
        // x + tau * x_dot = 2.39 + 0.02 * 1.0 = 2.41 > 2.4
        env.setState(2.39, 1.0, 0.0, 0.0);
        Transition t = step(env, 1, obs);
        assertTrue(t.terminated());
        assertEquals(1.0f, t.reward(), "the terminating step still earns +1");
        assertFalse(t.truncated());
        // Stepping past termination earns 0 (steps_beyond_terminated).
        t = step(env, 1, obs);
        assertTrue(t.terminated());
        assertEquals(0.0f, t.reward());
        // setState clears that bookkeeping.
        env.setState(-2.39, -1.0, 0.0, 0.0);
        t = step(env, 0, obs);
        assertTrue(t.terminated());
        assertEquals(1.0f, t.reward());
        // Just inside: 2.38 + 0.02 * 0.5 = 2.39 keeps going.
        env.setState(2.38, 0.5, 0.0, 0.0);
        t = step(env, 0, obs);
        assertFalse(t.terminated());
        assertEquals(1.0f, t.reward());
    }

    @Test
    void cartPoleTerminatesBeyondTwelveDegrees() {
        CartPole env = new CartPole();
        float[] obs = new float[4];
        double limit = 12 * 2 * Math.PI / 360;
        env.setState(0.0, 0.0, limit - 0.001, 0.1); // theta -> limit + 0.001
        assertTrue(step(env, 1, obs).terminated());
        env.setState(0.0, 0.0, -limit + 0.001, -0.1);
        assertTrue(step(env, 0, obs).terminated());
        env.setState(0.0, 0.0, limit - 0.003, 0.1); // theta -> limit - 0.001
        assertFalse(step(env, 0, obs).terminated());
    }

    @Test
    void cartPoleResetIsUniformInFiveHundredthsAndResetsBookkeeping() {
        CartPole env = new CartPole();
        float[] obs = new float[4];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (long seed = 0; seed < 500; seed++) {
            env.reset(seed, obs, 0);
            double[] s = env.state();
            assertArrayEquals(toFloats(s), obs);
            for (double v : s) {
                assertTrue(v >= -0.05 && v < 0.05, "reset value " + v);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertTrue(min < -0.049 && max > 0.049, "reset spans the interval: " + min + " .. " + max);

        env.setState(2.39, 1.0, 0.0, 0.0);
        step(env, 1, obs); // terminates
        env.reset(obs, 0);
        env.setState(2.39, 1.0, 0.0, 0.0);
        assertEquals(1.0f, step(env, 1, obs).reward());
    }

    // ------------------------------------------------------------------ MountainCar-v0

    @Test
    void mountainCarSpacesMatchGymnasium() {
        MountainCar env = new MountainCar();
        Box obs = assertInstanceOf(Box.class, env.observationSpace());
        assertArrayEquals(new float[] {-1.2f, -0.07f}, obs.low());
        assertArrayEquals(new float[] {0.6f, 0.07f}, obs.high());
        assertEquals(ElementType.FLOAT32, obs.elementType());
        assertEquals(new Discrete(3), env.actionSpace());
    }

    @Test
    void mountainCarFirstStepMatchesHandComputedValues() {
        MountainCar env = new MountainCar();
        env.setState(-0.5, 0.0);
        float[] obs = new float[2];
        Transition t = step(env, 2, obs);
        // velocity = 0 + 0.001 - 0.0025 cos(-1.5); position = -0.5 + velocity
        double[] expected = {-0.49917684300416926, 0.0008231569958307428};
        assertClose(expected, env.state(), TIGHT, "MountainCar");
        assertArrayEquals(toFloats(expected), obs);
        assertEquals(-1.0f, t.reward());
        assertFalse(t.terminated());
        assertFalse(t.truncated());

        env.setState(-0.5, 0.0);
        step(env, 1, obs);
        assertEquals(-0.0025 * Math.cos(-1.5), env.state()[1], TIGHT);
        env.setState(-0.5, 0.0);
        step(env, 0, obs);
        assertEquals(-0.001 - 0.0025 * Math.cos(-1.5), env.state()[1], TIGHT);
    }

    @Test
    void mountainCarTrajectoryMatchesReference() {
        MountainCar env = new MountainCar();
        double[] ref = {-0.5, 0.0};
        env.setState(ref.clone());
        float[] obs = new float[2];
        for (int i = 0; i < 60; i++) {
            int a = new int[] {0, 1, 2}[(i / 7) % 3];
            Transition t = step(env, a, obs);
            GymReference.Step r = GymReference.mountainCar(ref, a);
            ref = r.state();
            assertClose(ref, env.state(), TIGHT, "MountainCar trajectory");
            assertArrayEquals(toFloats(ref), obs);
            assertEquals(r.terminated(), t.terminated());
            assertEquals(-1.0f, t.reward());
        }
        assertClose(new double[] {-0.47112740298456335, 0.001383990372463707}, env.state(), 1e-11,
                "MountainCar after 60 steps");
    }

    @Test
    void mountainCarTerminatesAtTheGoalOnlyWhenNotMovingBack() {
        MountainCar env = new MountainCar();
        float[] obs = new float[2];
        env.setState(0.49, 0.02);
        Transition t = step(env, 2, obs);
        assertTrue(env.state()[0] >= 0.5);
        assertTrue(t.terminated());
        assertEquals(-1.0f, t.reward());

        // Past the goal but moving left: goal_velocity = 0 not reached.
        env.setState(0.55, -0.001);
        t = step(env, 0, obs);
        assertTrue(env.state()[0] >= 0.5 && env.state()[1] < 0);
        assertFalse(t.terminated());

        // Just short of the goal.
        env.setState(0.45, 0.01);
        t = step(env, 1, obs);
        assertTrue(env.state()[0] < 0.5);
        assertFalse(t.terminated());
    }

    @Test
    void mountainCarClipsVelocityAndPositionAndStopsAtTheLeftWall() {
        MountainCar env = new MountainCar();
        float[] obs = new float[2];
        env.setState(-0.5, 0.07);
        step(env, 2, obs);
        assertArrayEquals(new double[] {-0.43, 0.07}, env.state(), TIGHT);

        env.setState(-0.3, -0.07);
        step(env, 0, obs);
        assertEquals(-0.07, env.state()[1], 0.0);

        env.setState(0.59, 0.07);
        Transition t = step(env, 2, obs);
        assertEquals(0.6, env.state()[0], 0.0);
        assertEquals(0.07, env.state()[1], 0.0);
        assertTrue(t.terminated());

        env.setState(-1.19, -0.05);
        step(env, 0, obs);
        assertEquals(-1.2, env.state()[0], 0.0);
        assertEquals(0.0, env.state()[1], 0.0, "inelastic collision with the left wall");
    }

    @Test
    void mountainCarResetPositionIsUniformAndVelocityZero() {
        MountainCar env = new MountainCar();
        float[] obs = new float[2];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (long seed = 0; seed < 500; seed++) {
            env.reset(seed, obs, 0);
            double[] s = env.state();
            assertTrue(s[0] >= -0.6 && s[0] < -0.4, "position " + s[0]);
            assertEquals(0.0, s[1], 0.0);
            assertArrayEquals(toFloats(s), obs);
            min = Math.min(min, s[0]);
            max = Math.max(max, s[0]);
        }
        assertTrue(min < -0.59 && max > -0.41, "reset spans the interval: " + min + " .. " + max);
    }

    // ------------------------------------------------------------------ MountainCarContinuous-v0

    /** Steps from a float64 state (as Gymnasium's {@code env.unwrapped.state = np.array(s)}) and returns the float32 observations and rewards. */
    private static float[][] mountainCarContinuous(double[] state, float... forces) {
        MountainCarContinuous env = new MountainCarContinuous();
        env.setState(state);
        float[][] out = new float[forces.length][];
        for (int i = 0; i < forces.length; i++) {
            float[] obs = new float[2];
            Transition t = stepFloat(env, forces[i], obs);
            out[i] = new float[] {obs[0], obs[1], t.reward(), t.terminated() ? 1 : 0};
            assertFalse(t.truncated());
            assertArrayEquals(new double[] {obs[0], obs[1]}, env.state(), 0.0, "the state is stored as float32");
        }
        return out;
    }

    @Test
    void mountainCarContinuousSpacesMatchGymnasium() {
        MountainCarContinuous env = new MountainCarContinuous();
        Box obs = assertInstanceOf(Box.class, env.observationSpace());
        assertArrayEquals(new float[] {-1.2f, -0.07f}, obs.low());
        assertArrayEquals(new float[] {0.6f, 0.07f}, obs.high());
        Box act = assertInstanceOf(Box.class, env.actionSpace());
        assertArrayEquals(new int[] {1}, act.shape());
        assertArrayEquals(new float[] {-1}, act.low());
        assertArrayEquals(new float[] {1}, act.high());
        assertEquals(ElementType.FLOAT32, act.elementType());
    }

    @Test
    void mountainCarContinuousStepsMatchHandComputedValues() {
        // From the float64 state (-0.5, 0): step 1 runs in float64, the next ones in float32.
        // step 1: v = f32(0.5 * f32(0.0015)) - f32(0.0025 cos(-1.5)) = 0.00057315698..., p = -0.5 + v
        // reward -0.1 * 0.5^2 = -0.025; a force of -1.5 is clipped to -1 but costs 0.1 * 1.5^2 = 0.225
        float[][] s = mountainCarContinuous(new double[] {-0.5, 0.0}, 0.5f, 0.5f, -1.5f, 2.0f);
        assertArrayEquals(new float[] {-0.49942684173583984f, 0.0005731569835916162f, -0.025f, 0}, s[0]);
        assertArrayEquals(new float[] {-0.49828481674194336f, 0.0011420263908803463f, -0.025f, 0}, s[1]);
        assertArrayEquals(new float[] {-0.49883246421813965f, -0.0005476458463817835f, -0.225f, 0}, s[2]);
        assertArrayEquals(new float[] {-0.49806568026542664f, 0.000766777666285634f, -0.4f, 0}, s[3]);
    }

    @Test
    void mountainCarContinuousClipsVelocityAndPositionAndStopsAtTheLeftWall() {
        // 0.069 + 0.0015 - 0.0025 cos(-1.5) > 0.07: clipped to 0.07, then p = -0.5 + 0.07
        assertArrayEquals(new float[] {-0.43f, 0.07f, -0.1f, 0},
                mountainCarContinuous(new double[] {-0.5, 0.069}, 1f)[0]);
        assertArrayEquals(new float[] {-1.2f, 0f, -0.1f, 0},
                mountainCarContinuous(new double[] {-1.19, -0.05}, -1f)[0], "inelastic collision with the left wall");
    }

    @Test
    void mountainCarContinuousTerminatesAtTheGoalWithTheBonus() {
        // 0.44 + 0.02 + 0.3 * 0.0015 - 0.0025 cos(1.32) >= 0.45, moving right: 100 - 0.1 * 0.3^2
        assertArrayEquals(new float[] {0.45982956886291504f, 0.019829561933875084f, 99.991f, 1},
                mountainCarContinuous(new double[] {0.44, 0.02}, 0.3f)[0]);
        // Short of the goal and moving back: no bonus, no end.
        assertArrayEquals(new float[] {0.3993071913719177f, -0.030692802742123604f, 0f, 0},
                mountainCarContinuous(new double[] {0.43, -0.03}, 0f)[0]);
    }

    @Test
    void mountainCarContinuousTrajectoryKeepsGymnasiumsFloat32State() {
        // 40 steps computed by Gymnasium 1.2.2 under NumPy 2.2.6; the same steps in float64 throughout
        // end at velocity -0.0030128853395581245, which rounds to a different float32.
        float[] forces = {0.9f, -0.4f, 0.25f, 1.3f, -1.1f, 0.0f, 0.6f, -0.8f};
        MountainCarContinuous env = new MountainCarContinuous();
        env.setState(-0.52, 0.001);
        float[] obs = new float[2];
        for (int i = 0; i < 40; i++) {
            stepFloat(env, forces[i % forces.length], obs);
        }
        assertArrayEquals(new double[] {-0.5081759095191956, -0.0030128839425742626}, env.state(), 0.0);
    }

    @Test
    void mountainCarContinuousResetIsUniformAndHeldInFloat64() {
        MountainCarContinuous env = new MountainCarContinuous();
        float[] obs = new float[2];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean wide = false;
        for (long seed = 0; seed < 500; seed++) {
            env.reset(seed, obs, 0);
            double[] s = env.state();
            assertTrue(s[0] >= -0.6 && s[0] < -0.4, "position " + s[0]);
            assertEquals(0.0, s[1], 0.0);
            assertArrayEquals(toFloats(s), obs);
            wide |= s[0] != (float) s[0];
            min = Math.min(min, s[0]);
            max = Math.max(max, s[0]);
        }
        assertTrue(wide, "Gymnasium keeps the reset state in float64");
        assertTrue(min < -0.59 && max > -0.41, "reset spans the interval: " + min + " .. " + max);
    }

    // ------------------------------------------------------------------ Acrobot-v1

    @Test
    void acrobotSpacesMatchGymnasium() {
        Acrobot env = new Acrobot();
        Box obs = assertInstanceOf(Box.class, env.observationSpace());
        float v1 = (float) (4 * Math.PI);
        float v2 = (float) (9 * Math.PI);
        assertArrayEquals(new float[] {1, 1, 1, 1, v1, v2}, obs.high());
        assertArrayEquals(new float[] {-1, -1, -1, -1, -v1, -v2}, obs.low());
        assertEquals(12.566371f, v1);
        assertEquals(28.274334f, v2);
        assertEquals(new Discrete(3), env.actionSpace());
    }

    @Test
    void acrobotFirstStepMatchesHandComputedValues() {
        Acrobot env = new Acrobot();
        env.setState(0.05, -0.03, 0.02, 0.01);
        float[] obs = new float[6];
        Transition t = step(env, 2, obs);
        double[] expected = {0.03396426807716706, 0.014028356136744108, -0.175464650251537, 0.4197156022652691};
        assertClose(expected, env.state(), TIGHT, "Acrobot state after +1 torque");
        assertArrayEquals(new float[] {
            (float) Math.cos(expected[0]), (float) Math.sin(expected[0]),
            (float) Math.cos(expected[1]), (float) Math.sin(expected[1]),
            (float) expected[2], (float) expected[3]}, obs, 1e-7f);
        assertEquals(-1.0f, t.reward());
        assertFalse(t.terminated());
        assertFalse(t.truncated());
    }

    @Test
    void acrobotTrajectoryMatchesReference() {
        Acrobot env = new Acrobot();
        double[] ref = {0.05, -0.03, 0.02, 0.01};
        env.setState(ref.clone());
        float[] obs = new float[6];
        int[] pattern = {2, 0, 1, 2, 2, 0};
        for (int i = 0; i < 25; i++) {
            int a = pattern[i % pattern.length];
            Transition t = step(env, a, obs);
            GymReference.Step r = GymReference.acrobot(ref, a);
            ref = r.state();
            assertClose(ref, env.state(), 1e-11, "Acrobot trajectory step " + i);
            assertEquals(r.terminated(), t.terminated());
            assertEquals((float) r.reward(), t.reward());
        }
        assertClose(new double[] {-0.030177325515477117, 0.06087583721071016, -0.27638366525230146, 0.49022997231890714},
                env.state(), 1e-10, "Acrobot after 25 steps");
    }

    @Test
    void acrobotLongSwingMatchesReferenceIncludingWrapAndBound() {
        // Pump energy with a bang-bang policy; this visits wrapped angles and high velocities.
        Acrobot env = new Acrobot();
        double[] ref = {3.0, 2.5, 10.0, -25.0};
        env.setState(ref.clone());
        float[] obs = new float[6];
        boolean sawWrap = false;
        for (int i = 0; i < 10; i++) {
            int a = i % 2 == 0 ? 2 : 0;
            step(env, a, obs);
            GymReference.Step r = GymReference.acrobot(ref, a);
            ref = r.state();
            assertClose(ref, env.state(), 1e-9, "Acrobot swing step " + i);
            for (int k = 0; k < 2; k++) {
                assertTrue(ref[k] >= -Math.PI && ref[k] <= Math.PI);
            }
            assertTrue(Math.abs(ref[2]) <= 4 * Math.PI && Math.abs(ref[3]) <= 9 * Math.PI);
            sawWrap |= Math.abs(ref[0]) > 2.5 || Math.abs(ref[1]) > 2.5;
        }
        assertTrue(sawWrap);
    }

    @Test
    void acrobotBoundsVelocitiesAndWrapsAngles() {
        Acrobot env = new Acrobot();
        float[] obs = new float[6];
        // Far beyond both velocity bounds: RK4 gives [38.418..., -87.842..., 5108.15..., -10161.43...], which
        // Gymnasium wraps (several turns) and bounds to [0.71919..., 0.12172..., 4 pi, -9 pi].
        env.setState(0.0, 0.0, 50.0, -120.0);
        Transition t = step(env, 2, obs);
        double[] s = env.state();
        assertClose(new double[] {0.7191906113235049, 0.1217276249624959, 4 * Math.PI, -9 * Math.PI}, s, 1e-9,
                "Acrobot wrapped and bounded");
        assertEquals(4 * Math.PI, s[2], 0.0);
        assertEquals(-9 * Math.PI, s[3], 0.0);
        assertClose(GymReference.acrobot(new double[] {0.0, 0.0, 50.0, -120.0}, 2).state(), s, 1e-9, "reference");
        assertFalse(t.terminated());
        assertEquals((float) s[2], obs[4]);
        assertEquals((float) s[3], obs[5]);
        assertEquals((float) Math.cos(s[1]), obs[2]);
        assertEquals((float) Math.sin(s[1]), obs[3]);
    }

    @Test
    void acrobotTerminatesAboveTheLineWithRewardZero() {
        Acrobot env = new Acrobot();
        float[] obs = new float[6];
        // Straight up and at rest: height -cos(pi) - cos(2 pi) = 2 > 1.
        env.setState(Math.PI, 0.0, 0.0, 0.0);
        Transition t = step(env, 1, obs);
        assertTrue(t.terminated());
        assertEquals(0.0f, t.reward());
        // Hanging down: height -2.
        env.setState(0.0, 0.0, 0.0, 0.0);
        t = step(env, 1, obs);
        assertFalse(t.terminated());
        assertEquals(-1.0f, t.reward());
        assertArrayEquals(new double[] {0, 0, 0, 0}, env.state(), 1e-15, "rest at the bottom is an equilibrium");
        // First link horizontal, second link pointing up: height -cos(pi/2) - cos(pi) = 1, not > 1;
        // a state slightly above is terminal, one slightly below is not (checked against the reference).
        for (double eps : new double[] {0.05, -0.05}) {
            double[] s0 = {Math.PI / 2 + eps, Math.PI / 2, 0.0, 0.0};
            env.setState(s0.clone());
            t = step(env, 1, obs);
            GymReference.Step r = GymReference.acrobot(s0, 1);
            double height = -Math.cos(r.state()[0]) - Math.cos(r.state()[1] + r.state()[0]);
            assertEquals(height > 1.0, t.terminated(), "height " + height);
            assertEquals(r.terminated(), t.terminated());
        }
    }

    @Test
    void acrobotResetIsUniformTenthsRoundedToFloat32() {
        Acrobot env = new Acrobot();
        float[] obs = new float[6];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (long seed = 0; seed < 500; seed++) {
            env.reset(seed, obs, 0);
            double[] s = env.state();
            for (double v : s) {
                assertTrue(v >= -0.1 && v <= 0.1, "reset value " + v);
                assertEquals(v, (double) (float) v, 0.0, "Gymnasium stores the reset state as float32");
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals((float) Math.cos(s[0]), obs[0]);
            assertEquals((float) Math.sin(s[0]), obs[1]);
            assertEquals((float) Math.cos(s[1]), obs[2]);
            assertEquals((float) Math.sin(s[1]), obs[3]);
            assertEquals((float) s[2], obs[4]);
            assertEquals((float) s[3], obs[5]);
        }
        assertTrue(min < -0.099 && max > 0.099, "reset spans the interval: " + min + " .. " + max);
    }

    // ------------------------------------------------------------------ Pendulum-v1

    @Test
    void pendulumSpacesMatchGymnasium() {
        Pendulum env = new Pendulum();
        Box obs = assertInstanceOf(Box.class, env.observationSpace());
        assertArrayEquals(new float[] {-1, -1, -8}, obs.low());
        assertArrayEquals(new float[] {1, 1, 8}, obs.high());
        Box act = assertInstanceOf(Box.class, env.actionSpace());
        assertArrayEquals(new int[] {1}, act.shape());
        assertArrayEquals(new float[] {-2}, act.low());
        assertArrayEquals(new float[] {2}, act.high());
        assertEquals(ElementType.FLOAT32, act.elementType());
        assertEquals(10.0, env.g(), 0.0);
    }

    @Test
    void pendulumFirstStepMatchesHandComputedValues() {
        Pendulum env = new Pendulum();
        env.setState(1.0, 0.5);
        float[] obs = new float[3];
        Transition t = stepFloat(env, 1.5f, obs);
        // thdot = 0.5 + (15 sin(1) + 3 * 1.5) * 0.05; th = 1 + thdot * 0.05
        double[] expected = {1.0678051619302962, 1.3561032386059226};
        assertClose(expected, env.state(), TIGHT, "Pendulum");
        // cost = 1^2 + 0.1 * 0.5^2 + 0.001 * 1.5^2 = 1.02725, computed from the state before the step
        assertEquals(-1.02725f, t.reward(), 1e-7f);
        assertArrayEquals(new float[] {(float) Math.cos(expected[0]), (float) Math.sin(expected[0]),
            (float) expected[1]}, obs);
        assertFalse(t.terminated());
        assertFalse(t.truncated());
    }

    @Test
    void pendulumTrajectoryMatchesReference() {
        Pendulum env = new Pendulum();
        double[] ref = {1.0, 0.5};
        env.setState(ref.clone());
        float[] obs = new float[3];
        float[] torques = {1.5f, -2.0f, 0.25f, 2.0f, -0.75f};
        Transition t = null;
        for (int i = 0; i < 30; i++) {
            float u = torques[i % torques.length];
            t = stepFloat(env, u, obs);
            GymReference.Step r = GymReference.pendulum(ref, u, 10.0);
            ref = r.state();
            assertClose(ref, env.state(), 1e-11, "Pendulum trajectory");
            assertEquals(r.reward(), t.reward(), 1e-6 * Math.max(1, Math.abs(r.reward())));
            assertFalse(t.terminated());
        }
        assertClose(new double[] {4.905058370075521, -3.641017609515327}, env.state(), 1e-10, "Pendulum after 30 steps");
        assertEquals(-2.2323674684002097, t.reward(), 1e-6);
    }

    @Test
    void pendulumClipsTorqueAndSpeed() {
        Pendulum a = new Pendulum();
        Pendulum b = new Pendulum();
        float[] obs = new float[3];
        a.setState(0.3, -0.2);
        b.setState(0.3, -0.2);
        Transition ta = stepFloat(a, 5.0f, obs);
        Transition tb = stepFloat(b, 2.0f, obs);
        assertArrayEquals(b.state(), a.state(), 0.0, "torque 5 is clipped to 2");
        assertEquals(tb.reward(), ta.reward(), 0.0f, "the cost uses the clipped torque");
        assertEquals(-(0.09 + 0.1 * 0.04 + 0.001 * 4), ta.reward(), 1e-6);

        a.setState(0.5, 7.9);
        stepFloat(a, 2.0f, obs);
        assertEquals(8.0, a.state()[1], 0.0);
        assertEquals(0.5 + 8.0 * 0.05, a.state()[0], TIGHT);
        a.setState(-0.5, -7.9);
        stepFloat(a, -2.0f, obs);
        assertEquals(-8.0, a.state()[1], 0.0);
    }

    @Test
    void pendulumCostNormalizesTheAngle() {
        Pendulum env = new Pendulum();
        float[] obs = new float[3];
        double[][] cases = {{2 * Math.PI + 0.5, 0.5}, {-4.0, -4.0 + 2 * Math.PI}, {7 * Math.PI - 0.1, Math.PI - 0.1},
            {-0.25, -0.25}};
        for (double[] c : cases) {
            env.setState(c[0], 0.0);
            Transition t = stepFloat(env, 0.0f, obs);
            assertEquals(-(c[1] * c[1]), t.reward(), 1e-5, "angle " + c[0]);
            assertEquals(GymReference.angleNormalize(c[0]), Pendulum.angleNormalize(c[0]), 1e-12);
        }
        // The angle itself is never wrapped.
        env.setState(10.0, 0.0);
        stepFloat(env, 0.0f, obs);
        assertTrue(env.state()[0] > 9.9);
    }

    @Test
    void pendulumGravityIsConfigurable() {
        Pendulum moon = new Pendulum(1.62);
        assertEquals(1.62, moon.g(), 0.0);
        Pendulum earth = new Pendulum();
        float[] obs = new float[3];
        moon.setState(1.0, 0.0);
        earth.setState(1.0, 0.0);
        stepFloat(moon, 0.0f, obs);
        stepFloat(earth, 0.0f, obs);
        assertClose(GymReference.pendulum(new double[] {1.0, 0.0}, 0.0, 1.62).state(), moon.state(), TIGHT, "g=1.62");
        assertEquals(1.5 * 1.62 * Math.sin(1.0) * 0.05, moon.state()[1], TIGHT);
        assertEquals(1.5 * 10.0 * Math.sin(1.0) * 0.05, earth.state()[1], TIGHT);
    }

    @Test
    void pendulumResetIsUniformAndNeverTerminates() {
        Pendulum env = new Pendulum();
        float[] obs = new float[3];
        double thMin = Double.POSITIVE_INFINITY;
        double thMax = Double.NEGATIVE_INFINITY;
        double vMin = Double.POSITIVE_INFINITY;
        double vMax = Double.NEGATIVE_INFINITY;
        for (long seed = 0; seed < 500; seed++) {
            env.reset(seed, obs, 0);
            double[] s = env.state();
            assertTrue(s[0] >= -Math.PI && s[0] < Math.PI, "th " + s[0]);
            assertTrue(s[1] >= -1 && s[1] < 1, "thdot " + s[1]);
            assertArrayEquals(new float[] {(float) Math.cos(s[0]), (float) Math.sin(s[0]), (float) s[1]}, obs);
            thMin = Math.min(thMin, s[0]);
            thMax = Math.max(thMax, s[0]);
            vMin = Math.min(vMin, s[1]);
            vMax = Math.max(vMax, s[1]);
        }
        assertTrue(thMin < -3.0 && thMax > 3.0 && vMin < -0.98 && vMax > 0.98);

        env.reset(7, obs, 0);
        for (int i = 0; i < 1000; i++) {
            Transition t = stepFloat(env, (i % 3) - 1.0f, obs);
            assertFalse(t.terminated());
            assertTrue(t.reward() <= 0 && t.reward() >= -16.2736044f);
        }
    }

    // ------------------------------------------------------------------ all four

    private static final List<Supplier<Env>> ALL =
            List.of(CartPole::new, MountainCar::new, Acrobot::new, Pendulum::new, MountainCarContinuous::new);

    @Test
    void seedingIsReproducible() {
        for (Supplier<Env> f : ALL) {
            Env a = f.get();
            Env b = f.get();
            int n = a.observationSpace().size();
            float[] oa = new float[n];
            float[] ob = new float[n];
            a.reset(42, oa, 0);
            b.reset(42, ob, 0);
            assertArrayEquals(oa, ob, "same seed, same observation: " + a.getClass().getSimpleName());
            b.reset(43, ob, 0);
            assertFalse(Arrays.equals(oa, ob), "different seed, different observation: " + a.getClass().getSimpleName());

            // reset() continues the generator: the second episode starts elsewhere, identically in both envs.
            b.reset(42, ob, 0);
            float[] first = oa.clone();
            a.reset(oa, 0);
            b.reset(ob, 0);
            assertArrayEquals(oa, ob);
            assertFalse(Arrays.equals(first, oa));

            // Trajectories from the same seed and actions are identical.
            a.reset(5, oa, 0);
            b.reset(5, ob, 0);
            for (int i = 0; i < 50; i++) {
                Transition ta = a.actionSpace().isDiscrete() ? step(a, i % 2, oa) : stepFloat(a, 0.5f, oa);
                Transition tb = b.actionSpace().isDiscrete() ? step(b, i % 2, ob) : stepFloat(b, 0.5f, ob);
                assertArrayEquals(oa, ob);
                assertEquals(ta.reward(), tb.reward());
                if (ta.terminated()) {
                    a.reset(oa, 0);
                    b.reset(ob, 0);
                }
            }

            // An env that was never seeded is deterministic too.
            Env c = f.get();
            Env d = f.get();
            c.reset(oa, 0);
            d.reset(ob, 0);
            assertArrayEquals(oa, ob);
        }
    }

    @Test
    void observationsAreWrittenAtTheOffsetOnly() {
        for (Supplier<Env> f : ALL) {
            Env env = f.get();
            int n = env.observationSpace().size();
            float[] buf = new float[n + 4];
            Arrays.fill(buf, -123f);
            env.reset(3, buf, 2);
            assertEquals(-123f, buf[0]);
            assertEquals(-123f, buf[1]);
            assertEquals(-123f, buf[n + 2]);
            assertEquals(-123f, buf[n + 3]);
            float[] plain = new float[n];
            f.get().reset(3, plain, 0);
            assertArrayEquals(plain, Arrays.copyOfRange(buf, 2, 2 + n));
            assertTrue(env.observationSpace().contains(plain, 0), env.getClass().getSimpleName());
        }
    }

    @Test
    void stepBeforeResetAndInvalidActionsAreRejected() {
        assertThrows(IllegalStateException.class, () -> step(new CartPole(), 0, new float[4]));
        assertThrows(IllegalStateException.class, () -> step(new MountainCar(), 0, new float[2]));
        assertThrows(IllegalStateException.class, () -> step(new Acrobot(), 0, new float[6]));
        assertThrows(IllegalStateException.class, () -> stepFloat(new Pendulum(), 0f, new float[3]));
        assertThrows(IllegalStateException.class, () -> stepFloat(new MountainCarContinuous(), 0f, new float[2]));
        CartPole cp = new CartPole();
        cp.reset(0, new float[4], 0);
        assertThrows(IllegalArgumentException.class, () -> step(cp, 2, new float[4]));
        Acrobot ac = new Acrobot();
        ac.reset(0, new float[6], 0);
        assertThrows(IllegalArgumentException.class, () -> step(ac, 3, new float[6]));
        assertThrows(IllegalArgumentException.class, () -> step(ac, -1, new float[6]));
        MountainCar mc = new MountainCar();
        mc.reset(0, new float[2], 0);
        assertThrows(IllegalArgumentException.class, () -> step(mc, 3, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> cp.setState(1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> mc.setState(1));
    }

    @Test
    void stateIsACopy() {
        CartPole env = new CartPole();
        env.setState(0.1, 0.2, 0.03, 0.04);
        double[] s = env.state();
        s[0] = 99;
        assertEquals(0.1, env.state()[0], 0.0);
    }

    @Test
    void stepAllocatesNothing() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
            return;
        }
        sun.setThreadAllocatedMemoryEnabled(true);
        long tid = Thread.currentThread().getId();
        for (Supplier<Env> f : ALL) {
            Env env = f.get();
            float[] obs = new float[env.observationSpace().size()];
            ActionBatch batch = new ActionBatch(env.actionSpace(), 1);
            Transition out = new Transition(0);
            env.reset(1, obs, 0);
            int steps = 200_000;
            for (int round = 0; round < 2; round++) { // round 0 warms up
                long before = sun.getThreadAllocatedBytes(tid);
                for (int i = 0; i < steps; i++) {
                    if (batch.ints() != null) {
                        batch.ints()[0] = i & 1;
                    } else {
                        batch.floats()[0] = (i % 5) - 2f;
                    }
                    env.step(batch, 0, obs, 0, out);
                    if (out.terminated()) {
                        env.reset(obs, 0);
                    }
                }
                long allocated = sun.getThreadAllocatedBytes(tid) - before;
                if (round == 1) {
                    assertTrue(allocated < 64 * 1024, env.getClass().getSimpleName() + " allocated " + allocated
                            + " bytes in " + steps + " steps");
                }
            }
        }
    }

    // ------------------------------------------------------------------ registry and time limits

    @Test
    void registryTimeLimits() {
        assertTimeLimit("CartPole-v1", CartPole.class, 500, 0);
        assertTimeLimit("MountainCar-v0", MountainCar.class, 200, 1);
        assertTimeLimit("Acrobot-v1", Acrobot.class, 500, 1);
        assertTimeLimit("Pendulum-v1", Pendulum.class, 200, -1);
        assertTimeLimit("MountainCarContinuous-v0", MountainCarContinuous.class, 999, -1);
    }

    /** Runs {@code limit} steps without terminating and checks that exactly the last one truncates. */
    private static void assertTimeLimit(String id, Class<? extends Env> type, int limit, int action) {
        Env env = EnvRegistry.make(id);
        TimeLimit tl = assertInstanceOf(TimeLimit.class, env);
        assertEquals(limit, tl.maxEpisodeSteps());
        assertInstanceOf(type, tl.unwrapped());
        float[] obs = new float[env.observationSpace().size()];
        for (int episode = 0; episode < 2; episode++) {
            env.reset(11 + episode, obs, 0);
            for (int i = 1; i <= limit; i++) {
                if (tl.unwrapped() instanceof CartPole cp) {
                    cp.setState(0.0, 0.0, 0.0, 0.0); // keep the pole up so only the time limit can end it
                }
                Transition t = action >= 0 ? step(env, action, obs) : stepFloat(env, 0.0f, obs);
                assertFalse(t.terminated(), id + " terminated at step " + i);
                assertEquals(i == limit, t.truncated(), id + " truncated flag at step " + i);
                if (type == CartPole.class) {
                    assertEquals(1.0f, t.reward());
                } else if (type == MountainCar.class || type == Acrobot.class) {
                    assertEquals(-1.0f, t.reward());
                } else if (type == MountainCarContinuous.class) {
                    assertEquals(0.0f, t.reward(), "no force, no cost");
                }
            }
        }
    }

    @Test
    void registryEnvsTerminateNaturally() {
        // CartPole-v1 with a constant push falls over well before its time limit.
        Env env = EnvRegistry.make("CartPole-v1");
        float[] obs = new float[4];
        env.reset(0, obs, 0);
        int steps = 0;
        Transition t;
        do {
            t = step(env, 1, obs);
            steps++;
        } while (!t.terminated() && !t.truncated());
        assertTrue(t.terminated() && !t.truncated());
        assertTrue(steps > 3 && steps < 100, "steps " + steps);
        assertTrue(Math.abs(obs[0]) > 2.4f || Math.abs(obs[2]) > (float) CartPole.THETA_THRESHOLD_RADIANS);

        // MountainCar-v0 solved by pushing along the velocity (a standard energy-pumping policy).
        Env mc = EnvRegistry.make("MountainCar-v0");
        float[] o = new float[2];
        mc.reset(0, o, 0);
        steps = 0;
        do {
            t = step(mc, o[1] < 0 ? 0 : 2, o);
            steps++;
        } while (!t.terminated() && !t.truncated());
        assertTrue(t.terminated(), "the energy-pumping policy reaches the flag within 200 steps");
        assertTrue(o[0] >= 0.5f);
        assertTrue(steps < 200);
        assertNotEquals(0, steps);
    }
}
