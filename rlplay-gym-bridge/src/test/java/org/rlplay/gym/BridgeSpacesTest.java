package org.rlplay.gym;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.BatchStep;
import org.rlplay.env.InvalidActionException;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.MultiBinary;
import org.rlplay.env.space.MultiDiscrete;

/** Every supported space kind crosses the bridge intact; unsupported ones are refused clearly. */
class BridgeSpacesTest {

    /** Steps an echo env (obs = last action) and checks obs, reward, flags and info. */
    private static void echoes(String kind, int[][] intActions, float[][] floatActions) {
        int n = intActions != null ? intActions.length : floatActions.length;
        try (GymVecEnv envs = GymEnvs.make(TestEnvs.spec("RlplayTest/Echo-v0").numEnvs(n)
                .kwarg("action", kind).kwarg("length", 2).infoKeys("count", "absent").build())) {
            BatchStep out = BatchStep.of(envs);
            ActionBatch actions = new ActionBatch(envs.actionSpace(), n);
            envs.reset(null, out);
            int width = actions.width();
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < width; i++) {
                    if (intActions != null) {
                        actions.ints()[j * width + i] = intActions[j][i];
                    } else {
                        actions.floats()[j * width + i] = floatActions[j][i];
                    }
                }
            }
            for (int t = 1; t <= 2; t++) {
                envs.step(actions, out);
                float[] seen = (float[]) (t == 2 ? out.finalObs() : out.obs());
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < width; i++) {
                        float sent = intActions != null ? intActions[j][i] : floatActions[j][i];
                        assertEquals(sent, seen[j * width + i], kind + " env " + j + " element " + i);
                    }
                    assertEquals(t, out.reward()[j]);
                    assertEquals(t == 2, out.terminated()[j]);
                    assertFalse(out.truncated()[j]);
                    assertEquals(t, out.info()[j * 2], "info count");
                    assertTrue(Float.isNaN(out.info()[j * 2 + 1]), "a missing info key reads as NaN");
                }
            }
            for (int j = 0; j < n * width; j++) {
                assertEquals(-5f, ((float[]) out.obs())[j], "after the autoreset obs is the reset observation");
            }
        }
    }

    @Test
    void multiDiscreteActionsCrossIntact() {
        echoes("multidiscrete", new int[][] {{0, 3}, {2, 1}, {1, 0}}, null);
    }

    @Test
    void multiBinaryActionsCrossIntact() {
        echoes("multibinary", new int[][] {{1, 0, 1}, {0, 1, 1}}, null);
    }

    @Test
    void integerBoxActionsCrossIntact() {
        echoes("intbox", new int[][] {{-2, 2}, {0, 1}}, null);
    }

    @Test
    void float64BoxActionsCrossIntact() {
        echoes("floatbox", null, new float[][] {{0.5f, -0.25f, 1f, -1f}, {0f, 0.125f, -0.5f, 0.75f}});
    }

    @Test
    void reportsEachActionSpaceKind() {
        try (GymVecEnv md = GymEnvs.make(TestEnvs.spec("RlplayTest/Echo-v0").kwarg("action", "multidiscrete").build());
                GymVecEnv mb = GymEnvs.make(TestEnvs.spec("RlplayTest/Echo-v0").kwarg("action", "multibinary").build());
                GymVecEnv fb = GymEnvs.make(TestEnvs.spec("RlplayTest/Echo-v0").kwarg("action", "floatbox").build())) {
            assertEquals(new MultiDiscrete(3, 4), md.actionSpace());
            assertEquals(new MultiBinary(3), mb.actionSpace());
            float[] lo = new float[4];
            float[] hi = new float[4];
            Arrays.fill(lo, -1f);
            Arrays.fill(hi, 1f);
            assertEquals(new Box(lo, hi, new int[] {2, 2}, ElementType.FLOAT64), fb.actionSpace());
        }
    }

    @Test
    void dictObservationsAreFlattenedInGymnasiumsOrder() {
        try (GymVecEnv envs = GymEnvs.make(TestEnvs.spec("RlplayTest/DictObs-v0").numEnvs(2).build())) {
            // Dict("a": Discrete(3), "b": Box(-1, 1, (2,))) flattens to [one-hot a (3), b (2)] in float64
            Box space = (Box) envs.observationSpace();
            assertArrayEquals(new int[] {5}, space.shape());
            assertEquals(ElementType.FLOAT64, space.elementType());
            assertArrayEquals(new float[] {0, 0, 0, -1, -1}, space.low());
            BatchStep out = BatchStep.of(envs);
            envs.reset(null, out);
            assertArrayEquals(new float[] {1, 0, 0, 0.5f, -0f}, Arrays.copyOfRange((float[]) out.obs(), 0, 5));
            envs.step(new ActionBatch(envs.actionSpace(), 2), out);
            assertArrayEquals(new float[] {0, 1, 0, 0.5f, -0.5f}, Arrays.copyOfRange((float[]) out.obs(), 5, 10));
        }
    }

    @Test
    void uint8ImageObservationsArriveRowMajorAsBytes() {
        try (GymVecEnv envs = GymEnvs.make(TestEnvs.spec("RlplayTest/Image-v0").numEnvs(2).build())) {
            float[] lo = new float[12];
            float[] hi = new float[12];
            Arrays.fill(hi, 255f);
            assertEquals(new Box(lo, hi, new int[] {2, 3, 2}, ElementType.UINT8), envs.observationSpace());
            BatchStep out = BatchStep.of(envs);
            assertEquals(ElementType.UINT8, out.obsType(), "a uint8 image is stored as bytes, not widened");
            envs.reset(null, out);
            envs.step(new ActionBatch(envs.actionSpace(), 2), out);
            byte[] obs = (byte[]) out.obs();
            for (int j = 0; j < 2; j++) {
                int i = 0;
                for (int h = 0; h < 2; h++) {
                    for (int w = 0; w < 3; w++) {
                        for (int c = 0; c < 2; c++) {
                            assertEquals(100 * h + 10 * w + c + 1, obs[j * 12 + i++] & 0xff, "(h, w, c) = " + h + w + c);
                        }
                    }
                }
            }
        }
    }

    @Test
    void discreteObservationsAndNumericInfo() {
        try (GymVecEnv lake = GymEnvs.make(GymEnvSpec.builder("FrozenLake-v1").numEnvs(2).infoKeys("prob").build())) {
            assertEquals(new Discrete(16), lake.observationSpace());
            assertEquals(new Discrete(4), lake.actionSpace());
            assertEquals(List.of("prob"), lake.infoKeys());
            BatchStep out = BatchStep.of(lake);
            lake.reset(new long[] {0, 1}, out);
            assertArrayEquals(new int[] {0, 0}, (int[]) out.obs(), "FrozenLake starts in state 0, stored as int32");
            lake.step(new ActionBatch(lake.actionSpace(), 2), out);
            for (int j = 0; j < 2; j++) {
                assertEquals(1f / 3f, out.info()[j], 1e-6f, "slippery transitions have probability 1/3");
                int s = ((int[]) out.obs())[j];
                assertTrue(s == 0 || s == 4, "moving left from state 0 slips to state 0 or 4: " + s);
            }
        }
    }

    @Test
    void continuousActionsAreValidatedAgainstTheBounds() {
        try (GymVecEnv pendulum = GymEnvs.make("Pendulum-v1", 2)) {
            assertEquals(Box.of(-2f, 2f, 1), pendulum.actionSpace());
            BatchStep out = BatchStep.of(pendulum);
            ActionBatch actions = new ActionBatch(pendulum.actionSpace(), 2);
            pendulum.reset(new long[] {0, 1}, out);
            actions.floats()[1] = 2.5f;
            InvalidActionException e = assertThrows(InvalidActionException.class, () -> pendulum.step(actions, out));
            assertEquals(1, e.envIndex());
            actions.floats()[1] = 1.5f;
            pendulum.step(actions, out);
            assertTrue(out.reward()[0] <= 0f && out.reward()[1] <= 0f, "pendulum rewards are costs");
        }
    }

    @Test
    void tupleActionSpacesAreRefusedWithTheReason() {
        GymBridgeException e = assertThrows(GymBridgeException.class,
                () -> GymEnvs.make(TestEnvs.spec("RlplayTest/TupleAction-v0").build()));
        assertTrue(e.getMessage().contains("action space Tuple(Discrete(2), Discrete(3)) is not supported"),
                e.getMessage());
        assertTrue(e.getMessage().contains("supported are Discrete"), e.getMessage());
    }
}
