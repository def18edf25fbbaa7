package org.rlplay.gym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.VecEnv;
import org.rlplay.env.classic.CartPole;
import org.rlplay.env.space.ElementType;
import org.rlplay.fragment.ColumnSpec;
import org.rlplay.fragment.Fragment;
import org.rlplay.ring.RingConfig;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/** Gymnasium envs through the bridge in every rollout mode: same, single, multi and sticky. */
class BridgeRolloutTest {
    private static final int T = 16;
    private static final int N = 2;
    private static final int FRAGMENTS = 6;
    private static final long SEED = 100;

    /** Balances the pole for 8 steps, then pushes right for 8: episodes end at varied times. */
    static final class LeanActor implements Actor {
        @Override
        public NDList step(RecordBatch records, NDList hx, boolean virtual, ActorOutput out) {
            if (!virtual) {
                for (int j = 0; j < records.numEnvs(); j++) {
                    boolean lean = records.obs(j, 2) + 0.5f * records.obs(j, 3) > 0;
                    boolean balance = records.stepno(j) / 8 % 2 == 0;
                    out.actions().setDiscrete(j, !balance || lean ? 1 : 0);
                }
            }
            return null;
        }
    }

    private static RolloutConfig config(long seed, boolean sticky) {
        return RolloutConfig.builder().length(T).seed(seed).sticky(sticky).build();
    }

    /** Every record of env j as text, with finalObs where an episode ended. */
    private static String column(Fragment f, int j) {
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t <= f.length(); t++) {
            sb.append(f.stepno(t, j)).append(' ').append(f.rew(t, j)).append(' ').append(f.fin(t, j)).append(' ')
                    .append(f.trunc(t, j));
            for (int i = 0; i < 4; i++) {
                sb.append(' ').append(f.obs(t, j, i));
            }
            if (t > 0 && f.fin(t, j)) {
                for (int i = 0; i < 4; i++) {
                    sb.append(" final ").append(f.finalObs(t, j, i));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static List<String> columns(Fragment f) {
        List<String> out = new ArrayList<>();
        for (int j = 0; j < f.numEnvs(); j++) {
            out.add(column(f, j));
        }
        return out;
    }

    /** Checks the fragment contract on CartPole and returns the number of episode ends. */
    private static int checkSemantics(Fragment f) {
        int ends = 0;
        for (int j = 0; j < f.numEnvs(); j++) {
            for (int t = 1; t <= f.length(); t++) {
                if (!f.fin(t, j)) {
                    assertEquals(f.stepno(t - 1, j) + 1, f.stepno(t, j));
                    assertEquals(1f, f.rew(t, j));
                    continue;
                }
                if (f.stepno(t, j) == 0 && f.stepno(t - 1, j) == 0 && f.fin(t - 1, j)) {
                    continue; // a sticky repeat
                }
                ends++;
                assertEquals(0, f.stepno(t, j));
                float x = f.finalObs(t, j, 0);
                float theta = f.finalObs(t, j, 2);
                assertTrue(Math.abs(x) > CartPole.X_THRESHOLD || Math.abs(theta) > CartPole.THETA_THRESHOLD_RADIANS,
                        "finalObs is CartPole's terminal state");
                for (int i = 0; i < 4; i++) {
                    assertTrue(Math.abs(f.obs(t, j, i)) <= 0.05f, "obs at fin is the reset observation");
                }
            }
        }
        return ends;
    }

    private static List<List<String>> drainSame(VecEnv envs, long seed) {
        List<List<String>> out = new ArrayList<>();
        try (Rollout same = Rollouts.same(envs, new LeanActor(), config(seed, false))) {
            for (int k = 0; k < FRAGMENTS; k++) {
                out.add(columns(same.next()));
            }
        }
        return out;
    }

    @Test
    void sameSingleAndMultiCollectTheSameFragmentsThroughTheBridge() {
        List<List<String>> expected0 = drainSame(GymEnvs.make("CartPole-v1", N), SEED);
        List<List<String>> expected1 = drainSame(GymEnvs.make("CartPole-v1", N), SEED + N);
        assertNotEquals(expected0, expected1);

        int ends = 0;
        try (Rollout single = Rollouts.single(GymEnvs.make("CartPole-v1", N), new LeanActor(), config(SEED, false),
                RingConfig.builder().slots(2).build())) {
            for (int k = 0; k < FRAGMENTS; k++) {
                Fragment f = single.next();
                ends += checkSemantics(f);
                assertEquals(expected0.get(k), columns(f), "single fragment " + k);
            }
        }
        assertTrue(ends >= 2, "episodes ended inside the fragments: " + ends);

        List<VecEnv> batches = List.of(GymEnvs.make("CartPole-v1", N), GymEnvs.make("CartPole-v1", N));
        assertNotEquals(((GymVecEnv) batches.get(0)).pythonPid(), ((GymVecEnv) batches.get(1)).pythonPid(),
                "one Python process per collector");
        Map<Integer, List<List<String>>> got = new HashMap<>();
        try (Rollout multi = Rollouts.multi(batches, List.of(new LeanActor(), new LeanActor()), config(SEED, false),
                RingConfig.builder().slots(4).build())) {
            while (got.values().stream().mapToInt(List::size).min().orElse(0) < FRAGMENTS || got.size() < 2) {
                Fragment f = multi.next();
                got.computeIfAbsent(f.collector(), c -> new ArrayList<>()).add(columns(f));
            }
        }
        assertEquals(expected0, got.get(0).subList(0, FRAGMENTS), "collector 0");
        assertEquals(expected1, got.get(1).subList(0, FRAGMENTS), "collector 1 (seeds offset by N)");
    }

    @Test
    void stickyRolloutsLeaveEndedEnvsStoppedUntilTheNextFragment() {
        int repeats = 0;
        try (Rollout sticky = Rollouts.same(GymEnvs.make("CartPole-v1", N), new LeanActor(), config(SEED, true))) {
            for (int k = 0; k < FRAGMENTS; k++) {
                Fragment f = sticky.next();
                checkSemantics(f);
                for (int j = 0; j < N; j++) {
                    boolean ended = false;
                    for (int t = 1; t <= T; t++) {
                        if (ended) {
                            repeats++;
                            assertTrue(f.fin(t, j), "a stopped env repeats fin");
                            assertEquals(0f, f.rew(t, j));
                            for (int i = 0; i < 4; i++) {
                                assertEquals(f.obs(t - 1, j, i), f.obs(t, j, i), "a stopped env repeats its reset obs");
                            }
                        }
                        ended |= f.fin(t, j);
                    }
                }
            }
        }
        assertTrue(repeats > 0, "some env was stopped inside a fragment");
    }

    @Test
    void uint8ImagesCrossTheBridgeIntoFragmentsAsBytes() {
        Actor left = (in, hx, virtual, out) -> {
            out.actions();
            return null;
        };
        try (Rollout r = Rollouts.same(GymEnvs.make(TestEnvs.spec("RlplayTest/Image-v0").numEnvs(N).build()), left,
                RolloutConfig.builder().length(100).build())) {
            for (int k = 0; k < 2; k++) {
                Fragment f = r.next();
                assertEquals(ElementType.UINT8, f.column(ColumnSpec.OBS).type(), "the image is stored as bytes");
                byte[] obs = f.column(ColumnSpec.OBS).bytes();
                for (int t = 0; t <= f.length(); t++) {
                    int count = k * f.length() + t;
                    for (int j = 0; j < N; j++) {
                        int i = 0;
                        for (int h = 0; h < 2; h++) {
                            for (int w = 0; w < 3; w++) {
                                for (int c = 0; c < 2; c++) {
                                    assertEquals((100 * h + 10 * w + c + count) & 0xff, obs[f.index(t, j) * 12 + i++] & 0xff,
                                            "record " + t + " env " + j + " (h, w, c) = " + h + w + c);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
