package org.rlplay.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rlplay.ring.RingFixtures.assertNoCollectorThreads;
import static org.rlplay.ring.RingFixtures.config;
import static org.rlplay.ring.RingFixtures.scripted;
import static org.rlplay.ring.RingFixtures.sleep;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rlplay.actor.Actor;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.Column;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.ScriptedActor;
import org.rlplay.testing.ScriptedEnv;

/** Published weights reach the replicas at fragment boundaries, labelled with versions; the lag bound holds. */
class RingWeightsTest {
    static final int T = 4;
    static final int OBS = ScriptedEnv.OBS.size();

    @AfterEach
    void noThreadSurvives() {
        assertNoCollectorThreads();
    }

    static float[] values(Block b) {
        List<Float> out = new ArrayList<>();
        for (Parameter p : b.getParameters().values()) {
            for (float x : p.getArray().toFloatArray()) {
                out.add(x);
            }
        }
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    static void assertAll(float expected, float[] values, String what) {
        for (float v : values) {
            assertEquals(expected, v, what + ": " + Arrays.toString(values));
        }
    }

    @Test
    void blockWeightSyncCopiesTheNewestSnapshotIntoTheAskingReplicaOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block learner = LinearActor.linear(m, 2, OBS);
            Block r0 = LinearActor.linear(m, 2, OBS);
            Block r1 = LinearActor.linear(m, 2, OBS);
            float[] r1Before = values(r1);
            try (BlockWeightSync sync = new BlockWeightSync(learner, List.of(r0, r1))) {
                assertEquals(0, sync.adopt(0, 0), "nothing published yet");
                LinearActor.fill(learner, 1f, 1f);
                sync.publish(1);
                assertEquals(1, sync.adopt(0, 0));
                assertAll(1f, values(r0), "replica 0 after adopting version 1");
                assertTrue(Arrays.equals(r1Before, values(r1)), "replica 1 did not ask");
                LinearActor.fill(r0, 42f, 42f);
                assertEquals(1, sync.adopt(0, 1));
                assertAll(42f, values(r0), "a replica holding the newest version is not copied into");
                LinearActor.fill(learner, 2f, 2f);
                sync.publish(2);
                LinearActor.fill(learner, 3f, 3f);
                sync.publish(3);
                assertEquals(3, sync.adopt(1, 0));
                assertAll(3f, values(r1), "replica 1 skips to the newest version");
                assertEquals(2, sync.snapshotBuffers(), "double buffering");
            }
        }
    }

    @Test
    void blockWeightSyncRejectsReplicasOfAnotherShape() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block learner = LinearActor.linear(m, 2, OBS);
            Block other = LinearActor.linear(m, 3, OBS);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new BlockWeightSync(learner, List.of(LinearActor.linear(m, 2, OBS), other)));
            assertTrue(e.getMessage().contains("replica 1 parameter"), e.getMessage());
            Block uninitialised = ai.djl.nn.core.Linear.builder().setUnits(2).build();
            e = assertThrows(IllegalArgumentException.class, () -> new BlockWeightSync(learner, List.of(uninitialised)));
            assertTrue(e.getMessage().contains("replica 0"), e.getMessage());
        }
    }

    @Test
    void replicasAdoptingWhileTheLearnerPublishesAlwaysSeeOneWholeVersion() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Block learner = LinearActor.linear(m, 8, OBS);
            List<Block> replicas = List.of(LinearActor.linear(m, 8, OBS), LinearActor.linear(m, 8, OBS));
            try (BlockWeightSync sync = new BlockWeightSync(learner, replicas)) {
                AtomicReference<Throwable> error = new AtomicReference<>();
                AtomicLong last = new AtomicLong();
                int versions = 300;
                List<Thread> readers = new ArrayList<>();
                for (int c = 0; c < replicas.size(); c++) {
                    int index = c;
                    Thread t = new Thread(() -> {
                        long held = 0;
                        try {
                            while (held < versions) {
                                long v = sync.adopt(index, held);
                                if (v != held) {
                                    assertTrue(v > held, "versions only grow");
                                    assertAll(v, values(replicas.get(index)), "replica " + index + " at version " + v);
                                    held = v;
                                }
                            }
                        } catch (Throwable e) {
                            error.compareAndSet(null, e);
                        }
                    });
                    t.start();
                    readers.add(t);
                }
                for (int v = 1; v <= versions; v++) {
                    LinearActor.fill(learner, v, v);
                    sync.publish(v);
                    last.set(v);
                }
                for (Thread t : readers) {
                    t.join(10_000);
                    assertTrue(!t.isAlive(), "reader finished");
                }
                if (error.get() != null) {
                    throw new AssertionError(error.get());
                }
                assertTrue(sync.snapshotBuffers() <= replicas.size() + 2, "buffers: " + sync.snapshotBuffers());
            }
        }
    }

    /**
     * Learner loop over a rollout of {@link LinearActor}s: every record of every fragment must have
     * been computed with the weights of the fragment's version (bias = version).
     */
    static void assertFragmentsUseOneVersionEach(Rollout rollout, Block learner, int fragments) {
        Map<Integer, Long> lastVersion = new HashMap<>();
        long newest = 0;
        for (int k = 0; k < fragments; k++) {
            Fragment f = rollout.next();
            long v = f.actorVersion();
            Column y = f.actorInfo("y");
            for (int t = 0; t <= f.length(); t++) {
                for (int j = 0; j < f.numEnvs(); j++) {
                    assertEquals((float) v, y.getFloat(t, j, 0), "fragment " + k + " version " + v + " record " + t + " env " + j);
                }
            }
            assertTrue(v >= lastVersion.getOrDefault(f.collector(), 0L), "a collector's versions never go back");
            lastVersion.put(f.collector(), v);
            assertTrue(rollout.lag(f) >= 0);
            newest = Math.max(newest, v);
            LinearActor.fill(learner, 0f, rollout.version() + 1);
            assertEquals(rollout.version() + 1, rollout.publish());
        }
        assertTrue(newest > fragments / 2, "published weights reached the collectors (newest version used: " + newest + ")");
    }

    @Test
    void singleCollectsEachFragmentWithExactlyOnePublishedVersion() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block learner = LinearActor.linear(m, 1, OBS);
            LinearActor.fill(learner, 0f, 0f);
            Block replica = LinearActor.linear(m, 1, OBS);
            LinearActor.fill(replica, 0f, 0f);
            try (Rollout single = Rollouts.single(scripted(0, 2), new LinearActor(replica), config(T, 0),
                    RingConfig.builder().slots(2).weights(new BlockWeightSync(learner, List.of(replica))).build())) {
                assertFragmentsUseOneVersionEach(single, learner, 60);
            }
        }
    }

    @Test
    void multiCollectsEachFragmentWithExactlyOnePublishedVersion() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block learner = LinearActor.linear(m, 1, OBS);
            LinearActor.fill(learner, 0f, 0f);
            List<Block> replicas = new ArrayList<>();
            List<Actor> actors = new ArrayList<>();
            List<VecEnv> envs = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                Block r = LinearActor.linear(m, 1, OBS);
                LinearActor.fill(r, 0f, 0f);
                replicas.add(r);
                actors.add(new LinearActor(r));
                envs.add(scripted(2 * c, 2));
            }
            try (Rollout multi = Rollouts.multi(envs, actors, config(T, 0),
                    RingConfig.builder().slots(4).weights(new BlockWeightSync(learner, replicas)).build())) {
                assertFragmentsUseOneVersionEach(multi, learner, 60);
            }
        }
    }

    /** Carries versions only: replicas "hold" the newest published version. */
    static final class VersionSync implements WeightSync {
        private final AtomicLong newest = new AtomicLong();

        @Override
        public void publish(long version) {
            newest.set(version);
        }

        @Override
        public long adopt(int collector, long held) {
            return Math.max(held, newest.get());
        }
    }

    /** Runs {@code fragments} learner iterations (next, 2 ms of "training", publish) and returns the largest lag seen. */
    static long maxLag(Rollout rollout, int fragments) {
        long max = 0;
        for (int k = 0; k < fragments; k++) {
            Fragment f = rollout.next();
            max = Math.max(max, rollout.lag(f));
            sleep(2);
            rollout.publish();
        }
        return max;
    }

    static Rollout single(RingConfig.Builder ring) {
        return Rollouts.single(scripted(0, 2), new RingRolloutTest.CountingActor(), config(T, 0),
                ring.weights(new VersionSync()).build());
    }

    static Rollout multi(RingConfig.Builder ring) {
        return Rollouts.multi(List.of(scripted(0, 2), scripted(2, 2)),
                List.of(new RingRolloutTest.CountingActor(), new RingRolloutTest.CountingActor()),
                config(T, 0), ring.weights(new VersionSync()).build());
    }

    @Test
    void withoutABoundCollectorsRunAheadByTheRing() {
        try (Rollout r = single(RingConfig.builder().slots(8))) {
            long max = maxLag(r, 40);
            assertTrue(max >= 4, "a fast collector fills the ring ahead of a slow learner: max lag " + max);
        }
    }

    @Test
    void theLagBoundHoldsInEveryMode() {
        try (Rollout r = single(RingConfig.builder().slots(8).maxLag(1))) {
            assertTrue(maxLag(r, 40) <= 1);
        }
        try (Rollout r = single(RingConfig.builder().slots(8).maxLag(0))) {
            assertEquals(0, maxLag(r, 40), "maxLag 0 is on-policy");
        }
        try (Rollout r = multi(RingConfig.builder().slots(8).maxLag(2))) {
            assertTrue(maxLag(r, 40) <= 2);
        }
        try (Rollout r = multi(RingConfig.builder().slots(8).batch(2).maxLag(1))) {
            assertTrue(maxLag(r, 30) <= 1, "a collated fragment's lag is that of its oldest part");
        }
    }

    @Test
    void aZeroLagBoundDoesNotStallALearnerThatNeverPublishes() {
        try (Rollout r = single(RingConfig.builder().slots(4).maxLag(0))) {
            for (int k = 0; k < 20; k++) {
                Fragment f = r.next();
                assertEquals(k, f.sequence());
                assertEquals(0, r.lag(f));
            }
        }
    }

    @Test
    void frozenWeightsLabelEveryFragmentVersionZero() {
        try (Rollout r = Rollouts.single(scripted(0, 1), new ScriptedActor(), config(T, 0), RingConfig.builder().build())) {
            r.publish();
            r.next();
            Fragment f = r.next();
            assertEquals(0, f.actorVersion());
            assertNotEquals(0, r.lag(f));
        }
    }
}
