package org.rlplay.kafka;

import ai.djl.nn.Block;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The learner's side of the weights topic: snapshots of its block ({@link WeightSnapshot}) sent as
 * records of one key, at most one per {@code minInterval}: a version published sooner is held back
 * and sent by a later {@link #sendIfDue} with the weights as they are then.
 *
 * <p>Used on the training loop's thread. Owns its producer; {@link #close()} sends a held-back
 * version and closes it (at most 5 s).
 */
final class WeightsPublisher implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Block block;
    private final String topic;
    private final byte[] key;
    private final long minIntervalNanos;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long pending = -1;
    private long lastSendNanos;
    private boolean sentOnce;

    WeightsPublisher(KafkaSettings settings, Block block, String topic, String key, Duration minInterval) {
        this.producer = new KafkaProducer<>(settings.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
        this.block = block;
        this.topic = topic;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.minIntervalNanos = minInterval.toNanos();
    }

    /** Marks {@code version} as published and sends it if the interval allows. */
    void publish(long version) {
        pending = version;
        sendIfDue(System.nanoTime(), false);
    }

    /** Sends the held-back version, if any, once the interval since the last record has passed (or at once, with {@code force}). */
    void sendIfDue(long now, boolean force) {
        if (pending < 0 || (!force && sentOnce && now - lastSendNanos < minIntervalNanos)) {
            return;
        }
        byte[] value = WeightSnapshot.encode(block, pending);
        producer.send(new ProducerRecord<>(topic, 0, System.currentTimeMillis(), key, value,
                KafkaCollector.headers(FragmentCodec.KIND_WEIGHTS, pending)), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
        pending = -1;
        sentOnce = true;
        lastSendNanos = now;
    }

    /** The first failed delivery, or null. */
    Exception failure() {
        return failure.get();
    }

    @Override
    public void close() {
        try {
            sendIfDue(System.nanoTime(), true);
        } finally {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
