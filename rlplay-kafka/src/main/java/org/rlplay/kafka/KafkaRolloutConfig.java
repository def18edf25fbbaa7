package org.rlplay.kafka;

import ai.djl.nn.Block;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the learner's side of the Kafka path ({@link KafkaRollouts#consume}). Build with
 * {@link #builder()}; immutable.
 *
 * @param topic            the fragments topic; default {@value KafkaRollouts#FRAGMENTS_TOPIC}
 * @param partitions       its partition count, if the learner creates it; default 1
 * @param group            the consumer group whose committed offsets the learner resumes from;
 *                         default {@value KafkaRollouts#LEARNER_GROUP}. Use one group per training run
 * @param weightsTopic     the compacted weights topic; default {@value KafkaRollouts#WEIGHTS_TOPIC}
 * @param weightsKey       the learner's key on it; default {@value KafkaRollouts#WEIGHTS_KEY}
 * @param weights          the block the learner trains, whose parameters {@code publish()} sends; null
 *                         (default) if the learner publishes no weights ({@code publish()} then throws)
 * @param minPublishInterval the shortest time between two weight records: a {@code publish()} sooner
 *                         than this after the last record advances the version and defers the record,
 *                         which {@code next()} then sends (with the weights as they are then) once the
 *                         interval has passed; default 0 (every publish sends)
 * @param batch            M, fragments collated into each fragment {@code next()} returns; default 1
 * @param maxLag           the largest policy lag handed out, or -1 for no bound (default): a fragment
 *                         whose {@code version() - actorVersion} exceeds it when it reaches the learner is
 *                         dropped (and counted) instead of handed out
 * @param timeout          the longest {@code next()} waits for one fragment before it throws a
 *                         {@link org.rlplay.ring.CollectorException} (collector -1, a
 *                         {@link java.util.concurrent.TimeoutException} cause) naming what every collector
 *                         last did; default 60 s. Keep it above a broker restart
 * @param collectorTimeout after this long without a record from a collector, the listener is told it
 *                         is silent; default 30 s. Keep it above the time one fragment takes to collect,
 *                         and above the learner's update time
 * @param listener         told about silent and failed collectors; default: log a warning
 */
public record KafkaRolloutConfig(String topic, int partitions, String group, String weightsTopic, String weightsKey,
                                 Block weights, Duration minPublishInterval, int batch, long maxLag, Duration timeout,
                                 Duration collectorTimeout, CollectorListener listener) {

    public KafkaRolloutConfig {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(weightsTopic, "weightsTopic");
        Objects.requireNonNull(weightsKey, "weightsKey");
        Objects.requireNonNull(listener, "listener");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (minPublishInterval == null || minPublishInterval.isNegative()) {
            throw new IllegalArgumentException("minPublishInterval must be >= 0, got " + minPublishInterval);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch M must be >= 1, got " + batch);
        }
        if (maxLag < -1) {
            throw new IllegalArgumentException("maxLag must be >= 0, or -1 for no bound, got " + maxLag);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (collectorTimeout == null || collectorTimeout.isNegative() || collectorTimeout.isZero()) {
            throw new IllegalArgumentException("collectorTimeout must be positive, got " + collectorTimeout);
        }
    }

    /** The defaults (see the parameters). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link KafkaRolloutConfig}. */
    public static final class Builder {
        private String topic = KafkaRollouts.FRAGMENTS_TOPIC;
        private int partitions = 1;
        private String group = KafkaRollouts.LEARNER_GROUP;
        private String weightsTopic = KafkaRollouts.WEIGHTS_TOPIC;
        private String weightsKey = KafkaRollouts.WEIGHTS_KEY;
        private Block weights;
        private Duration minPublishInterval = Duration.ZERO;
        private int batch = 1;
        private long maxLag = -1;
        private Duration timeout = Duration.ofSeconds(60);
        private Duration collectorTimeout = Duration.ofSeconds(30);
        private CollectorListener listener = new CollectorListener() { };

        private Builder() {
        }

        public Builder topic(String name) {
            this.topic = name;
            return this;
        }

        public Builder partitions(int p) {
            this.partitions = p;
            return this;
        }

        public Builder group(String g) {
            this.group = g;
            return this;
        }

        /** The weights topic and the learner's key on it. */
        public Builder weightsTopic(String name, String key) {
            this.weightsTopic = name;
            this.weightsKey = key;
            return this;
        }

        /** The learner's block, whose parameters {@code publish()} sends. */
        public Builder weights(Block block) {
            this.weights = block;
            return this;
        }

        public Builder minPublishInterval(Duration d) {
            this.minPublishInterval = d;
            return this;
        }

        public Builder batch(int m) {
            this.batch = m;
            return this;
        }

        public Builder maxLag(long l) {
            this.maxLag = l;
            return this;
        }

        public Builder timeout(Duration d) {
            this.timeout = d;
            return this;
        }

        public Builder collectorTimeout(Duration d) {
            this.collectorTimeout = d;
            return this;
        }

        public Builder listener(CollectorListener l) {
            this.listener = l;
            return this;
        }

        public KafkaRolloutConfig build() {
            return new KafkaRolloutConfig(topic, partitions, group, weightsTopic, weightsKey, weights,
                    minPublishInterval, batch, maxLag, timeout, collectorTimeout, listener);
        }
    }
}
