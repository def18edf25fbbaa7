package org.rlplay.gym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rlplay.env.Env;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.env.VecEnv;

/** Command-line ids: {@code gym:<id>} goes through the bridge, anything else is native. */
class GymEnvsTest {

    @Test
    void gymPrefixedIdsGoThroughTheBridgeOthersAreNative() {
        try (VecEnv gym = GymEnvs.fromId("gym:Acrobot-v1", 2); VecEnv nat = GymEnvs.fromId("Acrobot-v1", 2)) {
            assertInstanceOf(GymVecEnv.class, gym);
            assertEquals("Acrobot-v1", ((GymVecEnv) gym).spec().envId());
            assertInstanceOf(SerialVecEnv.class, nat);
            assertEquals(2, gym.numEnvs());
            assertEquals(nat.observationSpace(), gym.observationSpace());
            assertEquals(nat.actionSpace(), gym.actionSpace());
        }
        assertTrue(GymEnvs.isGymId("gym:X-v0"));
        assertThrows(IllegalArgumentException.class, () -> GymEnvs.fromId("NoSuchNativeEnv-v0", 1));
    }

    @Test
    void spacesAreReadOnceAndCached() {
        GymEnvs.Spaces first = GymEnvs.spaces("MountainCar-v0");
        try (Env nat = EnvRegistry.make("MountainCar-v0")) {
            assertEquals(nat.observationSpace(), first.observation());
            assertEquals(nat.actionSpace(), first.action());
        }
        assertSame(first, GymEnvs.spaces("MountainCar-v0"));
    }

    @Test
    void specsRejectBadSettingsNamingTheField() {
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> GymEnvSpec.builder("CartPole-v1").numEnvs(0).build());
        assertTrue(n.getMessage().startsWith("numEnvs"), n.getMessage());
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class, () -> GymEnvSpec.builder(" ").build());
        assertTrue(id.getMessage().startsWith("envId"), id.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> GymEnvSpec.builder("CartPole-v1").infoKeys("a,b").build());
        assertTrue(key.getMessage().startsWith("infoKeys"), key.getMessage());
    }
}
