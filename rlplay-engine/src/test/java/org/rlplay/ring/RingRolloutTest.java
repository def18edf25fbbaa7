package org.rlplay.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rlplay.ring.RingFixtures.assertNoCollectorThreads;
import static org.rlplay.ring.RingFixtures.await;
import static org.rlplay.ring.RingFixtures.columns;
import static org.rlplay.ring.RingFixtures.config;
import static org.rlplay.ring.RingFixtures.scripted;
import static org.rlplay.ring.RingFixtures.sleep;

import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.ScriptedActor;

/** The ring modes deliver exactly what {@code same} collects, in order, with back-pressure. */
class RingRolloutTest {
    static final int T = 5;
    static final long SEED = 10;

    @AfterEach
    void noThreadSurvives() {
        assertNoCollectorThreads();
    }

    /** The first {@code count} fragments of {@code rollout}, each as its env columns. */
    static List<List<String>> drain(Rollout rollout, int count) {
        List<List<String>> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            Fragment f = rollout.next();
            out.add(columns(f, 0, f.numEnvs()));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void singleWithFrozenWeightsYieldsTheSameFragmentsAsSame(int slots) {
        int n = 3;
        int count = 12;
        List<List<String>> expected;
        try (Rollout same = Rollouts.same(scripted(0, n), new ScriptedActor(), config(T, SEED))) {
            expected = drain(same, count);
        }
        try (Rollout single = Rollouts.single(scripted(0, n), new ScriptedActor(), config(T, SEED),
                RingConfig.builder().slots(slots).build())) {
            assertEquals(n, single.spec().numEnvs());
            for (int k = 0; k < count; k++) {
                assertTrue(single.hasNext());
                Fragment f = single.next();
                assertEquals(k, f.sequence(), "fragment sequence");
                assertEquals(0, f.collector());
                assertEquals(0, f.actorVersion());
                assertEquals(expected.get(k), columns(f, 0, n), "fragment " + k);
            }
            assertEquals((long) count * T * n, single.envSteps());
        }
    }

    @Test
    void eachMultiCollectorYieldsTheFragmentsOfASameRolloutOverItsEnvsAndSeeds() {
        int collectors = 3;
        int perCollector = 2;
        int count = 30;
        List<VecEnv> envs = new ArrayList<>();
        List<Actor> actors = new ArrayList<>();
        for (int c = 0; c < collectors; c++) {
            envs.add(scripted(c * perCollector, perCollector));
            actors.add(new ScriptedActor());
        }
        Map<Integer, List<List<String>>> got = new HashMap<>();
        try (Rollout multi = Rollouts.multi(envs, actors, config(T, SEED), RingConfig.builder().slots(4).build())) {
            for (int k = 0; k < count; k++) {
                Fragment f = multi.next();
                int c = f.collector();
                assertEquals(c * perCollector, f.envOffset(), "env offset of collector " + c);
                List<List<String>> stream = got.computeIfAbsent(c, x -> new ArrayList<>());
                assertEquals(stream.size(), f.sequence(), "collector " + c + "'s fragments arrive in order, none missing");
                stream.add(columns(f, 0, perCollector));
            }
        }
        assertEquals(collectors, got.size(), "every collector delivered: " + got.keySet());
        for (int c = 0; c < collectors; c++) {
            List<List<String>> stream = got.get(c);
            try (Rollout same = Rollouts.same(scripted(c * perCollector, perCollector), new ScriptedActor(),
                    config(T, SEED + (long) c * perCollector))) {
                assertEquals(drain(same, stream.size()), stream, "collector " + c);
            }
        }
    }

    @Test
    void multiBatchCollatesConsecutiveRingFragmentsIntoOneView() {
        int collectors = 2;
        int perCollector = 2;
        int m = 3;
        int batches = 8;
        List<VecEnv> envs = new ArrayList<>();
        List<Actor> actors = new ArrayList<>();
        for (int c = 0; c < collectors; c++) {
            envs.add(scripted(c * perCollector, perCollector));
            actors.add(new ScriptedActor());
        }
        List<List<List<String>>> expected = new ArrayList<>();
        for (int c = 0; c < collectors; c++) {
            try (Rollout same = Rollouts.same(scripted(c * perCollector, perCollector), new ScriptedActor(),
                    config(T, SEED + (long) c * perCollector))) {
                expected.add(drain(same, batches * m));
            }
        }
        int[] seen = new int[collectors];
        try (Rollout multi = Rollouts.multi(envs, actors, config(T, SEED), RingConfig.builder().slots(2).batch(m).build())) {
            assertEquals(m * perCollector, multi.spec().numEnvs());
            for (int b = 0; b < batches; b++) {
                Fragment f = multi.next();
                assertEquals(m * perCollector, f.numEnvs());
                assertEquals(b, f.sequence(), "batch sequence");
                assertEquals(-1, f.collector(), "a collated fragment has no single collector");
                for (int i = 0; i < m; i++) {
                    // ScriptedEnv's obs[0] is its seed: SEED + global env index
                    int c = ((int) f.obs(0, i * perCollector, 0) - (int) SEED) / perCollector;
                    List<String> part = columns(f, i * perCollector, perCollector);
                    assertEquals(zeroHxWhereMissing(expected.get(c).get(seen[c])), part,
                            "batch " + b + " part " + i + " = collector " + c + " fragment " + seen[c]);
                    seen[c]++;
                }
                if (b > 0) {
                    NDList hx = f.hx();
                    assertNotNull(hx, "parts after the first carry hx");
                    assertEquals(m * perCollector, hx.get(0).getShape().get(1), "hx batch dim");
                }
            }
        }
        assertEquals(batches * m, seen[0] + seen[1]);
    }

    /**
     * A collector's first fragment has no hx (the actor starts from null); in a collated fragment
     * that part's hx slice is zeros, ScriptedActor's (1, N) initial count.
     */
    private static List<String> zeroHxWhereMissing(List<String> columns) {
        List<String> out = new ArrayList<>();
        for (String c : columns) {
            out.add(c.replace("\nhx= episodes", "\nhx=0.0,; episodes"));
        }
        return out;
    }

    @Test
    void producersBlockWhenTheRingIsFullAndNothingIsDropped() {
        int slots = 4;
        CountingActor actor = new CountingActor();
        try (Rollout single = Rollouts.single(scripted(0, 2), actor, config(T, SEED),
                RingConfig.builder().slots(slots).build())) {
            await(() -> actor.fragments.get() == slots, 5_000, "the ring is full");
            sleep(200);
            assertEquals(slots, actor.fragments.get(), "the collector stops at K fragments while nothing is consumed");
            Fragment first = single.next();
            assertEquals(0, first.sequence());
            sleep(100);
            assertEquals(slots, actor.fragments.get(), "the slot the learner holds is not released yet");
            assertEquals(1, single.next().sequence());
            await(() -> actor.fragments.get() == slots + 1, 5_000, "one slot was released");
            sleep(100);
            assertEquals(slots + 1, actor.fragments.get());
            for (int k = 2; k < 40; k++) {
                assertEquals(k, single.next().sequence(), "contiguous sequence numbers");
            }
        }
    }

    @Test
    void aHeldSlotIsNotOverwrittenWhileCollectorsRunAhead() {
        try (Rollout single = Rollouts.single(scripted(0, 3), new ScriptedActor(), config(T, SEED),
                RingConfig.builder().slots(2).build())) {
            Fragment f = single.next();
            List<String> before = columns(f, 0, 3);
            sleep(150);
            assertEquals(before, columns(f, 0, 3));
            Fragment g = single.next();
            assertEquals(1, g.sequence());
        }
    }

    @Test
    void closeIsIdempotentAndEndsTheIteration() {
        Rollout single = Rollouts.single(scripted(0, 1), new ScriptedActor(), config(T, SEED), RingConfig.builder().build());
        single.next();
        single.close();
        single.close();
        assertFalse(single.hasNext());
        assertThrows(NoSuchElementException.class, single::next);
        assertThrows(IllegalStateException.class, single::publish);
        assertNoCollectorThreads();
    }

    @Test
    void multiRejectsBatchesOfDifferentSizes() {
        List<VecEnv> envs = List.of(scripted(0, 2), scripted(2, 3));
        List<Actor> actors = List.of(new ScriptedActor(), new ScriptedActor());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rollouts.multi(envs, actors, config(T, SEED), RingConfig.builder().build()));
        assertTrue(e.getMessage().contains("collector 1"), e.getMessage());
    }

    @Test
    void ringConfigRejectsBadValuesNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RingConfig.builder().slots(3).build())
                .getMessage().contains("slots K"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RingConfig.builder().slots(1).build())
                .getMessage().contains("slots K"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RingConfig.builder().batch(0).build())
                .getMessage().contains("batch M"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RingConfig.builder().maxLag(-2).build())
                .getMessage().contains("maxLag"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RingConfig.builder().timeout(java.time.Duration.ZERO).build()).getMessage().contains("timeout"));
    }

    @Test
    void sameModeCountsPublishedVersionsWithZeroLag() {
        try (Rollout same = Rollouts.same(scripted(0, 1), new ScriptedActor(), config(T, SEED))) {
            assertEquals(0, same.next().actorVersion());
            assertEquals(1, same.publish());
            assertEquals(2, same.publish());
            Fragment f = same.next();
            assertEquals(2, f.actorVersion());
            assertEquals(0, same.lag(f));
        }
    }

    @Test
    void collectorThreadsRunPyTorchWithTheConfiguredIntraOpThreads() {
        int before = JniUtils.getNumThreads();
        AtomicInteger seen = new AtomicInteger();
        Actor probe = (records, hx, virtual, out) -> {
            seen.set(JniUtils.getNumThreads());
            out.actions().setDiscrete(0, 0);
            return null;
        };
        try (Rollout single = Rollouts.single(scripted(0, 1), probe, config(T, SEED),
                RingConfig.builder().actorThreads(3).build())) {
            single.next();
            assertEquals(3, seen.get());
        } finally {
            JniUtils.setNumThreads(before);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RingConfig.builder().actorThreads(0).build())
                .getMessage().contains("actorThreads"));
    }

    /** A constant actor counting the fragments it started (one virtual step per fragment). */
    static final class CountingActor implements Actor {
        final AtomicInteger fragments = new AtomicInteger();

        @Override
        public NDList step(RecordBatch records, NDList hx, boolean virtual, ActorOutput out) {
            if (virtual) {
                fragments.incrementAndGet();
                return null;
            }
            for (int j = 0; j < records.numEnvs(); j++) {
                out.actions().setDiscrete(j, 1);
            }
            return null;
        }
    }
}
