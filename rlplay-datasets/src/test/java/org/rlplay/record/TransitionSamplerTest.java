package org.rlplay.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.ScriptedActor;
import org.rlplay.testing.ScriptedEnv;

/** The transition view: exact at episode ends and fragment boundaries, no duplicates, uniform draws. */
class TransitionSamplerTest {
    static final int FRAGMENTS = 4;

    @TempDir
    Path tmp;

    /** One expected transition of a scripted env, simulated independently of the engine. */
    record Expected(float[] s, int a, float r, float[] next, boolean done, boolean truncated) {
    }

    /** The first {@code count} transitions of scripted env j, as the env and the actor produce them. */
    static List<Expected> simulate(int j, int count) {
        int[] lengths = Fixtures.LENGTHS[j];
        long seed = Fixtures.SEED + j;
        int episode = 0;
        int step = 0;
        List<Expected> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] s = {seed, episode, step};
            int a = ScriptedActor.action(step, step);
            float r = ScriptedEnv.reward(episode, step, a);
            step++;
            int length = lengths[episode % lengths.length];
            boolean end = step >= length;
            out.add(new Expected(s, a, r, new float[] {seed, episode, step}, end && length != 4, end && length == 4));
            if (end) {
                episode++;
                step = 0;
            }
        }
        return out;
    }

    private Dataset record(Path dir, boolean sticky, boolean keepFinalObs, long[] envSteps) {
        List<ScriptedEnv> envs = new ArrayList<>();
        for (int[] l : Fixtures.LENGTHS) {
            envs.add(new ScriptedEnv(l, 4));
        }
        RolloutConfig config = RolloutConfig.builder().length(Fixtures.T).seed(Fixtures.SEED).sticky(sticky)
                .keepFinalObs(keepFinalObs).build();
        try (Rollout r = Recorder.wrap(Rollouts.same(new SerialVecEnv(envs), new ScriptedActor(), config), dir,
                Fixtures.info())) {
            for (int k = 0; k < FRAGMENTS; k++) {
                r.next();
            }
            envSteps[0] = r.envSteps();
        }
        return Dataset.open(dir);
    }

    private static float[] row(float[] a, int b, int width) {
        float[] out = new float[width];
        System.arraycopy(a, b * width, out, 0, width);
        return out;
    }

    @Test
    void everyTransitionOfEveryFragmentIsTheEnvsOwnOnceWithFinalObsAtEpisodeEnds() {
        long[] steps = new long[1];
        TransitionSampler sampler = TransitionSampler.load(record(tmp.resolve("d"), false, true, steps));
        int n = Fixtures.N;
        int t = Fixtures.T;
        assertEquals(FRAGMENTS * t * n, sampler.size());
        assertEquals(steps[0], sampler.size(), "one transition per env step");
        TransitionBatch batch = sampler.newBatch(1);
        int ends = 0;
        int truncations = 0;
        for (int j = 0; j < n; j++) {
            List<Expected> expected = simulate(j, FRAGMENTS * t);
            for (int k = 0; k < FRAGMENTS; k++) {
                for (int r = 0; r < t; r++) {
                    Expected e = expected.get(k * t + r);
                    batch.indices()[0] = k * t * n + r * n + j;
                    sampler.gather(batch);
                    String where = "env " + j + " fragment " + k + " transition " + r;
                    assertArrayEquals(e.s(), row(batch.obs(), 0, 3), where + " s");
                    assertEquals(e.a(), batch.actInts()[0], where + " a");
                    assertEquals(e.r(), batch.rew()[0], where + " r");
                    assertArrayEquals(e.next(), row(batch.nextObs(), 0, 3), where + " s'");
                    assertEquals(e.done(), batch.done()[0], where + " done");
                    assertEquals(e.truncated(), batch.truncated()[0], where + " truncated");
                    ends += e.done() || e.truncated() ? 1 : 0;
                    truncations += e.truncated() ? 1 : 0;
                }
            }
        }
        assertTrue(ends > 10 && truncations > 0, "the script exercises episode ends (" + ends + ") and truncations ("
                + truncations + ")");
    }

    @Test
    void stickyRepeatsAreLeftOutAndEveryRealStepIsKept() {
        long[] steps = new long[1];
        TransitionSampler sampler = TransitionSampler.load(record(tmp.resolve("d"), true, true, steps));
        assertEquals(steps[0], sampler.size(), "exactly the env steps taken");
        assertTrue(sampler.size() < FRAGMENTS * Fixtures.T * Fixtures.N, "sticky mode left envs stopped");
        TransitionBatch batch = sampler.newBatch(1);
        Set<List<Float>> seen = new HashSet<>();
        for (int k = 0; k < sampler.size(); k++) {
            batch.indices()[0] = k;
            sampler.gather(batch);
            float[] s = row(batch.obs(), 0, 3);
            float[] next = row(batch.nextObs(), 0, 3);
            assertEquals(s[0], next[0], "same env");
            assertEquals(s[1], next[1], "same episode: s' of an ending step is its final observation");
            assertEquals(s[2] + 1, next[2], "one step further");
            int a = ScriptedActor.action((int) s[2], s[2]);
            assertEquals(a, batch.actInts()[0]);
            assertEquals(ScriptedEnv.reward((int) s[1], (int) s[2], a), batch.rew()[0]);
            assertTrue(seen.add(List.of(s[0], s[1], s[2])), "no duplicate of " + List.of(s[0], s[1], s[2]));
        }
    }

    @Test
    void samplesAreUniformDrawsOfStoredTransitions() {
        TransitionSampler sampler = TransitionSampler.load(record(tmp.resolve("d"), false, true, new long[1]));
        TransitionBatch batch = sampler.newBatch(64);
        TransitionBatch check = sampler.newBatch(1);
        int[] hits = new int[sampler.size()];
        SplittableRandom rng = new SplittableRandom(5);
        int draws = 0;
        for (int i = 0; i < 300; i++) {
            sampler.sample(rng, batch);
            for (int b = 0; b < batch.size(); b++) {
                int k = batch.indices()[b];
                hits[k]++;
                draws++;
                check.indices()[0] = k;
                sampler.gather(check);
                assertArrayEquals(row(check.obs(), 0, 3), row(batch.obs(), b, 3));
                assertArrayEquals(row(check.nextObs(), 0, 3), row(batch.nextObs(), b, 3));
                assertEquals(check.rew()[0], batch.rew()[b]);
                assertEquals(check.actInts()[0], batch.actInts()[b]);
            }
        }
        double expected = (double) draws / hits.length;
        double chi2 = 0;
        for (int h : hits) {
            chi2 += (h - expected) * (h - expected) / expected;
        }
        // 59 degrees of freedom: the 0.999 quantile is about 99.6
        assertTrue(chi2 < 99.6, "chi-square " + chi2 + " over " + hits.length + " transitions");
    }

    @Test
    void aTruncationWithoutFinalObsIsRefused() {
        Dataset dataset = record(tmp.resolve("d"), false, false, new long[1]);
        DatasetException e = assertThrows(DatasetException.class, () -> TransitionSampler.load(dataset));
        assertTrue(e.getMessage().contains("was truncated at record") && e.getMessage().contains("no final_observation"),
                e.getMessage());
        assertTrue(e.getMessage().startsWith(tmp.resolve("d").resolve("date=").toString())
                && e.getMessage().contains("run-000000-part-000000.parquet: "), e.getMessage());
    }

    @Test
    void aBatchOfOtherSpacesIsRefused() {
        TransitionSampler sampler = TransitionSampler.load(record(tmp.resolve("d"), false, true, new long[1]));
        TransitionBatch other = new TransitionBatch(2, org.rlplay.env.space.Box.of(0f, 1f, 5), ScriptedEnv.ACT);
        assertThrows(IllegalArgumentException.class, () -> sampler.gather(other));
    }
}
