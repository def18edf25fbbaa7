package org.rlplay.gym;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.env.InvalidActionException;
import org.rlplay.env.classic.CartPole;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;

/** Gymnasium's CartPole-v1 through the bridge: spaces, seeding, same-step autoreset, skip, validation. */
class CartPoleBridgeTest {
    private static final int N = 4;
    private static GymVecEnv envs;
    private BatchStep out;
    private ActionBatch actions;

    @BeforeAll
    static void start() {
        envs = GymEnvs.make("CartPole-v1", N);
    }

    @AfterAll
    static void stop() {
        envs.close();
    }

    @BeforeEach
    void buffers() {
        out = BatchStep.of(envs);
        actions = new ActionBatch(envs.actionSpace(), N);
    }

    private static long[] seeds(long base) {
        long[] s = new long[N];
        for (int j = 0; j < N; j++) {
            s[j] = base + j;
        }
        return s;
    }

    @Test
    void reportsTheSpacesGymnasiumDeclares() {
        assertEquals(new Discrete(2), envs.actionSpace());
        // Gymnasium 1.x: high = [2 * 2.4, inf, 2 * 12 degrees, inf] as float32
        float theta = (float) (2 * CartPole.THETA_THRESHOLD_RADIANS);
        float inf = Float.POSITIVE_INFINITY;
        assertEquals(new Box(new float[] {-4.8f, -inf, -theta, -inf}, new float[] {4.8f, inf, theta, inf},
                new int[] {4}, ElementType.FLOAT32), envs.observationSpace());
        assertEquals(N, envs.numEnvs());
        assertTrue(envs.infoKeys().isEmpty());
    }

    @Test
    void seededResetIsReproducibleAndSeedsDiffer() {
        envs.reset(seeds(7), out);
        float[] first = ((float[]) out.obs()).clone();
        envs.reset(seeds(7), out);
        assertArrayEquals(first, ((float[]) out.obs()));
        envs.reset(seeds(8), out);
        assertFalse(Arrays.equals(first, ((float[]) out.obs())));
        for (float v : first) {
            assertTrue(Math.abs(v) <= 0.05f, "reset observations are drawn from [-0.05, 0.05]: " + v);
        }
        // env j+1 with seed 8+j is env j+2's start with seed 7+(j+1)
        float[] shifted = Arrays.copyOfRange(first, 4, 4 * N);
        assertArrayEquals(shifted, Arrays.copyOfRange(((float[]) out.obs()), 0, 4 * (N - 1)));
    }

    @Test
    void observationsFollowTheStoredState() {
        envs.reset(seeds(1), out);
        for (int j = 0; j < N; j++) {
            double[] state = envs.state(j);
            for (int i = 0; i < 4; i++) {
                assertEquals((float) state[i], ((float[]) out.obs())[j * 4 + i]);
            }
        }
    }

    @Test
    void autoresetsInTheSameStepWritingFinalObs() {
        envs.reset(seeds(3), out);
        Arrays.fill((float[]) out.finalObs(), 99f);
        boolean sawEnd = false;
        for (int t = 0; t < 60 && !sawEnd; t++) {
            Arrays.fill(actions.ints(), 1); // always push right: the pole falls within ~10 steps
            envs.step(actions, out);
            for (int j = 0; j < N; j++) {
                assertEquals(1f, out.reward()[j]);
                assertFalse(out.truncated()[j]);
                if (out.terminated()[j]) {
                    sawEnd = true;
                    float x = ((float[]) out.finalObs())[j * 4];
                    float theta = ((float[]) out.finalObs())[j * 4 + 2];
                    assertTrue(Math.abs(x) > CartPole.X_THRESHOLD || Math.abs(theta) > CartPole.THETA_THRESHOLD_RADIANS,
                            "the final observation is the terminal state");
                    for (int i = 0; i < 4; i++) {
                        assertTrue(Math.abs(((float[]) out.obs())[j * 4 + i]) <= 0.05f, "obs is already the reset observation");
                    }
                } else {
                    for (int i = 0; i < 4; i++) {
                        assertEquals(99f, ((float[]) out.finalObs())[j * 4 + i], "finalObs of a running env is left as it was");
                    }
                }
            }
        }
        assertTrue(sawEnd, "an episode ended");
    }

    @Test
    void truncatesAtTheTimeLimitGivenAsKwarg() {
        try (GymVecEnv short3 = GymEnvs.make("CartPole-v1", 2, java.util.Map.of("max_episode_steps", 3))) {
            BatchStep o = BatchStep.of(short3);
            ActionBatch a = new ActionBatch(short3.actionSpace(), 2);
            short3.reset(new long[] {0, 1}, o);
            for (int t = 1; t <= 3; t++) {
                a.setDiscrete(0, t % 2);
                a.setDiscrete(1, (t + 1) % 2);
                short3.step(a, o);
                assertFalse(o.terminated()[0] || o.terminated()[1]);
                assertEquals(t == 3, o.truncated()[0]);
                assertEquals(t == 3, o.truncated()[1]);
            }
        }
    }

    @Test
    void skippedEnvsAreNeitherSteppedNorWritten() {
        envs.reset(seeds(11), out);
        double[] before = envs.state(1);
        boolean[] skip = new boolean[N];
        skip[1] = true;
        Arrays.fill(((float[]) out.obs()), 4, 8, -7f);
        out.reward()[1] = -3f;
        out.terminated()[1] = true;
        envs.step(actions, skip, out);
        assertArrayEquals(before, envs.state(1), "env 1 was not stepped");
        assertArrayEquals(new float[] {-7f, -7f, -7f, -7f}, Arrays.copyOfRange(((float[]) out.obs()), 4, 8));
        assertEquals(-3f, out.reward()[1]);
        assertTrue(out.terminated()[1]);
        assertEquals(1f, out.reward()[0]);
        assertNotEquals(-7f, ((float[]) out.obs())[8]);
    }

    @Test
    void rejectsActionsOutsideTheSpaceBeforeCrossing() {
        envs.reset(seeds(5), out);
        double[] before = envs.state(0);
        actions.setDiscrete(2, 2);
        InvalidActionException e = assertThrows(InvalidActionException.class, () -> envs.step(actions, out));
        assertEquals(2, e.envIndex());
        assertArrayEquals(before, envs.state(0), "no env was stepped");
        actions.setDiscrete(2, 0);
        envs.step(actions, out);
    }

    @Test
    void setStateIsReadBack() {
        envs.reset(seeds(0), out);
        envs.setState(3, 0.1, -0.2, 0.03, 1e-9);
        assertArrayEquals(new double[] {0.1, -0.2, 0.03, 1e-9}, envs.state(3));
    }
}
