package org.rlplay.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rlplay.ring.RingFixtures.assertNoCollectorThreads;
import static org.rlplay.ring.RingFixtures.await;
import static org.rlplay.ring.RingFixtures.collectorThreads;
import static org.rlplay.ring.RingFixtures.config;
import static org.rlplay.ring.RingFixtures.scripted;

import ai.djl.ndarray.NDList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rlplay.actor.Actor;
import org.rlplay.actor.ActorOutput;
import org.rlplay.actor.RecordBatch;
import org.rlplay.env.Env;
import org.rlplay.env.EnvException;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.env.VecEnv;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.ScriptedActor;
import org.rlplay.testing.FaultyEnv;
import org.rlplay.testing.ScriptedEnv;

/** Collector failures and hangs reach the learner with their cause; close() always ends every thread. */
class RingFailureTest {
    static final int T = 4;

    @AfterEach
    void noThreadSurvives() {
        assertNoCollectorThreads();
    }

    /** Takes fragments until the rollout throws; fails if it never does. */
    static CollectorException consumeUntilFailure(Rollout rollout) {
        return assertThrows(CollectorException.class, () -> {
            for (int k = 0; k < 10_000; k++) {
                rollout.next();
            }
        });
    }

    /** A batch of two envs whose env 1 is {@code faulty}. */
    static SerialVecEnv withFaulty(FaultyEnv faulty) {
        List<Env<?>> envs = new ArrayList<>();
        envs.add(new ScriptedEnv(new int[] {3}, -1));
        envs.add(faulty);
        return new SerialVecEnv(envs);
    }

    static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void anEnvFailureSurfacesWithItsCauseAndIndicesAndStopsTheOtherCollectors() {
        List<VecEnv> envs = List.of(scripted(0, 2), withFaulty(new FaultyEnv(FaultyEnv.Fault.THROW, 7)),
                scripted(4, 2));
        List<Actor> actors = List.of(new ScriptedActor(), new ScriptedActor(), new ScriptedActor());
        try (Rollout multi = Rollouts.multi(envs, actors, config(T, 0), RingConfig.builder().slots(4).build())) {
            CollectorException e = consumeUntilFailure(multi);
            assertEquals(1, e.collectorIndex());
            assertEquals(1, e.envIndex());
            EnvException env = assertInstanceOf(EnvException.class, e.getCause());
            assertEquals("boom", env.getCause().getMessage());
            assertTrue(e.getMessage().contains("collector 1") && e.getMessage().contains("env 1"), e.getMessage());
            assertSame(e, assertThrows(CollectorException.class, multi::hasNext), "hasNext reports it too");
            assertSame(e, assertThrows(CollectorException.class, multi::next), "and keeps reporting it");
            await(() -> collectorThreads().isEmpty(), 5_000, "the other collectors stopped on their own");
        }
    }

    @Test
    void anActorFailureSurfacesWithoutAnEnvIndex() {
        Actor broken = new Actor() {
            int steps;

            @Override
            public NDList step(RecordBatch records, NDList hx, boolean virtual, ActorOutput out) {
                if (++steps == 9) {
                    throw new IllegalStateException("actor broke");
                }
                out.actions().setDiscrete(0, 0);
                return null;
            }
        };
        try (Rollout single = Rollouts.single(scripted(0, 1), broken, config(T, 0), RingConfig.builder().build())) {
            CollectorException e = consumeUntilFailure(single);
            assertEquals(0, e.collectorIndex());
            assertEquals(CollectorException.NO_ENV, e.envIndex());
            assertEquals("actor broke", e.getCause().getMessage());
        }
    }

    @Test
    void aHungCollectorIsReportedAfterTheTimeoutWithItsStack() {
        FaultyEnv faulty = new FaultyEnv(FaultyEnv.Fault.HANG_INTERRUPTIBLY, 10);
        Rollout single = Rollouts.single(withFaulty(faulty), new ScriptedActor(), config(T, 0),
                RingConfig.builder().timeout(Duration.ofMillis(300)).build());
        CollectorException e = consumeUntilFailure(single);
        assertEquals(0, e.collectorIndex());
        assertTrue(e.getMessage().contains("hung") && e.getMessage().contains("collecting"), e.getMessage());
        TimeoutException stack = assertInstanceOf(TimeoutException.class, e.getCause());
        assertTrue(Arrays.stream(stack.getStackTrace()).anyMatch(f -> f.getClassName().equals(FaultyEnv.class.getName())
                && f.getMethodName().equals("step")), "the cause carries the hung thread's stack");
        long start = System.nanoTime();
        single.close();
        assertTrue(millisSince(start) < 5_000, "close took " + millisSince(start) + " ms");
    }

    @Test
    void closeEndsAnEnvThatIgnoresInterruptionByClosingIt() {
        FaultyEnv faulty = new FaultyEnv(FaultyEnv.Fault.HANG_UNTIL_CLOSED, 3);
        Rollout single = Rollouts.single(withFaulty(faulty), new ScriptedActor(), config(T, 0),
                RingConfig.builder().build());
        await(() -> !collectorThreads().isEmpty() && threadState(collectorThreads()) == Thread.State.WAITING, 5_000,
                "the collector hangs in the env");
        long start = System.nanoTime();
        single.close();
        assertTrue(millisSince(start) < 5_000, "close took " + millisSince(start) + " ms");
        assertTrue(faulty.isClosed());
    }

    private static Thread.State threadState(java.util.Set<String> names) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (names.contains(t.getName())) {
                return t.getState();
            }
        }
        return Thread.State.TERMINATED;
    }

    @Test
    void closeStopsProducersBlockedOnAFullRingThatWasNeverConsumed() {
        RingRolloutTest.CountingActor[] actors = {new RingRolloutTest.CountingActor(),
            new RingRolloutTest.CountingActor(), new RingRolloutTest.CountingActor()};
        Rollout multi = Rollouts.multi(List.of(scripted(0, 2), scripted(2, 2), scripted(4, 2)), List.of(actors),
                config(T, 0), RingConfig.builder().slots(2).build());
        await(() -> Arrays.stream(actors).mapToInt(a -> a.fragments.get()).sum() == 2, 5_000, "the ring is full");
        assertEquals(3, collectorThreads().size());
        long start = System.nanoTime();
        multi.close();
        assertTrue(millisSince(start) < 5_000, "close took " + millisSince(start) + " ms");
        multi.close();
        assertFalse(multi.hasNext());
    }

    @Test
    void closeStopsCollectorsWaitingForTheLagBoundWhileTheLearnerHoldsASlot() {
        Rollout single = Rollouts.single(scripted(0, 2), new ScriptedActor(), config(T, 0),
                RingConfig.builder().slots(4).maxLag(0).build());
        single.next();
        single.publish();
        single.next();
        long start = System.nanoTime();
        single.close();
        assertTrue(millisSince(start) < 5_000, "close took " + millisSince(start) + " ms");
    }
}
