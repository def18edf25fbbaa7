package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker killed with SIGKILL and restarted on its directory has lost nothing that was committed. */
class BrokerRestartTest {

    @Test
    void killedBrokerRestartedOnItsDirectoryKeepsAcknowledgedRecordsAndCommittedOffsets(@TempDir Path tmp)
            throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(BrokerConfig.builder(tmp.resolve("broker")).build());
                KafkaProducer<String, String> producer = Clients.producer(broker.settings())) {
            try (TopicAdmin topics = TopicAdmin.connect(broker.settings())) {
                topics.ensure(TopicSpec.fragments("fragments", 2));
            }
            List<String> acknowledged = new ArrayList<>(Clients.sendAcknowledged(producer, "fragments", 0, 200));

            // The learner's group consumes part of the records and commits what it has consumed.
            Set<String> consumedBefore = new HashSet<>();
            try (KafkaConsumer<String, String> learner = Clients.consumer(broker.settings(), "learner")) {
                learner.subscribe(List.of("fragments"));
                consumedBefore.addAll(Clients.values(Clients.poll(learner, 120, Duration.ofSeconds(60))));
                learner.commitSync(Duration.ofSeconds(30));
            }
            assertTrue(consumedBefore.size() >= 120 && consumedBefore.size() < 200, "some, not all: " + consumedBefore.size());

            long oldPid = broker.pid();
            int port = broker.port();
            broker.kill();
            assertFalse(broker.isRunning());
            assertFalse(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false), "SIGKILL ended the child");

            broker.restart();
            assertTrue(broker.isRunning());
            assertNotEquals(oldPid, broker.pid());
            assertEquals(port, broker.port(), "same port: clients' bootstrap stays valid");

            // The producer that lived through the crash reconnects and goes on.
            acknowledged.addAll(Clients.sendAcknowledged(producer, "fragments", 200, 250));

            // The group resumes at its committed offsets: exactly the records it had not consumed.
            Set<String> expectedRest = new HashSet<>(acknowledged);
            expectedRest.removeAll(consumedBefore);
            try (KafkaConsumer<String, String> learner = Clients.consumer(broker.settings(), "learner")) {
                learner.subscribe(List.of("fragments"));
                List<String> rest = Clients.values(Clients.poll(learner, expectedRest.size(), Duration.ofSeconds(60)));
                rest.addAll(Clients.values(Clients.pollFor(learner, Duration.ofSeconds(1))));
                assertEquals(expectedRest.size(), rest.size(), "nothing twice, nothing committed handed out again");
                assertEquals(expectedRest, new HashSet<>(rest));
            }
            // Every acknowledged record is in the log.
            try (KafkaConsumer<String, String> audit = Clients.consumer(broker.settings(), "audit")) {
                audit.subscribe(List.of("fragments"));
                List<String> all = Clients.values(Clients.poll(audit, acknowledged.size(), Duration.ofSeconds(60)));
                assertEquals(new HashSet<>(acknowledged), new HashSet<>(all));
                assertEquals(acknowledged.size(), all.size());
            }
        }
    }
}
