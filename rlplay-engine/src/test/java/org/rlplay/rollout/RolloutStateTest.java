package org.rlplay.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rlplay.actor.Actor;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.SplitMix64;
import org.rlplay.env.space.Discrete;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.Fragment;
import org.rlplay.ring.RingConfig;
import org.rlplay.testing.ScriptedEnv;

/** A same rollout saved between fragments and loaded into a new one continues exactly as if it had never stopped. */
class RolloutStateTest {
    private static final int N = 3;
    private static final int T = 32;
    private static final int FRAGMENTS = 16;

    /** A deterministic actor that still depends on what it sees: discrete from stepno and obs, float from obs. */
    private static Actor deterministic() {
        return (in, hx, virtual, out) -> {
            if (virtual) {
                return null;
            }
            for (int j = 0; j < in.numEnvs(); j++) {
                float o = in.obs(j, 0);
                if (out.actions().ints() != null) {
                    int n = ((Discrete) out.actions().space()).n();
                    out.actions().setDiscrete(j, Math.floorMod(in.stepno(j) + (o > 0 ? 1 : 0), n));
                } else {
                    out.actions().floats()[j] = (float) Math.sin(o * 3 + in.stepno(j));
                }
            }
            return null;
        };
    }

    private static Rollout rollout(String id) {
        return Rollouts.same(EnvRegistry.makeVec(id, N), deterministic(),
                RolloutConfig.builder().length(T).seed(7).build());
    }

    /** Every column of {@code f} as text, with the episodes and metadata. */
    private static String snapshot(Fragment f) {
        StringBuilder b = new StringBuilder("seq=" + f.sequence() + " v=" + f.actorVersion());
        for (Column c : f.columns()) {
            b.append(' ').append(c.name()).append('=');
            int n = java.lang.reflect.Array.getLength(c.array());
            for (int i = 0; i < n; i++) {
                b.append(c.type().get(c.array(), i)).append(',');
            }
        }
        for (int e = 0; e < f.episodes().count(); e++) {
            b.append(" ep=").append(f.episodes().env(e)).append('@').append(f.episodes().record(e)).append(':')
                    .append(f.episodes().episodeReturn(e)).append('/').append(f.episodes().length(e));
        }
        return b.toString();
    }

    private static byte[] save(Rollout r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            r.saveState(out);
        }
        return bytes.toByteArray();
    }

    private static void load(Rollout r, byte[] state) throws IOException {
        r.loadState(new DataInputStream(new ByteArrayInputStream(state)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"CartPole-v1", "MountainCar-v0", "Acrobot-v1", "Pendulum-v1"})
    void savedAndLoadedHalfwayGivesTheFragmentsOfOneUninterruptedRun(String id) throws IOException {
        List<String> straight = new ArrayList<>();
        long steps;
        try (Rollout r = rollout(id)) {
            for (int k = 0; k < FRAGMENTS; k++) {
                straight.add(snapshot(r.next()));
                r.publish();
            }
            steps = r.envSteps();
        }
        List<String> resumed = new ArrayList<>();
        byte[] state;
        try (Rollout first = rollout(id)) {
            assertTrue(first.canSaveState());
            for (int k = 0; k < FRAGMENTS / 2; k++) {
                resumed.add(snapshot(first.next()));
                first.publish();
            }
            state = save(first);
        }
        try (Rollout second = rollout(id)) {
            load(second, state);
            assertEquals(FRAGMENTS / 2, second.version(), "the actor version continues");
            for (int k = FRAGMENTS / 2; k < FRAGMENTS; k++) {
                resumed.add(snapshot(second.next()));
                second.publish();
            }
            assertEquals(steps, second.envSteps(), "env steps continue");
        }
        assertEquals(straight, resumed);
        assertTrue(straight.stream().anyMatch(s -> s.contains(" ep=")), "the run crosses episode ends");
    }

    /** A recurrent actor: hx (1, N, 1) counts real steps since the env's last reset; actions follow from it and the observation. */
    private static Actor counting() {
        return (in, hx, virtual, out) -> {
            ai.djl.ndarray.NDArray count = hx != null ? hx.get(0)
                    : in.manager().zeros(new ai.djl.ndarray.types.Shape(1, in.numEnvs(), 1));
            if (virtual) {
                return hx;
            }
            float[] c = count.toFloatArray();
            for (int j = 0; j < in.numEnvs(); j++) {
                out.actions().setDiscrete(j, ((int) c[j] + (in.obs(j, 2) > 0 ? 1 : 0)) % 2);
            }
            return new ai.djl.ndarray.NDList(count.add(1f));
        };
    }

    @Test
    void hxAndTheLookaheadRecordSurviveTheSave() throws IOException {
        List<String> straight = new ArrayList<>();
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", N), counting(),
                RolloutConfig.builder().length(T).build())) {
            for (int k = 0; k < 8; k++) {
                Fragment f = r.next();
                straight.add(snapshot(f) + (f.hx() == null ? "" : " hx=" + java.util.Arrays.toString(f.hx().get(0).toFloatArray())));
            }
        }
        List<String> resumed = new ArrayList<>();
        byte[] state;
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", N), counting(),
                RolloutConfig.builder().length(T).build())) {
            for (int k = 0; k < 4; k++) {
                Fragment f = r.next();
                resumed.add(snapshot(f) + (f.hx() == null ? "" : " hx=" + java.util.Arrays.toString(f.hx().get(0).toFloatArray())));
            }
            state = save(r);
        }
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", N), counting(),
                RolloutConfig.builder().length(T).build())) {
            load(r, state);
            for (int k = 4; k < 8; k++) {
                Fragment f = r.next();
                resumed.add(snapshot(f) + " hx=" + java.util.Arrays.toString(f.hx().get(0).toFloatArray()));
            }
        }
        assertEquals(straight, resumed);
    }

    @Test
    void splitMix64DrawsWhatSplittableRandomDraws() {
        SplitMix64 ours = new SplitMix64(42);
        SplittableRandom jdk = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) {
            assertEquals(jdk.nextDouble(), ours.nextDouble());
            assertEquals(jdk.nextLong(), ours.nextLong());
        }
        long saved = ours.state();
        double next = ours.nextDouble();
        ours.setState(saved);
        assertEquals(next, ours.nextDouble(), "a restored state draws the same value again");
    }

    @Test
    void rolloutsThatCannotSaveSaySoAndLoadingLateOrForeignStateIsRefused() throws IOException {
        try (Rollout scripted = Rollouts.same(new org.rlplay.env.SerialVecEnv(List.of(new ScriptedEnv(new int[] {5}, -1))),
                RolloutErrorsTest.constant(0), RolloutConfig.builder().length(4).build())) {
            assertFalse(scripted.canSaveState(), "a test env without state support");
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> save(scripted));
            assertTrue(e.getMessage().contains("cannot save"), e.getMessage());
        }
        try (Rollout ring = Rollouts.single(EnvRegistry.makeVec("CartPole-v1", 2), deterministic(),
                RolloutConfig.builder().length(4).build(), RingConfig.builder().build())) {
            assertFalse(ring.canSaveState(), "ring modes are not deterministic enough to resume exactly");
        }
        byte[] state;
        try (Rollout r = rollout("CartPole-v1")) {
            r.next();
            state = save(r);
            IllegalStateException late = assertThrows(IllegalStateException.class, () -> load(r, state));
            assertTrue(late.getMessage().contains("before the first fragment"), late.getMessage());
        }
        try (Rollout other = rollout("Acrobot-v1")) {
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> load(other, state));
            assertTrue(foreign.getMessage().contains("the saved state is of a rollout of"), foreign.getMessage());
        }
    }
}
