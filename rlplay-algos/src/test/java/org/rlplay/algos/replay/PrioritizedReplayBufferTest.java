package org.rlplay.algos.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.rollout.Rollout;
import org.rlplay.testing.ScriptedEnv;

/** Priorities from TD errors, proportional sampling and importance weights. */
class PrioritizedReplayBufferTest {

    static PrioritizedReplayBuffer filled(int capacity, float alpha, float epsilon) {
        PrioritizedReplayBuffer buffer = new PrioritizedReplayBuffer(ScriptedEnv.OBS, ScriptedEnv.ACT, capacity, alpha, epsilon);
        try (Rollout rollout = ReplayBufferTest.rollout(false, true)) {
            buffer.add(rollout.next());
        }
        return buffer;
    }

    /** Sets the priorities of slots 0..k-1 from the given TD errors through the public API. */
    static void prioritise(PrioritizedReplayBuffer buffer, float[] tdErrors) {
        TransitionBatch batch = buffer.newBatch(tdErrors.length);
        for (int b = 0; b < tdErrors.length; b++) {
            batch.indices()[b] = b;
        }
        buffer.updatePriorities(batch, tdErrors);
    }

    @Test
    void storesTheSameTransitionsAsTheUniformBuffer() {
        PrioritizedReplayBuffer per = filled(100, 0.6f, 1e-3f);
        ReplayBuffer uniform = ReplayBufferTest.buffer(100);
        try (Rollout rollout = ReplayBufferTest.rollout(false, true)) {
            uniform.add(rollout.next());
        }
        assertEquals(uniform.size(), per.size());
        TransitionBatch batch = per.newBatch(8);
        per.sample(new SplittableRandom(4), 0.4f, batch);
        for (int b = 0; b < batch.size(); b++) {
            ReplayBufferTest.assertStep(ReplayBufferTest.read(uniform, batch.indices()[b]),
                    new ScriptedTransitions.Step(Arrays.copyOfRange(batch.obs(), 3 * b, 3 * b + 3),
                            batch.actInts()[b], batch.rew()[b],
                            Arrays.copyOfRange(batch.nextObs(), 3 * b, 3 * b + 3),
                            batch.done()[b], batch.truncated()[b]), "row " + b);
        }
    }

    @Test
    void prioritiesAreAbsTdErrorPlusEpsilonToTheAlphaAndNewTransitionsGetTheMax() {
        PrioritizedReplayBuffer buffer = filled(100, 0.5f, 0.25f);
        for (int i = 0; i < buffer.size(); i++) {
            assertEquals(1.0, buffer.priority(i), "new transitions start at priority 1");
        }
        // (|delta| + .25)^.5 for delta = 3.75, -8.75, 0
        prioritise(buffer, new float[] {3.75f, -8.75f, 0f});
        assertEquals(2.0, buffer.priority(0), 1e-6);
        assertEquals(3.0, buffer.priority(1), 1e-6);
        assertEquals(0.5, buffer.priority(2), 1e-6);
        try (Rollout rollout = ReplayBufferTest.rollout(false, true)) {
            buffer.add(rollout.next());
        }
        assertEquals(3.0, buffer.priority(buffer.size() - 1), 1e-6, "new transitions enter at the largest priority");
    }

    @Test
    void importanceWeightsAreMinPriorityOverPriorityToTheBeta() {
        // alpha .5, epsilon tiny: priorities 1, 2, 4 on slots 0..2, the rest at 1 (new)
        PrioritizedReplayBuffer buffer = filled(100, 0.5f, 1e-12f);
        prioritise(buffer, new float[] {1f, 4f, 16f});
        TransitionBatch batch = buffer.newBatch(256);
        buffer.sample(new SplittableRandom(5), 1f, batch);
        // w = (N P(i))^-1 / max_k (N P(k))^-1 = p_min / p_i: 1, .5, .25 for priorities 1, 2, 4
        int[] seen = new int[3];
        for (int b = 0; b < batch.size(); b++) {
            int slot = batch.indices()[b];
            float expected = (float) (1.0 / buffer.priority(slot));
            assertEquals(expected, batch.weights()[b], 1e-5f, "slot " + slot);
            if (slot < 3) {
                seen[slot]++;
            }
        }
        assertTrue(seen[0] > 0 && seen[1] > 0 && seen[2] > 0, "the batch covers the three prioritised slots");
        buffer.sample(new SplittableRandom(5), 0.5f, batch);
        for (int b = 0; b < batch.size(); b++) {
            assertEquals((float) Math.sqrt(1.0 / buffer.priority(batch.indices()[b])), batch.weights()[b], 1e-5f);
        }
        buffer.sample(new SplittableRandom(5), 0f, batch);
        for (float w : batch.weights()) {
            assertEquals(1f, w);
        }
    }

    @Test
    void samplingFrequenciesAreProportionalToPriorities() {
        PrioritizedReplayBuffer buffer = filled(100, 1f, 1e-12f);
        int k = buffer.size();
        float[] td = new float[k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            td[i] = 1 + i % 4;
            total += td[i];
        }
        prioritise(buffer, td);
        double[] p = new double[k];
        for (int i = 0; i < k; i++) {
            p[i] = td[i] / total;
        }
        TransitionBatch batch = buffer.newBatch(100);
        SplittableRandom rng = new SplittableRandom(77);
        int[] counts = new int[k];
        int n = 0;
        for (int i = 0; i < 1000; i++) {
            buffer.sample(rng, 0.4f, batch);
            for (int slot : batch.indices()) {
                counts[slot]++;
                n++;
            }
        }
        double chi2 = Stats.chiSquare(counts, p, n);
        assertTrue(chi2 < Stats.chiSquareCritical999(k - 1), "chi-square " + chi2);
    }

    @Test
    void sampleSameSeedSameIndices() {
        PrioritizedReplayBuffer buffer = filled(100, 0.6f, 0.01f);
        TransitionBatch a = buffer.newBatch(32);
        TransitionBatch b = buffer.newBatch(32);
        buffer.sample(new SplittableRandom(3), 0.4f, a);
        buffer.sample(new SplittableRandom(3), 0.4f, b);
        assertArrayEquals(a.indices(), b.indices());
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new PrioritizedReplayBuffer(ScriptedEnv.OBS, ScriptedEnv.ACT, 10, 1.5f, 0.01f));
        assertThrows(IllegalArgumentException.class,
                () -> new PrioritizedReplayBuffer(ScriptedEnv.OBS, ScriptedEnv.ACT, 10, 0.5f, 0f));
        PrioritizedReplayBuffer empty = new PrioritizedReplayBuffer(ScriptedEnv.OBS, ScriptedEnv.ACT, 10, 0.5f, 0.01f);
        assertThrows(IllegalStateException.class, () -> empty.sample(new SplittableRandom(1), 0.4f, empty.newBatch(2)));
        PrioritizedReplayBuffer buffer = filled(100, 0.5f, 0.01f);
        TransitionBatch batch = buffer.newBatch(2);
        assertThrows(IllegalArgumentException.class, () -> buffer.updatePriorities(batch, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> buffer.updatePriorities(batch, new float[] {1f, Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> buffer.sample(new SplittableRandom(1), 1.5f, batch));
    }
}
