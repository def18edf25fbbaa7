package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One broker for the class: records round-trip through it, and rlplay's topics are made as specified. */
class KafkaBrokerTest {
    @TempDir
    static Path tmp;
    static KafkaBroker broker;
    static TopicAdmin topics;

    @BeforeAll
    static void startBroker() {
        // The log cleaner looks for dirty logs every 15 s by default; the compaction test waits for it.
        broker = KafkaBroker.start(BrokerConfig.builder(tmp.resolve("broker"))
                .brokerProperty("log.cleaner.backoff.ms", "200").build());
        topics = TopicAdmin.connect(broker.settings());
    }

    @AfterAll
    static void stopBroker() {
        if (topics != null) {
            topics.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void brokerServesOnLoopbackFromAFormattedDirectory() throws Exception {
        assertTrue(broker.isRunning());
        assertEquals("127.0.0.1:" + broker.port(), broker.bootstrapServers());
        assertTrue(Files.readString(broker.dir().resolve("data/meta.properties")).contains(broker.clusterId()));
        String props = Files.readString(broker.dir().resolve("broker.properties"));
        assertTrue(props.contains("log.cleaner.backoff.ms=200"), "overrides reach the broker");
        assertTrue(Files.readString(broker.logFile()).contains("Kafka Server started"));
    }

    @Test
    void producedRecordsAreConsumedInOrderWithKeysAndHeaders() throws Exception {
        topics.ensure(TopicSpec.fragments("round-trip", 1));
        try (KafkaProducer<String, String> producer = Clients.producer(broker.settings())) {
            for (int i = 0; i < 20; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("actor-version", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>("round-trip", null, "collector-" + (i % 2), "fragment-" + i, headers));
            }
            producer.flush();
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.settings(), "round-trip-learner")) {
            consumer.subscribe(List.of("round-trip"));
            List<ConsumerRecord<String, String>> got = Clients.poll(consumer, 20, Duration.ofSeconds(60));
            assertEquals(20, got.size());
            for (int i = 0; i < 20; i++) {
                ConsumerRecord<String, String> r = got.get(i);
                assertEquals("fragment-" + i, r.value());
                assertEquals("collector-" + (i % 2), r.key());
                assertEquals(i, r.offset());
                assertEquals(Integer.toString(i),
                        new String(r.headers().lastHeader("actor-version").value(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void fragmentsTopicIsCreatedOnceWithBoundedRetentionAndFragmentSizedRecords() throws Exception {
        TopicSpec spec = TopicSpec.fragments("fragments", 3);
        assertTrue(topics.ensure(spec), "created");
        assertFalse(topics.ensure(spec), "idempotent: already there");
        assertEquals(3, topics.partitions("fragments"));
        Map<String, String> config = topics.config("fragments");
        assertEquals("delete", config.get("cleanup.policy"));
        assertEquals(Long.toString(1L << 30), config.get("retention.bytes"));
        assertEquals(Long.toString(6 * 3600_000L), config.get("retention.ms"));
        assertEquals(Integer.toString(KafkaSettings.MAX_RECORD_BYTES + KafkaSettings.BATCH_OVERHEAD_BYTES),
                config.get("max.message.bytes"));

        // A record just under the limit passes producer, topic and consumer; one over it is refused at send.
        byte[] big = new byte[KafkaSettings.MAX_RECORD_BYTES - 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        RecordMetadata at;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.settings().producerConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            at = producer.send(new ProducerRecord<>("fragments", 1, null, big)).get(60, TimeUnit.SECONDS);
            ExecutionException tooLarge = assertThrows(ExecutionException.class, () -> producer.send(
                    new ProducerRecord<>("fragments", 1, null, new byte[KafkaSettings.MAX_RECORD_BYTES + 1])).get());
            assertTrue(tooLarge.getCause() instanceof RecordTooLargeException, tooLarge.toString());
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(broker.settings().consumerConfig("big"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition p1 = new TopicPartition("fragments", 1);
            consumer.assign(List.of(p1));
            consumer.seek(p1, at.offset());
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (got.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertEquals(1, got.size());
            assertArrayEquals(big, got.get(0).value());
        }
    }

    @Test
    void anExistingTopicThatDoesNotMatchIsReportedNotChanged() {
        topics.ensure(TopicSpec.fragments("two-partitions", 2));
        TopicException partitions = assertThrows(TopicException.class,
                () -> topics.ensure(TopicSpec.fragments("two-partitions", 4)));
        assertTrue(partitions.getMessage().contains("has 2 partitions but 4 are asked for"), partitions.getMessage());
        topics.ensure(TopicSpec.fragments("plain", 1));
        TopicException notCompacted = assertThrows(TopicException.class, () -> topics.ensure(TopicSpec.weights("plain")));
        assertTrue(notCompacted.getMessage().contains("cleanup.policy=delete but rlplay needs compact"),
                notCompacted.getMessage());
        assertEquals(2, topics.partitions("two-partitions"));
    }

    @Test
    void weightsTopicIsCompactedAndKeepsTheNewestSnapshotOfEachLearner() throws Exception {
        // Segments close after 100 ms so the cleaner may compact them; the active segment never is.
        TopicSpec spec = TopicSpec.weights("weights").withConfig("segment.ms", "100")
                .withConfig("min.cleanable.dirty.ratio", "0.01");
        assertTrue(topics.ensure(spec));
        assertEquals("compact", topics.config("weights").get("cleanup.policy"));
        try (KafkaProducer<String, String> producer = Clients.producer(broker.settings())) {
            for (int v = 1; v <= 5; v++) {
                producer.send(new ProducerRecord<>("weights", "learner-a", "a-v" + v)).get(30, TimeUnit.SECONDS);
            }
            for (int v = 1; v <= 3; v++) {
                producer.send(new ProducerRecord<>("weights", "learner-b", "b-v" + v)).get(30, TimeUnit.SECONDS);
            }
            Thread.sleep(300);
            // Appending after segment.ms rolls the segment: the eight records above become cleanable.
            producer.send(new ProducerRecord<>("weights", "learner-b", "b-v4")).get(30, TimeUnit.SECONDS);
        }
        Map<String, List<String>> log = Map.of();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            log = readAll("weights");
            List<String> bs = log.get("learner-b");
            // Under load the records may span several segments, cleaned in more than one pass.
            if (log.get("learner-a").size() == 1 && !bs.contains("b-v1") && !bs.contains("b-v2")) {
                break;
            }
            Thread.sleep(250);
        }
        assertEquals(List.of("a-v5"), log.get("learner-a"), "compaction kept only learner-a's newest snapshot: " + log);
        List<String> b = log.get("learner-b");
        assertEquals("b-v4", b.get(b.size() - 1), "newest value of learner-b: " + log);
        assertFalse(b.contains("b-v1") || b.contains("b-v2"), "older snapshots of learner-b are gone: " + log);
    }

    /** Every record of a one-partition topic from the start, values grouped by key in offset order. */
    private static Map<String, List<String>> readAll(String topic) {
        TopicPartition p = new TopicPartition(topic, 0);
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(broker.settings().consumerConfig("reader"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            while (consumer.position(p) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                }
            }
        }
        return byKey;
    }

}
