package org.rlplay.algos.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.env.space.Box;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.ScriptedActor;
import org.rlplay.testing.ScriptedEnv;

/** The buffer stores exactly the true transitions of a scripted rollout, wraps, and samples uniformly. */
class ReplayBufferTest {
    static final int T = 5;
    static final long SEED = 10;
    /** Env j's episode lengths (cycled); length-4 episodes end by truncation. */
    static final int[][] LENGTHS = {{2, 4}, {3}, {7, 1}};
    static final int TRUNCATED = 4;

    static Rollout rollout(boolean sticky, boolean keepFinalObs) {
        List<ScriptedEnv> envs = new ArrayList<>();
        for (int[] l : LENGTHS) {
            envs.add(new ScriptedEnv(l, TRUNCATED));
        }
        return Rollouts.same(new SerialVecEnv(envs), new ScriptedActor(),
                RolloutConfig.builder().length(T).seed(SEED).sticky(sticky).keepFinalObs(keepFinalObs).build());
    }

    static ReplayBuffer buffer(int capacity) {
        return new ReplayBuffer(ScriptedEnv.OBS, ScriptedEnv.ACT, capacity);
    }

    /** Reads slot {@code slot} through the public gather path. */
    static ScriptedTransitions.Step read(ReplayBuffer buffer, int slot) {
        TransitionBatch b = buffer.newBatch(1);
        b.indices()[0] = slot;
        buffer.gather(b);
        return new ScriptedTransitions.Step(b.obs().clone(), b.actInts()[0], b.rew()[0], b.nextObs().clone(),
                b.done()[0], b.truncated()[0]);
    }

    static void assertStep(ScriptedTransitions.Step expected, ScriptedTransitions.Step actual, String where) {
        assertArrayEquals(expected.s(), actual.s(), where + " s");
        assertEquals(expected.a(), actual.a(), where + " a");
        assertEquals(expected.r(), actual.r(), where + " r");
        assertArrayEquals(expected.next(), actual.next(), where + " s'");
        assertEquals(expected.done(), actual.done(), where + " done");
        assertEquals(expected.truncated(), actual.truncated(), where + " truncated");
    }

    @Test
    void storesEachTransitionOfAStreamExactlyOnceAcrossEpisodeEndsAndFragmentBoundaries() {
        int fragments = 4;
        ReplayBuffer buffer = buffer(1000);
        try (Rollout rollout = rollout(false, true)) {
            for (int k = 0; k < fragments; k++) {
                assertEquals(T * LENGTHS.length, buffer.add(rollout.next()), "T transitions per env");
            }
        }
        assertEquals(fragments * T * LENGTHS.length, buffer.size());
        List<List<ScriptedTransitions.Step>> expected = new ArrayList<>();
        for (int j = 0; j < LENGTHS.length; j++) {
            expected.add(ScriptedTransitions.of(SEED + j, LENGTHS[j], TRUNCATED, fragments * T));
        }
        int slot = 0;
        int terminated = 0;
        int truncated = 0;
        for (int step = 0; step < fragments * T; step++) {
            for (int j = 0; j < LENGTHS.length; j++) {
                ScriptedTransitions.Step e = expected.get(j).get(step);
                assertStep(e, read(buffer, slot), "slot " + slot + " (step " + step + " of env " + j + ")");
                terminated += e.done() ? 1 : 0;
                truncated += e.truncated() ? 1 : 0;
                slot++;
            }
        }
        assertTrue(terminated >= 5 && truncated >= 2, "the stream crosses terminations and truncations");
    }

    @Test
    void stickyRepeatsAreSkippedAndEachEnvKeepsItsTrueSequence() {
        ReplayBuffer buffer = buffer(1000);
        long envSteps;
        try (Rollout rollout = rollout(true, true)) {
            for (int k = 0; k < 4; k++) {
                buffer.add(rollout.next());
            }
            envSteps = rollout.envSteps();
        }
        assertEquals(envSteps, buffer.size(), "one transition per env step, none for the repeats");
        assertTrue(envSteps < 4 * T * LENGTHS.length, "sticky mode left envs idle");
        int[] seen = new int[LENGTHS.length];
        for (int slot = 0; slot < buffer.size(); slot++) {
            ScriptedTransitions.Step actual = read(buffer, slot);
            int j = (int) (actual.s()[0] - SEED);
            ScriptedTransitions.Step e = ScriptedTransitions.of(SEED + j, LENGTHS[j], TRUNCATED, seen[j] + 1).get(seen[j]);
            assertStep(e, actual, "slot " + slot + " env " + j);
            seen[j]++;
        }
    }

    @Test
    void wrapsAroundOverwritingTheOldestTransitions() {
        int capacity = 7;
        ReplayBuffer full = buffer(1000);
        ReplayBuffer ring = buffer(capacity);
        try (Rollout a = rollout(false, true); Rollout b = rollout(false, true)) {
            for (int k = 0; k < 3; k++) {
                full.add(a.next());
                ring.add(b.next());
            }
        }
        int added = 3 * T * LENGTHS.length;
        assertEquals(added, ring.added());
        assertEquals(capacity, ring.size());
        for (int k = added - capacity; k < added; k++) {
            assertStep(read(full, k), read(ring, k % capacity), "transition " + k);
        }
    }

    @Test
    void terminatedEndsNeedNoFinalObsButTruncatedOnesDo() {
        ReplayBuffer buffer = buffer(100);
        try (Rollout rollout = rollout(false, false)) {
            // first fragment: env 0 terminates at record 2, env 1 at record 3, nothing is truncated
            assertEquals(15, buffer.add(rollout.next()));
            ScriptedTransitions.Step end = read(buffer, 3);
            assertTrue(end.done(), "env 0's transition 1 -> 2 terminates");
            assertArrayEquals(new float[3], end.next(), "s' of a terminated end without finalObs is zeros");
            // second fragment: env 0's length-4 episode is truncated at record 1
            Fragment f = rollout.next();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buffer.add(f));
            assertTrue(e.getMessage().contains("finalObs"), e.getMessage());
            assertEquals(15, buffer.size(), "nothing stored from the rejected fragment");
        }
    }

    @Test
    void uniformSamplingIsSeededAndCoversEverySlotEvenly() {
        ReplayBuffer buffer = buffer(100);
        try (Rollout rollout = rollout(false, true)) {
            buffer.add(rollout.next());
            buffer.add(rollout.next());
        }
        int size = buffer.size();
        TransitionBatch batch = buffer.newBatch(64);
        int[] counts = new int[size];
        SplittableRandom rng = new SplittableRandom(1);
        int draws = 0;
        for (int i = 0; i < 500; i++) {
            buffer.sample(rng, batch);
            for (int b = 0; b < batch.size(); b++) {
                counts[batch.indices()[b]]++;
                assertEquals(read(buffer, batch.indices()[b]).r(), batch.rew()[b]);
                assertEquals(1f, batch.weights()[b]);
                draws++;
            }
        }
        assertTrue(Stats.chiSquare(counts, Stats.uniform(size), draws) < Stats.chiSquareCritical999(size - 1));
        TransitionBatch again = buffer.newBatch(64);
        SplittableRandom r1 = new SplittableRandom(9);
        SplittableRandom r2 = new SplittableRandom(9);
        buffer.sample(r1, batch);
        buffer.sample(r2, again);
        assertArrayEquals(batch.indices(), again.indices());
    }

    @Test
    void batchesBecomeNdArraysOfTheRightShapesAndTypes() {
        ReplayBuffer buffer = buffer(100);
        try (Rollout rollout = rollout(false, true); NDManager m = NDManager.newBaseManager()) {
            buffer.add(rollout.next());
            TransitionBatch batch = buffer.newBatch(4);
            for (int b = 0; b < 4; b++) {
                batch.indices()[b] = b + 2;
            }
            buffer.gather(batch);
            NDArray obs = batch.obs(m);
            NDArray act = batch.act(m);
            NDArray done = batch.done(m);
            assertEquals(new Shape(4, 3), obs.getShape());
            assertEquals(new Shape(4, 3), batch.nextObs(m).getShape());
            assertEquals(new Shape(4), act.getShape());
            assertEquals(DataType.INT64, act.getDataType());
            assertEquals(DataType.FLOAT32, done.getDataType());
            assertArrayEquals(batch.obs(), obs.toFloatArray());
            assertArrayEquals(batch.rew(), batch.rew(m).toFloatArray());
            for (int b = 0; b < 4; b++) {
                assertEquals(batch.actInts()[b], act.getLong(b));
                assertEquals(batch.done()[b] ? 1f : 0f, done.getFloat(b));
            }
            // slot 3 is env 0's terminated transition 1 -> 2
            assertEquals(1f, done.getFloat(1));
        }
    }

    @Test
    void badInputIsRejectedWithTheFieldNamed() {
        assertThrows(IllegalArgumentException.class, () -> buffer(0));
        ReplayBuffer buffer = buffer(10);
        assertThrows(IllegalStateException.class, () -> buffer.sample(new SplittableRandom(1), buffer.newBatch(2)));
        ReplayBuffer other = new ReplayBuffer(Box.of(-1f, 1f, 4), ScriptedEnv.ACT, 10);
        try (Rollout rollout = rollout(false, true)) {
            Fragment f = rollout.next();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.add(f));
            assertTrue(e.getMessage().startsWith("fragment"), e.getMessage());
            buffer.add(f);
        }
        TransitionBatch batch = buffer.newBatch(1);
        batch.indices()[0] = 10;
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.gather(batch));
    }
}
