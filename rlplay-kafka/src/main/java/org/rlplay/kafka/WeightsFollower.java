package org.rlplay.kafka;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows the newest snapshot of one key on the compacted weights topic (one partition): starts at
 * the last record (end offset - 1; the log's newest value), then keeps the newest value of the key
 * among the records each {@link #poll()} brings. No consumer group, nothing committed.
 *
 * <p>Used by one thread (the collector's, at fragment boundaries; the learner's once at start-up).
 * Owns its consumer; {@link #close()} releases it.
 */
final class WeightsFollower implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final byte[] key;
    private final TopicPartition partition;
    private byte[] newest;
    private long newestVersion = -1;

    WeightsFollower(KafkaSettings settings, String topic, String key) {
        Map<String, Object> config = settings.consumerConfig("unused");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.key = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        long end = consumer.position(partition);
        if (end > 0) {
            consumer.seek(partition, end - 1);
        }
    }

    /**
     * Reads what has arrived (waiting at most {@code wait}) and returns the newest snapshot value seen
     * so far, or null if there is none yet.
     */
    byte[] poll(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            if (r.value() != null && Arrays.equals(r.key(), key)) {
                long v = WeightSnapshot.version(r.value());
                if (v > newestVersion) {
                    newestVersion = v;
                    newest = r.value();
                }
            }
        }
        return newest;
    }

    /** Polls until the partition's end as it is now has been read (at most {@code timeout}); the newest version, or -1. */
    long readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
        while (consumer.position(partition) < end && System.nanoTime() < deadline) {
            poll(Duration.ofMillis(100));
        }
        return newestVersion;
    }

    /** The version of the newest snapshot seen, or -1. */
    long newestVersion() {
        return newestVersion;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
