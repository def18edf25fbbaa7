package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * Two collector JVMs ({@link CollectorChild}: {@code rlplay collector} with the tests' seeded MLP)
 * and a learner in this JVM, on one real broker, through every fault of the issue in one run: each
 * collector's fragments equal a {@code same} rollout over its envs and seed, bit for bit, and within
 * each collector run the learner is handed sequences 0, 1, 2, ... with no gap and no repeat, while
 * one collector is killed with SIGKILL and restarted, the broker is killed and restarted, and the
 * learner is closed and built again.
 */
class CollectorProcessTest {
    private static final int N = 4;
    private static final int T = 16;
    private static final String TOPIC = "proc";
    private static final Duration SILENCE = Duration.ofSeconds(4);

    @TempDir
    Path dir;
    private KafkaBroker broker;
    private final List<Process> children = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    /** The expected stream of each (collector, incarnation): a same rollout over its envs and seed. */
    private final Map<String, Expected> expected = new HashMap<>();
    private final Map<Integer, Integer> received = new HashMap<>();
    private final List<String> events = new CopyOnWriteArrayList<>();

    private static final class Expected implements AutoCloseable {
        final Replica replica;
        final Rollout same;
        long next;

        Expected(int collector) {
            VecEnv envs = EnvRegistry.makeVec("CartPole-v1", N);
            replica = TestNets.replica(envs, (long) collector * N);
            same = Rollouts.same(envs, replica.actor(), RolloutConfig.builder().length(T).seed((long) collector * N).build());
        }

        @Override
        public void close() throws Exception {
            same.close();
            replica.owner().close();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        for (Expected e : expected.values()) {
            e.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private Process startCollector(int id) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Drlplay.test.stepMillis=2"));
        for (String p : List.of("ai.djl.offline", "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
                "ai.djl.pytorch.graph_optimizer")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CollectorChild.class.getName(),
                "--bootstrap", broker.bootstrapServers(), "--env", "CartPole-v1", "--envs", Integer.toString(N),
                "-T", Integer.toString(T), "--id", Integer.toString(id), "--topic", TOPIC,
                "--weights-topic", TOPIC + ".weights", "--partitions", "2", "--group", "proc", "--verbose"));
        Path log = dir.resolve("collector-" + id + "-" + children.size() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(p);
        logs.add(log);
        return p;
    }

    private KafkaRollout learner() {
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
        FragmentSpec spec;
        try (VecEnv envs = EnvRegistry.makeVec("CartPole-v1", N)) {
            spec = new FragmentSpec(T, N, envs.observationSpace(), envs.actionSpace(), envs.infoKeys(), true);
        }
        return KafkaRollouts.consume(broker.settings(), spec, KafkaRolloutConfig.builder().topic(TOPIC).partitions(2).group("proc")
                .weightsTopic(TOPIC + ".weights", KafkaRollouts.WEIGHTS_KEY).timeout(Duration.ofSeconds(120))
                .collectorTimeout(SILENCE).listener(listener).build());
    }

    /** Takes fragments until {@code done}, checking each against its collector run's same rollout. */
    private void takeUntil(KafkaRollout rollout, BooleanSupplier done, Duration limit, String what) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not reached within " + limit.toSeconds() + " s; received " + received + ", events "
                        + events + "\n" + tails());
            }
            Fragment f = rollout.next();
            int c = f.collector();
            long incarnation = rollout.collectors().stream().filter(s -> s.id() == c).findFirst().orElseThrow()
                    .incarnation();
            Expected e = expected.computeIfAbsent(c + "/" + incarnation, k -> new Expected(c));
            assertEquals(e.next, f.sequence(), "collector " + c + " run " + incarnation
                    + ": sequences handed out in order, none twice, none missing");
            Fragments.assertBitIdentical(e.same.next(), f, "collector " + c + " fragment " + f.sequence());
            assertEquals(0, f.actorVersion(), "frozen weights");
            assertEquals(c * N, f.envOffset());
            e.next++;
            received.merge(c, 1, Integer::sum);
        }
    }

    private int count(int collector) {
        return received.getOrDefault(collector, 0);
    }

    private String tails() throws IOException {
        StringBuilder b = new StringBuilder();
        for (Path log : logs) {
            List<String> lines = Files.readAllLines(log);
            b.append("--- ").append(log.getFileName()).append('\n');
            lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> b.append(l).append('\n'));
        }
        return b.toString();
    }

    @Test
    void twoCollectorProcessesMatchSameRolloutsThroughACollectorKillABrokerRestartAndALearnerRestart()
            throws Exception {
        broker = KafkaBroker.start(BrokerConfig.builder(dir.resolve("broker")).build());
        try (TopicAdmin admin = TopicAdmin.connect(broker.settings())) {
            admin.ensure(TopicSpec.fragments(TOPIC, 2));
        }
        Process c0 = startCollector(0);
        Process c1 = startCollector(1);
        KafkaRollout rollout = learner();
        try {
            takeUntil(rollout, () -> count(0) >= 3 && count(1) >= 3, Duration.ofSeconds(90), "both collectors send");

            // kill -9 of collector 1: the learner goes on with collector 0 and reports 1 silent.
            c1.destroyForcibly();
            assertTrue(c1.waitFor(10, TimeUnit.SECONDS));
            long killed = System.nanoTime();
            int before0 = count(0);
            takeUntil(rollout, () -> events.contains("silent 1"), Duration.ofSeconds(60), "collector 1 reported");
            double reportedAfter = (System.nanoTime() - killed) / 1e9;
            assertTrue(reportedAfter < SILENCE.toSeconds() + 10, "silence reported after " + reportedAfter + " s");
            assertTrue(count(0) > before0, "collector 0 kept sending");
            assertTrue(!events.contains("silent 0"), events.toString());

            // Collector 1 restarted: a new incarnation, from sequence 0, equal to a fresh same rollout.
            int before1 = count(1);
            startCollector(1);
            takeUntil(rollout, () -> count(1) >= before1 + 3, Duration.ofSeconds(90), "restarted collector 1 sends");
            CollectorStatus one = rollout.collectors().get(1);
            assertEquals(1, one.restarts());
            assertTrue(!one.silent());

            // The broker killed and restarted on its directory: both collectors and the learner reconnect,
            // and no sequence goes missing (takeUntil checks every one).
            broker.kill();
            Thread.sleep(1000);
            broker.restart();
            int after0 = count(0);
            int after1 = count(1);
            takeUntil(rollout, () -> count(0) >= after0 + 5 && count(1) >= after1 + 5, Duration.ofSeconds(120),
                    "both collectors send after the broker restart");

            // The learner closed and built again: it resumes right after the last fragment it finished.
            rollout.close();
            rollout = learner();
            int again0 = count(0);
            int again1 = count(1);
            takeUntil(rollout, () -> count(0) >= again0 + 3 && count(1) >= again1 + 3, Duration.ofSeconds(60),
                    "both collectors reach the restarted learner");
        } finally {
            rollout.close();
        }
        assertEquals(3, expected.size(), "runs seen: collector 0, collector 1 twice: " + expected.keySet());
        for (Process p : children) {
            p.destroy();
        }
        for (Process p : children) {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "a collector stops on SIGTERM\n" + tails());
        }
    }
}
