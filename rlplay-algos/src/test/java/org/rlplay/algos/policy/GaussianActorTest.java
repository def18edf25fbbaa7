package org.rlplay.algos.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rlplay.algos.loss.Gaussian;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.space.Box;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/** The Gaussian actor on native Pendulum-v1 (a Box(-2, 2, (1,)) torque) with fixed distributions. */
class GaussianActorTest {
    private static final Box PENDULUM_ACTIONS = Box.of(-2f, 2f, 1);

    /** A head over a linear body with zero weights: mean and raw log-std are its biases, whatever the state. */
    static GaussianPolicy fixed(NDManager m, boolean stateDependent, float mean, float logStdOrRaw) {
        SequentialBlock body = Mlp.of(stateDependent ? 2 : 1, true);
        GaussianPolicy head = stateDependent ? GaussianPolicy.stateDependent(body, 1, -5f, 2f)
                : GaussianPolicy.learntLogStd(body, 1, logStdOrRaw);
        head.initialize(m, DataType.FLOAT32, new Shape(1, 3));
        body.getParameters().forEach(p -> {
            NDArray a = p.getValue().getArray();
            if (p.getKey().endsWith("weight")) {
                a.set(new float[(int) a.size()]);
            } else {
                a.set(stateDependent ? new float[] {mean, logStdOrRaw} : new float[] {mean});
            }
        });
        return head;
    }

    private static Fragment[] collect(GaussianActor actor, int fragments, int numEnvs) {
        Fragment[] out = new Fragment[fragments];
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("Pendulum-v1", numEnvs), actor,
                RolloutConfig.builder().length(50).seed(3).build())) {
            for (int k = 0; k < fragments; k++) {
                Fragment f = r.next();
                FragmentWriter copy = new FragmentWriter(f.spec());
                copy.copyFrom(f);
                out[k] = copy.fragment();
            }
        }
        return out;
    }

    private static float[] actions(Fragment[] fs) {
        int per = fs[0].length() * fs[0].numEnvs();
        float[] a = new float[fs.length * per];
        int k = 0;
        for (Fragment f : fs) {
            for (int t = 1; t <= f.length(); t++) {
                for (int j = 0; j < f.numEnvs(); j++) {
                    a[k++] = f.act(t, j, 0);
                }
            }
        }
        return a;
    }

    @Test
    void unsquashedDrawsFollowTheGaussianAndAreClippedToTheBox() {
        try (NDManager m = NDManager.newBaseManager()) {
            // N(0.5, e^0 = 1): P(u > 2) = 1 - Phi(1.5) = 0.0668, P(u < -2) = Phi(-2.5) = 0.0062
            GaussianActor actor = new GaussianActor(fixed(m, false, 0.5f, 0f), PENDULUM_ACTIONS, false, 7, false);
            Fragment[] fs = collect(actor, 20, 8);
            float[] a = actions(fs);
            int high = 0;
            int low = 0;
            for (float v : a) {
                assertTrue(v >= -2f && v <= 2f, "action " + v);
                high += v == 2f ? 1 : 0;
                low += v == -2f ? 1 : 0;
            }
            assertEquals(0.0668, (double) high / a.length, 0.01);
            assertEquals(0.0062, (double) low / a.length, 0.004);
            // The unclipped draws carry the Gaussian's moments and are the actions wherever inside the box.
            double sum = 0;
            double sq = 0;
            int count = 0;
            for (Fragment f : fs) {
                for (int t = 0; t < f.length(); t++) {
                    for (int j = 0; j < f.numEnvs(); j++) {
                        float u = f.actorInfo("sample").getFloat(t, j, 0);
                        float act = f.act(t + 1, j, 0);
                        assertEquals(Math.max(-2f, Math.min(2f, u)), act, 0f);
                        sum += u;
                        sq += u * u;
                        count++;
                        assertEquals(0.5f, f.actorInfo("mean").getFloat(t, j, 0), 1e-6f);
                        assertEquals(0f, f.actorInfo("logStd").getFloat(t, j, 0), 1e-6f);
                        double z = u - 0.5;
                        assertEquals(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI), f.actorInfo("logProb").getFloat(t, j, 0), 1e-5);
                    }
                }
            }
            double mean = sum / count;
            assertEquals(0.5, mean, 0.05);
            assertEquals(1.0, Math.sqrt(sq / count - mean * mean), 0.05);
        }
    }

    @Test
    void squashedActionsAreRescaledTanhOfTheDrawWithTheChangeOfVariables() {
        try (NDManager m = NDManager.newBaseManager(); NDManager view = NDManager.newBaseManager()) {
            // raw log-std 0 -> logStd = -5 + 3.5 * (tanh(0) + 1) = -1.5
            GaussianActor actor = new GaussianActor(fixed(m, true, 0.3f, 0f), PENDULUM_ACTIONS, true, 5, false);
            Fragment f = collect(actor, 1, 4)[0];
            NDArray u = f.actorInfo("sample", view).get(":-1");
            NDArray mean = f.actorInfo("mean", view).get(":-1");
            NDArray logStd = f.actorInfo("logStd", view).get(":-1");
            assertTrue(logStd.sub(-1.5f).abs().lt(1e-6f).all().getBoolean());
            NDArray expected = Gaussian.squashedLogProb(mean, logStd, u).sub(Gaussian.logScale(new float[] {2f}));
            NDArray logProb = f.actorInfo("logProb", view).get(":-1");
            assertArrayEquals(expected.toFloatArray(), logProb.toFloatArray(), 1e-4f);
            float[] draws = u.toFloatArray();
            float[] acts = f.act(view).get("1:").toFloatArray();
            for (int i = 0; i < draws.length; i++) {
                assertEquals(2 * Math.tanh(draws[i]), acts[i], 1e-6);
                assertTrue(acts[i] > -2f && acts[i] < 2f);
            }
        }
    }

    @Test
    void aSeedGivesTheSameActionsAndAnotherSeedOthers() {
        try (NDManager m = NDManager.newBaseManager()) {
            GaussianPolicy head = fixed(m, true, 0f, 1f);
            float[] a = actions(collect(new GaussianActor(head, PENDULUM_ACTIONS, true, 11, false), 3, 4));
            float[] b = actions(collect(new GaussianActor(head, PENDULUM_ACTIONS, true, 11, false), 3, 4));
            float[] c = actions(collect(new GaussianActor(head, PENDULUM_ACTIONS, true, 12, false), 3, 4));
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, c));
        }
    }

    @Test
    void greedyActsWithTheMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] squashed = actions(collect(new GaussianActor(fixed(m, true, 0.4f, 0f), PENDULUM_ACTIONS, true, 1, true), 1, 3));
            for (float v : squashed) {
                assertEquals((float) (2 * Math.tanh(0.4)), v, 1e-6f);
            }
            float[] clipped = actions(collect(new GaussianActor(fixed(m, false, 3f, 0f), PENDULUM_ACTIONS, false, 1, true), 1, 3));
            for (float v : clipped) {
                assertEquals(2f, v);
            }
        }
    }

    @Test
    void uniformModeDrawsFromTheWholeBoxWithItsDensity() {
        try (NDManager m = NDManager.newBaseManager()) {
            GaussianActor actor = new GaussianActor(fixed(m, true, 1.5f, -3f), PENDULUM_ACTIONS, true, 2, false);
            actor.uniform(true);
            assertTrue(actor.uniform());
            Fragment[] fs = collect(actor, 10, 8);
            float[] a = actions(fs);
            double sum = 0;
            int below = 0;
            for (float v : a) {
                assertTrue(v >= -2f && v <= 2f);
                sum += v;
                below += v < -1f ? 1 : 0;
            }
            assertEquals(0, sum / a.length, 0.1, "uniform on [-2, 2] has mean 0");
            assertEquals(0.25, (double) below / a.length, 0.03);
            assertEquals((float) -Math.log(4), fs[0].actorInfo("logProb").getFloat(5, 2, 0), 1e-6f);
            // atanh(a / 2) is recorded as the draw
            assertEquals(fs[0].act(6, 2, 0), (float) (2 * Math.tanh(fs[0].actorInfo("sample").getFloat(5, 2, 0))), 1e-5f);
        }
    }

    @Test
    void uniformDrawsAreHeldForTheRepeatWithinEachEpisode() {
        try (NDManager m = NDManager.newBaseManager()) {
            GaussianActor actor = new GaussianActor(fixed(m, true, 0f, 0f), PENDULUM_ACTIONS, false, 4, false);
            actor.uniform(true);
            actor.uniformRepeat(10);
            int changes = 0;
            for (Fragment f : collect(actor, 9, 2)) {          // 450 steps: Pendulum's episodes end at 200 and 400
                for (int t = 1; t < f.length(); t++) {
                    for (int j = 0; j < 2; j++) {
                        boolean redraw = f.stepno(t, j) % 10 == 0;
                        boolean same = f.act(t, j, 0) == f.act(t + 1, j, 0);
                        if (!redraw) {
                            assertTrue(same, "held within the repeat at step " + f.stepno(t, j));
                        }
                        changes += same ? 0 : 1;
                    }
                }
            }
            assertTrue(changes > 60, "a fresh draw every 10 steps: " + changes + " changes");
            assertThrows(IllegalArgumentException.class, () -> actor.uniformRepeat(0));
        }
    }

    @Test
    void learntLogStdIsAParameterBroadcastOverTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            GaussianPolicy head = fixed(m, false, 0f, -0.7f);
            assertTrue(head.getParameters().keys().stream().anyMatch(k -> k.endsWith("logStd")));
            NDList out = head.forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(5, 3))), false);
            assertEquals(new Shape(5, 1), out.get(1).getShape());
            assertTrue(out.get(1).eq(-0.7f).all().getBoolean());
        }
    }

    @Test
    void rejectsSpacesItCannotServe() {
        try (NDManager m = NDManager.newBaseManager()) {
            GaussianPolicy head = fixed(m, true, 0f, 0f);
            Box unbounded = Box.of(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1);
            assertThrows(IllegalArgumentException.class, () -> new GaussianActor(head, unbounded, true, 0, false));
            GaussianActor clipping = new GaussianActor(head, unbounded, false, 0, false);
            assertThrows(IllegalStateException.class, () -> clipping.uniform(true));
            Box ints = new Box(new float[] {0}, new float[] {3}, new int[] {1}, org.rlplay.env.space.ElementType.INT32);
            assertThrows(IllegalArgumentException.class, () -> new GaussianActor(head, ints, false, 0, false));
        }
    }
}
