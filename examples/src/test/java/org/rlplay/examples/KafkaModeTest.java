package org.rlplay.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlplay.kafka.BrokerConfig;
import org.rlplay.kafka.KafkaBroker;
import org.rlplay.kafka.KafkaRollout;
import org.rlplay.kafka.KafkaRollouts;
import org.rlplay.kafka.KafkaSettings;
import org.rlplay.kafka.ReplayStart;
import org.rlplay.record.Dataset;
import org.rlplay.record.ReplayOptions;
import org.rlplay.rollout.Rollout;

/**
 * The command line's Kafka path against a real broker: {@code rlplay collector} twice and
 * {@code rlplay train --mode kafka} (collectors as threads of this JVM here; rlplay-kafka's
 * CollectorProcessTest runs them as processes, with kill -9 and broker restarts).
 */
class KafkaModeTest {
    @TempDir
    Path tmp;

    @Test
    void aLearnerInKafkaModeTrainsOnTheFragmentsOfTwoCollectors() throws Exception {
        int iterations = 30;
        try (KafkaBroker broker = KafkaBroker.start(BrokerConfig.builder(tmp.resolve("broker")).build())) {
            String bootstrap = broker.bootstrapServers();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                // a2c's defaults: N = 8, T = 16; two collectors of 4 envs, one fragment of each per update
                Future<Cli> c0 = pool.submit(() -> Cli.run("collector", "--algo", "a2c", "--bootstrap", bootstrap,
                        "--env", "CartPole-v1", "--envs", "4", "-T", "16", "--id", "0", "--fragments",
                        Integer.toString(iterations)));
                Future<Cli> c1 = pool.submit(() -> Cli.run("collector", "--algo", "a2c", "--bootstrap", bootstrap,
                        "--env", "CartPole-v1", "--envs", "4", "-T", "16", "--id", "1", "--fragments",
                        Integer.toString(iterations)));
                Path run = tmp.resolve("run");
                Cli learner = Cli.run("train", "--algo", "a2c", "--env", "CartPole-v1", "--mode", "kafka",
                        "--bootstrap", bootstrap, "--collectors", "2", "--steps", Integer.toString(iterations * 8 * 16),
                        "--progress", "off", "--out", run.toString());
                assertEquals(0, learner.code(), learner::toString);
                assertEquals(0, c0.get(120, TimeUnit.SECONDS).code(), () -> "collector 0");
                assertEquals(0, c1.get(120, TimeUnit.SECONDS).code(), () -> "collector 1");
                List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
                assertTrue(metrics.size() > 1, "metrics rows were written");
                assertTrue(learner.out().contains("episodes "), learner::toString);

                // the topic is a recording: sink it into a dataset and replay it, bit for bit
                Path data = tmp.resolve("data");
                Cli sink = Cli.run("sink", "--bootstrap", bootstrap, "--env", "CartPole-v1", "--envs", "4", "-T", "16",
                        "--out", data.toString());
                assertEquals(0, sink.code(), sink::toString);
                assertTrue(sink.out().contains("wrote " + 2 * iterations + " fragments"), sink::toString);
                Dataset dataset = Dataset.open(data);
                assertEquals(2 * iterations, dataset.numFragments());
                try (KafkaRollout topic = KafkaRollouts.replay(KafkaSettings.of(bootstrap), dataset.spec(),
                        KafkaRollouts.FRAGMENTS_TOPIC, ReplayStart.beginning());
                     Rollout replay = dataset.replay(ReplayOptions.once())) {
                    for (int k = 0; k < 2 * iterations; k++) {
                        assertEquals(RolloutFingerprint.of(topic.next()), RolloutFingerprint.of(replay.next()), "fragment " + k);
                    }
                }
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "collector threads ended");
            }
        }
    }

    @Test
    void kafkaModeRefusesWhatItCannotRunInOneLine() {
        Cli noBroker = Cli.run("train", "--algo", "a2c", "--mode", "kafka", "--steps", "100");
        assertEquals(2, noBroker.code(), noBroker::toString);
        assertTrue(noBroker.err().contains("--mode kafka needs --bootstrap"), noBroker::toString);
        Cli ddqn = Cli.run("train", "--algo", "ddqn", "--mode", "kafka", "--bootstrap", "127.0.0.1:1", "--collectors", "1",
                "--steps", "100");
        assertEquals(2, ddqn.code(), ddqn::toString);
        assertTrue(ddqn.err().contains("cannot run in another process"), ddqn::toString);
    }
}
