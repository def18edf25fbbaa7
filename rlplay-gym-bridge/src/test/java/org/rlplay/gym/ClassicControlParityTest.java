package org.rlplay.gym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.env.Env;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.env.TimeLimit;
import org.rlplay.env.classic.Acrobot;
import org.rlplay.env.classic.CartPole;
import org.rlplay.env.classic.MountainCar;
import org.rlplay.env.classic.MountainCarContinuous;
import org.rlplay.env.classic.Pendulum;

/**
 * The Java-native classic-control envs against the Gymnasium originals through the bridge: both
 * batches start from the same physical state (the native env's, copied into Gymnasium's
 * {@code env.unwrapped.state}), are driven by the same random actions and must produce the same
 * spaces and trajectories (observations, final observations, rewards, end flags) for
 * {@value #STEPS} steps.
 * After an episode ends each env autoresets from its own generator, so the Gymnasium env is synced
 * to the native env's new start state and the comparison goes on.
 *
 * <p>Tolerance: observations and rewards within 1e-5 relative to max(1, |x|). Both sides compute
 * the physics in double with the same formulas and round observations to float32, so they agree
 * to the bit except where {@code Math.sin/cos} and numpy's differ in the last place. Measured on
 * the development machine: CartPole, MountainCar and Pendulum bit-identical over all
 * {@value #STEPS} steps, MountainCarContinuous over its 1000; Acrobot (RK4 on a double pendulum, chaotic at high energy)
 * bit-identical for 419 steps, then one float32 ulp apart. Under these random actions Acrobot
 * stays at low energy where errors do not blow up (a 1e-9 perturbation of its state in Gymnasium
 * stays below 1e-8 for 450 steps), so the same free-running comparison is honest for it too.
 */
class ClassicControlParityTest {
    private static final int N = 3;
    private static final int STEPS = 450;
    private static final float TOLERANCE = 1e-5f;

    private static Env unwrapped(SerialVecEnv envs, int j) {
        return ((TimeLimit) envs.env(j)).unwrapped();
    }

    private static double[] state(Env env) {
        if (env instanceof CartPole e) {
            return e.state();
        } else if (env instanceof MountainCar e) {
            return e.state();
        } else if (env instanceof Acrobot e) {
            return e.state();
        } else if (env instanceof MountainCarContinuous e) {
            return e.state();
        }
        return ((Pendulum) env).state();
    }

    private static void assertClose(float expected, float actual, float tol, String what) {
        float scale = Math.max(1f, Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= tol * scale,
                what + ": native " + expected + " vs Gymnasium " + actual + " (tolerance " + tol + ")");
    }

    /** Runs both batches for {@code steps} steps and returns the number of episode ends seen. */
    private static int compare(String id, int steps) {
        try (SerialVecEnv nativeEnvs = EnvRegistry.makeVec(id, N); GymVecEnv gym = GymEnvs.make(id, N)) {
            assertEquals(nativeEnvs.observationSpace(), gym.observationSpace(), id + " observation space");
            assertEquals(nativeEnvs.actionSpace(), gym.actionSpace(), id + " action space");
            BatchStep a = BatchStep.of(nativeEnvs);
            BatchStep b = BatchStep.of(gym);
            long[] seeds = {11, 12, 13};
            nativeEnvs.reset(seeds, a);
            gym.reset(seeds, b);
            for (int j = 0; j < N; j++) {
                gym.setState(j, state(unwrapped(nativeEnvs, j)));
            }
            ActionBatch actions = new ActionBatch(nativeEnvs.actionSpace(), N);
            SplittableRandom rng = new SplittableRandom(42);
            int obsSize = a.obsSize();
            int ends = 0;
            for (int t = 1; t <= steps; t++) {
                for (int j = 0; j < N; j++) {
                    if (actions.ints() != null) {
                        nativeEnvs.actionSpace().sample(rng, actions.ints(), j);
                    } else {
                        nativeEnvs.actionSpace().sample(rng, actions.floats(), j);
                    }
                }
                nativeEnvs.step(actions, a);
                gym.step(actions, b);
                for (int j = 0; j < N; j++) {
                    String at = id + " step " + t + " env " + j;
                    assertEquals(a.terminated()[j], b.terminated()[j], at + " terminated");
                    assertEquals(a.truncated()[j], b.truncated()[j], at + " truncated");
                    assertClose(a.reward()[j], b.reward()[j], TOLERANCE, at + " reward");
                    boolean done = a.done(j);
                    float[] nativeObs = (float[]) (done ? a.finalObs() : a.obs());
                    float[] gymObs = (float[]) (done ? b.finalObs() : b.obs());
                    for (int i = 0; i < obsSize; i++) {
                        assertClose(nativeObs[j * obsSize + i], gymObs[j * obsSize + i], TOLERANCE, at + " obs[" + i + "]");
                    }
                    if (done) {
                        ends++;
                        gym.setState(j, state(unwrapped(nativeEnvs, j)));
                    }
                }
            }
            return ends;
        }
    }

    @Test
    void cartPoleMatchesGymnasium() {
        int ends = compare("CartPole-v1", STEPS);
        assertTrue(ends >= 10, "random actions end many CartPole episodes: " + ends);
    }

    @Test
    void mountainCarMatchesGymnasiumIncludingTruncation() {
        assertEquals(2 * N, compare("MountainCar-v0", STEPS), "two 200-step truncations per env");
    }

    @Test
    void pendulumMatchesGymnasiumIncludingTruncation() {
        assertEquals(2 * N, compare("Pendulum-v1", STEPS), "two 200-step truncations per env");
    }

    @Test
    void mountainCarContinuousMatchesGymnasiumIncludingTruncation() {
        // The float32 steps after each float64 first one and the cost of every force, through one
        // 999-step truncation per env (uniform random forces do not reach the goal).
        assertEquals(N, compare("MountainCarContinuous-v0", 1000), "one 999-step truncation per env");
    }

    @Test
    void acrobotMatchesGymnasium() {
        compare("Acrobot-v1", STEPS);
    }
}
