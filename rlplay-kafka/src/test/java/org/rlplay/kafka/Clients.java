package org.rlplay.kafka;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producers and consumers of strings for the tests, built from {@link KafkaSettings}. */
final class Clients {
    private Clients() {
    }

    static KafkaProducer<String, String> producer(KafkaSettings settings) {
        return new KafkaProducer<>(settings.producerConfig(), new StringSerializer(), new StringSerializer());
    }

    /** A consumer in {@code group} that starts from the earliest offset when the group has none. */
    static KafkaConsumer<String, String> consumer(KafkaSettings settings, String group) {
        return new KafkaConsumer<>(settings.with("auto.offset.reset", "earliest").consumerConfig(group),
                new StringDeserializer(), new StringDeserializer());
    }

    /** Sends {@code value(i)} for i in [from, to) keyed {@code key-(i % 4)} and waits for every acknowledgement. */
    static List<String> sendAcknowledged(KafkaProducer<String, String> producer, String topic, int from, int to)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add("value-" + i);
            acks.add(producer.send(new ProducerRecord<>(topic, "key-" + (i % 4), "value-" + i)));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(120, TimeUnit.SECONDS);
        }
        return values;
    }

    /** Polls until {@code count} records have arrived (failing after {@code timeout}); returns them. */
    static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer, int count, Duration timeout) {
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (got.size() < count) {
            if (System.nanoTime() > deadline) {
                fail("received " + got.size() + " of " + count + " records within " + timeout.toSeconds() + " s");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        return got;
    }

    /** Everything that arrives within {@code duration}. */
    static List<ConsumerRecord<String, String>> pollFor(KafkaConsumer<String, String> consumer, Duration duration) {
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(got::add);
        }
        return got;
    }

    static List<String> values(List<ConsumerRecord<String, String>> records) {
        List<String> values = new ArrayList<>();
        records.forEach(r -> values.add(r.value()));
        return values;
    }
}
