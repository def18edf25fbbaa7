package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.actor.Actor;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.SerialVecEnv;
import org.rlplay.env.VecEnv;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Discrete;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.ring.CollectorException;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import org.rlplay.testing.FaultyEnv;

/**
 * The learner's rollout against one real broker (shared by the tests, each on topics of its own):
 * collectors running in this JVM, and records written by hand where a test needs exact control over
 * keys, versions and timestamps.
 */
class KafkaRolloutTest {
    @TempDir
    static Path dir;
    private static KafkaBroker broker;
    private static final FragmentSpec SMALL = new FragmentSpec(4, 2, Box.of(-1, 1, 3), new Discrete(2), List.of(), false);

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start(BrokerConfig.builder(dir.resolve("broker")).build());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** A collector running {@link KafkaCollector#run()} on a thread of its own. */
    private static final class Running {
        final KafkaCollector collector;
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Running(KafkaCollector collector) {
            this.collector = collector;
            this.thread = new Thread(() -> {
                try {
                    collector.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "test-collector-" + collector.id());
            thread.start();
        }

        void stop() throws InterruptedException {
            collector.close();
            thread.join(30_000);
            assertFalse(thread.isAlive(), "collector " + collector.id() + " stopped");
        }
    }

    private static Actor constant() {
        return (in, hx, virtual, out) -> {
            for (int j = 0; j < in.numEnvs(); j++) {
                out.actions().setDiscrete(j, j % 2);
            }
            return null;
        };
    }

    private static FragmentSpec cartPoleSpec(int n, int t) {
        try (VecEnv envs = EnvRegistry.makeVec("CartPole-v1", n)) {
            return new FragmentSpec(t, n, envs.observationSpace(), envs.actionSpace(), envs.infoKeys(), true);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(broker.settings().producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends a {@link #SMALL} fragment by hand: {@code rew[0] = sequence} marks it; waits for the acknowledgement. */
    private static void send(KafkaProducer<byte[], byte[]> p, String topic, int collector, long incarnation, long sequence,
                             long version, long timestamp) throws Exception {
        try (FragmentWriter w = new FragmentWriter(SMALL)) {
            w.fragment().rew()[0] = sequence;
            w.fragment().rew()[1] = incarnation;
            byte[] value = FragmentCodec.encode(w.fragment(),
                    new FragmentCodec.Meta(4, 2, collector, 0, incarnation, sequence, version, 8));
            p.send(new ProducerRecord<>(topic, 0, timestamp, new FragmentKey(collector, incarnation, sequence).encode(),
                    value, KafkaCollector.headers(FragmentCodec.KIND_FRAGMENT, version))).get(60, TimeUnit.SECONDS);
        }
    }

    private static void ensure(String topic) {
        try (TopicAdmin admin = TopicAdmin.connect(broker.settings())) {
            admin.ensure(TopicSpec.fragments(topic, 1));
        }
    }

    // ---- tests ---------------------------------------------------------------------------------

    @Test
    void collectorsFeedTheLearnerCollatedAndAdoptTheWeightsItPublishes() throws Exception {
        int n = 4;
        int t = 16;
        List<Replica> replicas = new ArrayList<>();
        List<Running> running = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Block learner = TestNets.mlp(m, 3);
            KafkaRolloutConfig config = KafkaRolloutConfig.builder().topic("live").weightsTopic("live.weights", "w")
                    .weights(learner).batch(2).timeout(Duration.ofSeconds(60)).build();
            KafkaRollout rollout = KafkaRollouts.consume(broker.settings(), cartPoleSpec(n, t), config);
            try {
                for (int c = 0; c < 2; c++) {
                    VecEnv envs = EnvRegistry.makeVec("CartPole-v1", n);
                    Replica r = TestNets.replica(envs, c * n);
                    replicas.add(r);
                    Replica slow = new Replica(TestNets.throttled(r.actor(), 1), r.block(), null);
                    running.add(new Running(KafkaCollector.builder(broker.settings(), envs, slow).id(c).length(t)
                            .topic("live").weights("live.weights", "w").build()));
                }
                assertEquals(2 * n, rollout.spec().numEnvs(), "M = 2 parts of N = 4");
                long newest = 0;
                for (int i = 0; i < 25; i++) {
                    Fragment f = rollout.next();
                    assertEquals(-1, f.collector());
                    assertEquals(2 * n, f.numEnvs());
                    assertTrue(rollout.lag(f) >= 0);
                    newest = Math.max(newest, f.actorVersion());
                    rollout.publish();
                }
                assertEquals(25, rollout.version());
                assertTrue(newest > 0, "collectors adopted published weights: newest fragment version " + newest);
                assertEquals(50, rollout.stats().fragments());
                assertTrue(rollout.envSteps() > 0 && rollout.envSteps() <= 50L * n * t, "env steps " + rollout.envSteps());
                assertEquals(2, rollout.collectors().size());
                for (Running r : running) {
                    assertTrue(r.collector.version() > 0, "collector " + r.collector.id() + " holds a published version");
                }
                for (Replica r : replicas) {
                    for (int k = 0; k < learner.getParameters().size(); k++) {
                        assertArrayEquals(learner.getParameters().valueAt(k).getArray().toFloatArray(),
                                r.block().getParameters().valueAt(k).getArray().toFloatArray(),
                                "the replica holds the learner's weights");
                    }
                }
            } finally {
                long start = System.nanoTime();
                rollout.close();
                rollout.close();
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "close is bounded");
                for (Running r : running) {
                    r.stop();
                    assertEquals(null, r.failure.get());
                }
                for (Replica r : replicas) {
                    r.owner().close();
                }
            }
            assertFalse(rollout.hasNext());
            assertThrows(IllegalStateException.class, rollout::publish);
        }
    }

    @Test
    void fragmentsBeyondTheMaximumLagAreDroppedAtTheLearner() throws Exception {
        ensure("lag");
        try (NDManager m = NDManager.newBaseManager();
                KafkaRollout rollout = KafkaRollouts.consume(broker.settings(), SMALL, KafkaRolloutConfig.builder()
                        .topic("lag").group("lag").weightsTopic("lag.weights", "w").weights(TestNets.mlp(m, 1))
                        .maxLag(1).build());
                KafkaProducer<byte[], byte[]> p = producer()) {
            for (int i = 0; i < 3; i++) {
                rollout.publish();
            }
            long now = System.currentTimeMillis();
            for (int v = 0; v <= 3; v++) {
                send(p, "lag", 5, 100, v, v, now);
            }
            Fragment f = rollout.next();
            assertEquals(2, f.sequence(), "versions 0 and 1 lag 3 and 2 > 1 behind version 3");
            assertEquals(1, rollout.lag(f));
            assertEquals(3, rollout.next().sequence());
            assertEquals(2, rollout.stats().staleDropped());
            assertEquals(2, rollout.collectors().get(0).staleDropped());
        }
    }

    @Test
    void aCollectorsFragmentsAreHandedOutOnceInKeyOrderAndAnOlderIncarnationIsFenced() throws Exception {
        ensure("dup");
        try (KafkaRollout rollout = KafkaRollouts.consume(broker.settings(), SMALL,
                KafkaRolloutConfig.builder().topic("dup").group("dup").build());
                KafkaProducer<byte[], byte[]> p = producer()) {
            long now = System.currentTimeMillis();
            send(p, "dup", 1, 100, 0, 0, now);
            send(p, "dup", 1, 100, 1, 0, now);
            send(p, "dup", 1, 100, 1, 0, now);   // the same record again
            send(p, "dup", 1, 200, 0, 0, now);   // collector 1 restarted
            send(p, "dup", 1, 100, 2, 0, now);   // its old process, still sending: fenced
            send(p, "dup", 1, 200, 1, 0, now);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Fragment f = rollout.next();
                got.add((long) f.rew()[1] + "/" + f.sequence());
            }
            assertEquals(List.of("100/0", "100/1", "200/0", "200/1"), got);
            CollectorStatus s = rollout.collectors().get(0);
            assertEquals(2, s.duplicatesDropped());
            assertEquals(1, s.restarts());
            assertEquals(200, s.incarnation());
            assertEquals(2, rollout.stats().duplicatesDropped());
        }
    }

    @Test
    void aRestartedLearnerResumesFromItsCommittedOffsetsAndTheNewestVersion() throws Exception {
        ensure("resume");
        KafkaRolloutConfig.Builder config = KafkaRolloutConfig.builder().topic("resume").group("resume")
                .weightsTopic("resume.weights", "w");
        try (NDManager m = NDManager.newBaseManager(); KafkaProducer<byte[], byte[]> p = producer()) {
            Block block = TestNets.mlp(m, 1);
            long now = System.currentTimeMillis();
            for (int s = 0; s < 6; s++) {
                send(p, "resume", 2, 100, s, 0, now);
            }
            try (KafkaRollout first = KafkaRollouts.consume(broker.settings(), SMALL, config.weights(block).build())) {
                for (int s = 0; s < 3; s++) {
                    assertEquals(s, first.next().sequence());
                    first.publish();
                }
            }
            try (KafkaRollout second = KafkaRollouts.consume(broker.settings(), SMALL, config.weights(block).build())) {
                assertEquals(3, second.version(), "the version resumes from the weights topic");
                for (int s = 3; s < 6; s++) {
                    assertEquals(s, second.next().sequence(), "resumes after the last fragment the first one finished");
                }
            }
            try (KafkaRollout other = KafkaRollouts.consume(broker.settings(), SMALL,
                    config.group("resume-other").weights(null).build())) {
                assertEquals(0, other.next().sequence(), "a new group starts at the oldest retained record");
            }
        }
    }

    @Test
    void silentAndFailedCollectorsAreReportedByIdWhileTheOthersKeepSending() throws Exception {
        int n = 2;
        int t = 8;
        List<String> events = new CopyOnWriteArrayList<>();
        CollectorListener listener = new CollectorListener() {
            @Override
            public void silent(CollectorStatus s) {
                events.add("silent " + s.id());
            }

            @Override
            public void failed(CollectorStatus s) {
                events.add("failed " + s.id() + ": " + s.failure());
            }
        };
        VecEnv cartPole0 = EnvRegistry.makeVec("CartPole-v1", n);
        Replica r0 = TestNets.replica(cartPole0, 0);
        VecEnv cartPole2 = EnvRegistry.makeVec("CartPole-v1", n);
        Replica r2 = TestNets.replica(cartPole2, 4);
        Running steady = new Running(KafkaCollector.builder(broker.settings(), cartPole0,
                new Replica(TestNets.throttled(r0.actor(), 2), null, null)).id(0).length(t).topic("faults").backPressure("faults", 8).build());
        Running failing = new Running(KafkaCollector.builder(broker.settings(),
                SerialVecEnv.of(n, () -> new FaultyEnv(FaultyEnv.Fault.THROW, 3)), new Replica(constant(), null, null))
                .id(1).length(t).topic("faults").backPressure("faults", 8).build());
        Running brief = new Running(KafkaCollector.builder(broker.settings(), cartPole2,
                new Replica(r2.actor(), null, null)).id(2).length(t).topic("faults").backPressure("faults", 8).maxFragments(3).build());
        try (KafkaRollout rollout = KafkaRollouts.consume(broker.settings(), cartPoleSpec(n, t), KafkaRolloutConfig
                .builder().topic("faults").group("faults").collectorTimeout(Duration.ofSeconds(2)).listener(listener)
                .build())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!(events.contains("silent 2") && events.stream().anyMatch(e -> e.startsWith("failed 1")))
                    && System.nanoTime() < deadline) {
                rollout.next();
            }
            assertTrue(events.contains("silent 2"), events.toString());
            String failure = events.stream().filter(e -> e.startsWith("failed 1")).findFirst().orElse("none");
            assertTrue(failure.contains("boom"), failure);
            long before = rollout.collectors().get(0).fragments();
            for (int i = 0; i < 5; i++) {
                assertEquals(0, rollout.next().collector(), "only collector 0 still sends");
            }
            assertEquals(before + 5, rollout.collectors().get(0).fragments());
            CollectorStatus two = rollout.collectors().get(2);
            assertTrue(two.silent());
            assertEquals(3, two.fragments());
            assertNotNull(rollout.collectors().get(1).failure());
        } finally {
            steady.stop();
            failing.stop();
            brief.stop();
            r0.owner().close();
            r2.owner().close();
        }
        KafkaCollectorException e = assertInstanceOf(KafkaCollectorException.class, failing.failure.get());
        assertEquals(1, e.collector());
        assertEquals(null, brief.failure.get());
        assertEquals(3, brief.collector.sent());
    }

    @Test
    void aCollectorWaitsWhileTheLearnerHasMoreThanItsBacklogUncommitted() throws Exception {
        int n = 2;
        int t = 8;
        VecEnv envs = EnvRegistry.makeVec("CartPole-v1", n);
        Running collector = new Running(KafkaCollector.builder(broker.settings(), envs,
                new Replica(constant(), null, null)).id(0).length(t).topic("pressure").backPressure("pressure", 2).build());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (collector.collector.sent() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(1500);
            assertEquals(3, collector.collector.sent(), "with no learner, 2 + 1 fragments and then a wait");
            try (KafkaRollout rollout = KafkaRollouts.consume(broker.settings(), cartPoleSpec(n, t),
                    KafkaRolloutConfig.builder().topic("pressure").group("pressure").build())) {
                for (int i = 0; i < 20; i++) {
                    assertEquals(i, rollout.next().sequence());
                }
                assertTrue(collector.collector.sent() <= 20 + 1 + 2 + 1,
                        "at most the backlog ahead of the learner: sent " + collector.collector.sent());
            }
        } finally {
            collector.stop();
        }
        assertEquals(null, collector.failure.get());
    }

    @Test
    void noFragmentWithinTheTimeoutFailsTheRolloutNamingWhatEachCollectorDid() throws Exception {
        ensure("quiet");
        try (KafkaRollout rollout = KafkaRollouts.consume(broker.settings(), SMALL, KafkaRolloutConfig.builder()
                .topic("quiet").group("quiet").timeout(Duration.ofMillis(1500)).build());
                KafkaProducer<byte[], byte[]> p = producer()) {
            send(p, "quiet", 4, 100, 0, 0, System.currentTimeMillis());
            assertEquals(4, rollout.next().collector());
            CollectorException e = assertThrows(CollectorException.class, rollout::next);
            assertEquals(-1, e.collectorIndex());
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(e.getMessage().contains("collector 4: 1 fragments"), e.getMessage());
            assertSame(e, assertThrows(CollectorException.class, rollout::next), "a failed rollout stays failed");
            assertSame(e, assertThrows(CollectorException.class, rollout::hasNext));
        }
    }

    @Test
    void aSecondThreadIteratingTheRolloutIsRefusedNamingBothThreads() throws Exception {
        ensure("owner");
        try (KafkaRollout rollout = KafkaRollouts.consume(broker.settings(), SMALL, KafkaRolloutConfig.builder()
                .topic("owner").group("owner").build());
                KafkaProducer<byte[], byte[]> p = producer()) {
            send(p, "owner", 4, 100, 0, 0, System.currentTimeMillis());
            assertEquals(4, rollout.next().collector());
            java.util.concurrent.atomic.AtomicReference<Throwable> seen = new java.util.concurrent.atomic.AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    rollout.next();
                } catch (Throwable t) {
                    seen.set(t);
                }
            }, "second-learner");
            other.start();
            other.join(10_000);
            assertInstanceOf(IllegalStateException.class, seen.get());
            assertTrue(seen.get().getMessage().contains("'second-learner'")
                    && seen.get().getMessage().contains("'" + Thread.currentThread().getName() + "'"), seen.get().getMessage());
        }
    }

    @Test
    void imageFragmentsOverTheRecordLimitFailFastAndTravelBitForBitOnceTheLimitIsRaised() throws Exception {
        int n = 3;
        int t = 64;
        // 65 records x 3 envs x 12 288 bytes, obs and finalObs: 4.8 MB, over a 4 MiB limit.
        KafkaCollector tooLarge = KafkaCollector.builder(broker.settings().withMaxRecordBytes(4 << 20),
                SerialVecEnv.of(n, NoiseImageEnv::new), new Replica(constant(), null, null)).id(0).length(t)
                .topic("images.small").maxFragments(1).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, tooLarge::run);
        assertTrue(e.getMessage().contains("more than the largest record allowed (4.0 MiB)"), e.getMessage());
        assertTrue(e.getMessage().contains("withMaxRecordBytes"), e.getMessage());

        KafkaSettings raised = broker.settings().withMaxRecordBytes(8 << 20);
        KafkaCollector collector = KafkaCollector.builder(raised, SerialVecEnv.of(n, NoiseImageEnv::new),
                new Replica(constant(), null, null)).id(0).seed(11).length(t).topic("images").maxFragments(2).build();
        assertEquals(2, collector.run());
        FragmentSpec spec;
        try (Rollout same = Rollouts.same(SerialVecEnv.of(n, NoiseImageEnv::new), constant(),
                RolloutConfig.builder().length(t).seed(11).build());
                KafkaRollout rollout = KafkaRollouts.consume(raised, same.spec(),
                        KafkaRolloutConfig.builder().topic("images").group("images").build())) {
            spec = same.spec();
            for (int i = 0; i < 2; i++) {
                Fragment expected = same.next();
                Fragment got = rollout.next();
                Fragments.assertBitIdentical(expected, got, "image fragment " + i);
            }
            assertTrue(rollout.stats().bytesPerFragment() > 4 << 20, "bytes " + rollout.stats().bytesPerFragment());
        }
        assertEquals(NoiseImageEnv.SIZE, spec.observationSpace().size());
        try (TopicAdmin admin = TopicAdmin.connect(broker.settings())) {
            java.util.Map<String, String> c = admin.config("images");
            assertEquals(Integer.toString((8 << 20) + KafkaSettings.BATCH_OVERHEAD_BYTES), c.get("max.message.bytes"),
                    "the collector created the topic with its raised limit");
            assertEquals(Long.toString(1L << 30), c.get("retention.bytes"), "retention stays bounded");
        }
    }

    @Test
    void aTopicReplaysFromTheBeginningAnOffsetOrATimeThroughTheSameRollout() throws Exception {
        ensure("replay");
        long base = System.currentTimeMillis() - 60_000;
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (int s = 0; s < 5; s++) {
                send(p, "replay", 3, 100, s, s, base + 1000L * s);
            }
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), replay(ReplayStart.beginning()));
        assertEquals(List.of(3L, 4L), replay(ReplayStart.offset(3)));
        assertEquals(List.of(2L, 3L, 4L), replay(ReplayStart.time(Instant.ofEpochMilli(base + 1500))));
        assertEquals(List.of(), replay(ReplayStart.time(Instant.ofEpochMilli(base + 10_000))));
    }

    private static List<Long> replay(ReplayStart start) {
        List<Long> got = new ArrayList<>();
        try (KafkaRollout r = KafkaRollouts.replay(broker.settings(), SMALL, "replay", start)) {
            for (Fragment f : r) {
                got.add(f.sequence());
                assertEquals(0, r.lag(f));
                assertEquals(f.sequence(), f.actorVersion());
            }
            assertFalse(r.hasNext());
            assertThrows(java.util.NoSuchElementException.class, r::next);
        }
        return got;
    }
}
