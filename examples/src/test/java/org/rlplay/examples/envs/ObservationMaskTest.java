package org.rlplay.examples.envs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rlplay.env.ActionBatch;
import org.rlplay.env.Env;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.Transition;
import org.rlplay.env.classic.CartPole;
import org.rlplay.env.space.Box;

class ObservationMaskTest {

    @Test
    void showsOnlyTheKeptElementsOfTheWrappedEnvsObservation() {
        CartPole full = new CartPole();
        Env masked = new ObservationMask(new CartPole(), 0, 2);
        assertEquals(2, masked.observationSpace().size());
        Box box = (Box) masked.observationSpace();
        assertEquals(4.8f, box.high(0), 1e-6f);
        assertEquals((float) (CartPole.THETA_THRESHOLD_RADIANS * 2), box.high(1), 1e-6f);
        float[] a = new float[4];
        float[] b = new float[2 + 3];
        full.reset(42, a, 0);
        masked.reset(42, b, 3);
        assertArrayEquals(new float[] {a[0], a[2]}, new float[] {b[3], b[4]});
        ActionBatch actions = new ActionBatch(full.actionSpace(), 1);
        Transition t1 = new Transition(0);
        Transition t2 = new Transition(0);
        for (int step = 0; step < 30; step++) {
            actions.ints()[0] = step % 3 == 0 ? 1 : 0;
            full.step(actions, 0, a, 0, t1);
            masked.step(actions, 0, b, 3, t2);
            assertArrayEquals(new float[] {a[0], a[2]}, new float[] {b[3], b[4]}, "step " + step);
            assertEquals(t1.reward(), t2.reward());
            assertEquals(t1.terminated(), t2.terminated());
            if (t1.terminated()) {
                break;
            }
        }
    }

    @Test
    void theVelocityHiddenCartPoleIsRegisteredWithItsTimeLimit() {
        try (var envs = Envs.open(EnvSpec.of(Envs.CARTPOLE_NO_VELOCITY), 2)) {
            assertEquals(2, envs.observationSpace().size());
            assertEquals(2, envs.numEnvs());
        }
        assertTrue(EnvRegistry.contains(Envs.CARTPOLE_NO_VELOCITY));
    }

    @Test
    void rejectsOutOfRangeOrRepeatedIndices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ObservationMask(new CartPole(), 0, 4));
        assertTrue(e.getMessage().startsWith("keep: index 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ObservationMask(new CartPole(), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ObservationMask(new CartPole()));
    }
}
