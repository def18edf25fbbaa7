package org.rlplay.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlplay.actor.Actor;
import org.rlplay.env.EnvRegistry;
import org.rlplay.fragment.Fragment;

/** Same seeds give identical fragments; different seeds give different ones. */
class SeedingTest {

    /** A seeded random actor that keeps no state besides its generator. */
    static Actor random(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return (in, hx, virtual, out) -> {
            if (!virtual) {
                for (int j = 0; j < in.numEnvs(); j++) {
                    out.actions().setDiscrete(j, rng.nextInt(2));
                }
            }
            out.actions();
            return null;
        };
    }

    static float[][] collect(long envSeed, long actorSeed, boolean sticky) {
        RolloutConfig config = RolloutConfig.builder().length(64).seed(envSeed).sticky(sticky).build();
        float[][] out = new float[6][];
        try (Rollout r = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 8), random(actorSeed), config)) {
            for (int k = 0; k < 6; k++) {
                Fragment f = r.next();
                float[] rec = Arrays.copyOf(f.obs(), f.obs().length + f.rew().length + f.fin().length);
                for (int i = 0; i < f.rew().length; i++) {
                    rec[f.obs().length + i] = f.rew()[i];
                    rec[f.obs().length + f.rew().length + i] = f.fin()[i] ? 1f : 0f;
                }
                out[k] = rec;
            }
        }
        return out;
    }

    @Test
    void sameSeedsGiveIdenticalFragments() {
        float[][] a = collect(7, 1, false);
        float[][] b = collect(7, 1, false);
        for (int k = 0; k < a.length; k++) {
            assertArrayEquals(a[k], b[k], "fragment " + k);
        }
        float[][] c = collect(7, 1, true);
        float[][] d = collect(7, 1, true);
        for (int k = 0; k < c.length; k++) {
            assertArrayEquals(c[k], d[k], "sticky fragment " + k);
        }
    }

    @Test
    void differentEnvSeedsGiveDifferentFragments() {
        float[][] a = collect(7, 1, false);
        float[][] b = collect(8, 1, false);
        assertFalse(Arrays.equals(a[0], b[0]));
    }
}
