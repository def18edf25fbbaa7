package org.rlplay.rollout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.testing.ScriptedActor;
import org.rlplay.testing.ScriptedEnv;

/** Pins DESIGN.md section 2 record by record with a scripted env and a scripted actor. */
class FragmentSemanticsTest {
    static final int T = 5;
    static final int N = 3;
    /** Env j has episodes of lengths LENGTHS[j] (cycled); length-4 episodes end by truncation. */
    static final int[][] LENGTHS = {{2, 4}, {3}, {7, 1}};

    static SerialVecEnv envs() {
        List<ScriptedEnv> list = new ArrayList<>();
        for (int[] l : LENGTHS) {
            list.add(new ScriptedEnv(l, 4));
        }
        return new SerialVecEnv(list);
    }

    static Rollout rollout(ScriptedActor actor, boolean sticky) {
        return Rollouts.same(envs(), actor, RolloutConfig.builder().length(T).seed(10).sticky(sticky).build());
    }

    /** A simulation of one env's records over `fragments` fragments, independent of the engine. */
    static final class Expected {
        final List<float[]> obs = new ArrayList<>();
        final List<Integer> act = new ArrayList<>();
        final List<Float> rew = new ArrayList<>();
        final List<Boolean> fin = new ArrayList<>();
        final List<Boolean> trunc = new ArrayList<>();
        final List<Integer> stepno = new ArrayList<>();
        final List<float[]> finalObs = new ArrayList<>();

        Expected(int j, int records) {
            int[] lengths = LENGTHS[j];
            long seed = 10 + j;
            int episode = 0;
            int step = 0;
            obs.add(new float[] {seed, 0, 0});
            act.add(0);
            rew.add(0f);
            fin.add(true);
            trunc.add(false);
            stepno.add(0);
            finalObs.add(new float[3]);
            for (int r = 1; r < records; r++) {
                int a = ScriptedActor.action(stepno.get(r - 1), step);
                float reward = ScriptedEnv.reward(episode, step, a);
                step++;
                int length = lengths[episode % lengths.length];
                boolean end = step >= length;
                act.add(a);
                rew.add(reward);
                fin.add(end);
                trunc.add(end && length == 4);
                if (end) {
                    finalObs.add(new float[] {seed, episode, step});
                    episode++;
                    step = 0;
                } else {
                    finalObs.add(new float[3]);
                }
                stepno.add(step);
                obs.add(new float[] {seed, episode, step});
            }
        }
    }

    @Test
    void recordsAlignActionRewardFinTruncStepnoAndFinalObsAcrossFragments() {
        ScriptedActor actor = new ScriptedActor();
        int fragments = 4;
        try (Rollout rollout = rollout(actor, false)) {
            for (int k = 0; k < fragments; k++) {
                Fragment f = rollout.next();
                assertEquals(k, f.sequence());
                for (int j = 0; j < N; j++) {
                    Expected e = new Expected(j, fragments * T + 1);
                    for (int t = 0; t <= T; t++) {
                        int r = k * T + t;
                        String where = "fragment " + k + " record " + t + " env " + j;
                        assertArrayEquals(e.obs.get(r), new float[] {f.obs(t, j, 0), f.obs(t, j, 1), f.obs(t, j, 2)}, where + " obs");
                        assertEquals(e.act.get(r), (int) f.act(t, j, 0), where + " act");
                        assertEquals(e.rew.get(r), f.rew(t, j), where + " rew");
                        assertEquals(e.fin.get(r), f.fin(t, j), where + " fin");
                        assertEquals(e.trunc.get(r), f.trunc(t, j), where + " trunc");
                        assertEquals(e.stepno.get(r), f.stepno(t, j), where + " stepno");
                        assertArrayEquals(e.finalObs.get(r), new float[] {f.finalObs(t, j, 0), f.finalObs(t, j, 1), f.finalObs(t, j, 2)}, where + " finalObs");
                        if (t < T) {
                            assertEquals(e.obs.get(r)[2], f.envInfo()[(t * N + j)], where + " env info is the step taken from record t");
                        }
                    }
                }
            }
        }
    }

    @Test
    void lastRecordIsRepeatedAsFirstRecordOfNextFragmentWithRecomputedActorInfo() {
        ScriptedActor actor = new ScriptedActor();
        try (Rollout rollout = rollout(actor, false)) {
            Fragment f = rollout.next();
            float[] lastObs = new float[N * 3];
            System.arraycopy(f.obs(), f.index(T, 0) * 3, lastObs, 0, N * 3);
            int[] lastStepno = new int[N];
            boolean[] lastFin = new boolean[N];
            float[] lastRew = new float[N];
            float[] lastHxInfo = new float[N];
            for (int j = 0; j < N; j++) {
                lastStepno[j] = f.stepno(T, j);
                lastFin[j] = f.fin(T, j);
                lastRew[j] = f.rew(T, j);
                lastHxInfo[j] = f.actorInfo("hx").getFloat(T, j, 0);
            }
            Fragment g = rollout.next();
            float[] firstObs = new float[N * 3];
            System.arraycopy(g.obs(), 0, firstObs, 0, N * 3);
            assertArrayEquals(lastObs, firstObs);
            for (int j = 0; j < N; j++) {
                assertEquals(lastStepno[j], g.stepno(0, j));
                assertEquals(lastFin[j], g.fin(0, j));
                assertEquals(lastRew[j], g.rew(0, j));
                // the virtual step did not advance hx: record 0 sees the same state as record T did
                assertEquals(lastHxInfo[j], g.actorInfo("hx").getFloat(0, j, 0), "env " + j);
            }
        }
    }

    @Test
    void actorResetIsCalledForExactlyTheEnvsWhoseEpisodeEnded() {
        ScriptedActor actor = new ScriptedActor();
        try (Rollout rollout = rollout(actor, false)) {
            List<Integer> expected = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                Fragment f = rollout.next();
                for (int t = 1; t <= T; t++) {
                    for (int j = 0; j < N; j++) {
                        if (f.fin(t, j)) {
                            expected.add(j);
                        }
                    }
                }
            }
            assertEquals(expected, actor.resets);
            assertEquals(3 * T, actor.realSteps);
            assertEquals(3, actor.virtualSteps);
        }
    }

    @Test
    void hxCountsStepsSinceResetAndIsStoredAtFragmentStart() {
        ScriptedActor actor = new ScriptedActor();
        try (Rollout rollout = rollout(actor, false); NDManager m = NDManager.newBaseManager()) {
            Fragment f = rollout.next();
            assertEquals(null, f.hx(), "no hx before the first step");
            Fragment g = rollout.next();
            float[] initial = g.hx().get(0).toFloatArray();
            for (int j = 0; j < N; j++) {
                assertEquals(g.actorInfo("hx").getFloat(0, j, 0), initial[j], "env " + j);
                for (int t = 0; t <= T; t++) {
                    // hx counts real steps since the last reset, so before record t it equals stepno
                    assertEquals(g.stepno(t, j), g.actorInfo("hx").getFloat(t, j, 0), "record " + t + " env " + j);
                }
            }
            NDArray info = g.actorInfo("hx", m);
            assertArrayEquals(new long[] {T + 1, N}, info.getShape().getShape());
        }
    }

    @Test
    void episodesEndingInAFragmentAreReportedWithReturnLengthAndTruncation() {
        ScriptedActor actor = new ScriptedActor();
        try (Rollout rollout = rollout(actor, false)) {
            Fragment f = rollout.next();
            // env 0: lengths 2 (terminated) then 4 (truncated); T = 5 so only the first ends
            // env 1: length 3 ends at record 3; env 2: length 7 does not end in 5 steps
            assertEquals(2, f.episodes().count());
            double ret0 = f.rew(1, 0) + f.rew(2, 0);
            double ret1 = f.rew(1, 1) + f.rew(2, 1) + f.rew(3, 1);
            for (int i = 0; i < 2; i++) {
                int env = f.episodes().env(i);
                assertEquals(env == 0 ? 2 : 3, f.episodes().length(i));
                assertEquals(env == 0 ? ret0 : ret1, f.episodes().episodeReturn(i), 1e-6);
                assertFalse(f.episodes().truncated(i));
                assertTrue(f.fin(f.episodes().record(i), env));
            }
            Fragment g = rollout.next();
            // env 0 then ends its length-4 episode by truncation at record 1 and a length-2 one at record 3
            List<String> env0 = new ArrayList<>();
            for (int i = 0; i < g.episodes().count(); i++) {
                if (g.episodes().env(i) == 0) {
                    env0.add(g.episodes().record(i) + ":" + g.episodes().length(i) + ":" + g.episodes().truncated(i));
                }
            }
            assertEquals(List.of("1:4:true", "3:2:false"), env0);
        }
    }

    @Test
    void stickyEnvsStayStoppedUntilTheNextFragment() {
        ScriptedActor actor = new ScriptedActor();
        try (Rollout rollout = rollout(actor, true)) {
            Fragment f = rollout.next();
            // env 0 ends at record 2: records 3..5 repeat the reset observation with fin, rew 0
            for (int t = 3; t <= T; t++) {
                assertTrue(f.fin(t, 0));
                assertEquals(0f, f.rew(t, 0));
                assertFalse(f.trunc(t, 0));
                assertEquals(0, f.stepno(t, 0));
                assertEquals(f.obs(2, 0, 1), f.obs(t, 0, 1));
                assertEquals(1f, f.obs(t, 0, 1), "episode 1 has begun");
            }
            // env 2 does not end and keeps stepping
            assertEquals(5, f.stepno(T, 2));
            assertEquals(2 + 3 + 5, rollout.envSteps());
            Fragment g = rollout.next();
            // next fragment: env 0 resumes its episode 1 (length 4), from step 0
            assertFalse(g.fin(1, 0));
            assertEquals(1, g.stepno(1, 0));
            assertEquals(1f, g.obs(1, 0, 1));
        }
    }
}
