package org.rlplay.benchmarks.kafka;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.benchmarks.ring.RolloutRig;
import org.rlplay.benchmarks.ring.SimulatedUpdate;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.kafka.BrokerConfig;
import org.rlplay.kafka.KafkaBroker;
import org.rlplay.kafka.KafkaRollout;
import org.rlplay.kafka.KafkaRolloutConfig;
import org.rlplay.kafka.KafkaRolloutStats;
import org.rlplay.kafka.KafkaRollouts;
import org.rlplay.kafka.TopicAdmin;
import org.rlplay.kafka.TopicSpec;

/**
 * A paired throughput harness of the Kafka path: one collector JVM ({@link BenchCollectorMain})
 * feeding the learner's {@link KafkaRollout} through a broker on loopback, against {@code single}
 * in this JVM, native CartPole, N = 64, T = 128, the DJL 4-64-64-2 MLP categorical actor, the
 * training loop {@code next(); update(); publish()} in both.
 *
 * <pre>
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
 *      -cp benchmarks/target/benchmarks.jar org.rlplay.benchmarks.kafka.KafkaPathHarness \
 *      [--seconds 15] [--rounds 3] [--update 1]
 * </pre>
 * Blocks of {@code --seconds} alternate: {@code single}, then Kafka, {@code --rounds} times, so both
 * see the same machine load; while {@code single} runs the collector JVM is stopped (SIGSTOP), so it
 * neither competes for the cores nor builds a backlog. {@code --update} is the simulated update's
 * cost in units of one fragment's {@code same}-mode collection (CPU time, calibrated at start, as in
 * {@code RingBenchmarks}); 0 measures the hand-off alone. Prints per block env-steps/s and, for the
 * Kafka path, bytes per fragment (record value) and the mean latency from send to hand-out; then the
 * ratio Kafka / single of the summed throughputs. The first 3 fragments of each block are warm-up.
 */
public final class KafkaPathHarness {
    private static final int N = 64;
    private static final int T = 128;
    private static final int WARMUP = 3;

    private KafkaPathHarness() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 15;
        int rounds = 3;
        int update = 1;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--update" -> update = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: KafkaPathHarness [--seconds S] [--rounds R] [--update U]");
            }
        }
        Path dir = Files.createTempDirectory("rlplay-kafka-bench");
        long collectNanos = collectionCpuNanos();
        try (SimulatedUpdate work = update == 0 ? null : SimulatedUpdate.calibrated(update * collectNanos);
                KafkaBroker broker = KafkaBroker.start(BrokerConfig.builder(dir.resolve("broker")).build())) {
            try (TopicAdmin admin = TopicAdmin.connect(broker.settings())) {
                admin.ensure(TopicSpec.fragments("bench", 1));
            }
            Process collector = startCollector(broker.bootstrapServers(), dir.resolve("collector.log"));
            NDManager m = NDManager.newBaseManager();
            try (KafkaRollout kafka = KafkaRollouts.consume(broker.settings(), spec(), KafkaRolloutConfig.builder()
                    .topic("bench").group("bench").weights(learnerNet(m)).build())) {
                System.out.printf("[kafka] N=%d T=%d, update %d x one fragment's collection (%.1f ms CPU), %d s blocks%n",
                        N, T, update, collectNanos / 1e6, seconds);
                double singleSum = 0;
                double kafkaSum = 0;
                for (int r = 0; r < rounds; r++) {
                    signal(collector, "STOP");
                    double single;
                    try (RolloutRig rig = RolloutRig.mlp("single", N, T)) {
                        single = block(rig.rollout, work, seconds);
                    }
                    signal(collector, "CONT");
                    KafkaRolloutStats before = kafka.stats();
                    double viaKafka = block(kafka, work, seconds);
                    KafkaRolloutStats after = kafka.stats();
                    long fragments = after.fragments() - before.fragments();
                    double latency = (after.meanLatencyMillis() * after.fragments()
                            - before.meanLatencyMillis() * before.fragments()) / Math.max(1, fragments);
                    System.out.printf("[kafka] round %d: single %.0f env-steps/s, kafka %.0f env-steps/s (ratio %.2f);"
                            + " %.0f bytes/fragment, mean latency send -> hand-out %.1f ms (max so far %d ms), lag %s%n",
                            r, single, viaKafka, viaKafka / single, (double) (after.bytes() - before.bytes())
                                    / Math.max(1, fragments), latency, after.maxLatencyMillis(), lagNote(kafka));
                    singleSum += single;
                    kafkaSum += viaKafka;
                }
                System.out.printf("[kafka] summary: kafka / single = %.2f (single %.0f, kafka %.0f env-steps/s, mean of %d"
                        + " rounds)%n", kafkaSum / singleSum, singleSum / rounds, kafkaSum / rounds, rounds);
            } finally {
                collector.destroy();
                if (!collector.waitFor(30, TimeUnit.SECONDS)) {
                    collector.destroyForcibly();
                }
                m.close();
            }
        }
    }

    private static String lagNote(KafkaRollout kafka) {
        return "version " + kafka.version();
    }

    /** Runs the training loop for {@code seconds} after {@link #WARMUP} fragments; env-steps/s. */
    private static double block(org.rlplay.rollout.Rollout rollout, SimulatedUpdate work, int seconds) {
        for (int i = 0; i < WARMUP; i++) {
            rollout.next();
            if (work != null) {
                work.run();
            }
            rollout.publish();
        }
        long steps = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Fragment f = rollout.next();
            steps += (long) f.length() * f.numEnvs();
            if (work != null) {
                work.run();
            }
            rollout.publish();
        }
        return steps / ((System.nanoTime() - start) / 1e9);
    }

    /** CPU time of one fragment's collection in {@code same} mode on this thread (median of 10 after 3). */
    private static long collectionCpuNanos() {
        try (RolloutRig rig = RolloutRig.mlp("same", N, T)) {
            for (int i = 0; i < 3; i++) {
                rig.rollout.next();
            }
            long[] t = new long[10];
            for (int i = 0; i < t.length; i++) {
                long s = SimulatedUpdate.cpuNanos();
                rig.rollout.next();
                t[i] = SimulatedUpdate.cpuNanos() - s;
            }
            java.util.Arrays.sort(t);
            return t[t.length / 2];
        }
    }

    private static FragmentSpec spec() {
        try (VecEnv envs = EnvRegistry.makeVec("CartPole-v1", N)) {
            return new FragmentSpec(T, N, envs.observationSpace(), envs.actionSpace(), envs.infoKeys(), true);
        }
    }

    private static SequentialBlock learnerNet(NDManager m) {
        Engine.getInstance().setRandomSeed(0);
        SequentialBlock net = Mlp.of(2, true, 64, 64);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 4));
        return net;
    }

    private static Process startCollector(String bootstrap, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m"));
        for (String p : List.of("ai.djl.offline", "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads",
                "ai.djl.pytorch.graph_optimizer")) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchCollectorMain.class.getName(),
                "--bootstrap", bootstrap, "--env", "CartPole-v1", "--envs", Integer.toString(N), "-T",
                Integer.toString(T), "--topic", "bench", "--group", "bench"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void signal(Process p, String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
    }
}
