package org.rlplay.kafka;

import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.rlplay.fragment.Collation;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.ring.CollectorException;
import org.rlplay.rollout.LearnerThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link KafkaRollout} of {@link KafkaRollouts}: one consumer assigned every partition of the
 * fragments topic (no group rebalances), records buffered at most one poll ahead
 * ({@code max.poll.records}), each record checked by its key and headers (failure, duplicate, stale)
 * before its value is decoded into the one preallocated fragment slot (or, with M &gt; 1, into a part
 * slot that {@link Collation} copies into the batch). Live mode commits offsets and publishes
 * weights; replay mode does neither and ends at the end offsets taken when it was built.
 *
 * <p>All Kafka calls run on the training loop's thread, under a lock, and no poll waits longer than
 * 100 ms; {@link #close()} from another thread marks the rollout closed (a waiting {@code next()} sees
 * it after its current poll) and takes the lock, so it is bounded (about 5 s per client when the
 * broker is gone).
 */
final class KafkaFragmentRollout implements KafkaRollout {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFragmentRollout.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLIENT_CLOSE = Duration.ofSeconds(5);

    private final KafkaSettings settings;
    private final String topic;
    private final KafkaRolloutConfig config;
    private final boolean live;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final WeightsPublisher weights;
    private final Map<TopicPartition, Long> ends;
    private final FragmentWriter part;
    private final Collation collation;
    private final FragmentSpec spec;
    private final NDManager scratch;
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private final CollectorBook collectors;
    private final LearnerThread owner = new LearnerThread();
    private final ReentrantLock lock = new ReentrantLock();
    private ConsumerRecord<byte[], byte[]> ready;
    private boolean commitDirty;
    private long version;
    private long envSteps;
    private long handedOut;
    private long bytes;
    private long latencySum;
    private long latencyMax;
    private long collatedSequence;
    private RuntimeException failure;
    private volatile boolean closed;

    private KafkaFragmentRollout(KafkaSettings settings, FragmentSpec spec, String topic, KafkaRolloutConfig config,
                                 boolean live, KafkaConsumer<byte[], byte[]> consumer,
                                 WeightsPublisher weights, Map<TopicPartition, Long> ends, long version) {
        this.settings = settings;
        this.topic = topic;
        this.config = config;
        this.live = live;
        this.consumer = consumer;
        this.weights = weights;
        this.collectors = new CollectorBook(live ? config.listener() : null);
        this.ends = ends;
        this.version = version;
        this.part = new FragmentWriter(spec);
        this.collation = config.batch() > 1 ? new Collation(spec, config.batch()) : null;
        this.spec = collation != null ? collation.spec() : spec;
        this.scratch = NDManager.newBaseManager();
    }

    static KafkaFragmentRollout live(KafkaSettings settings, FragmentSpec spec, KafkaRolloutConfig config) {
        int maxRecord = settings.maxRecordBytes();
        ensureTopics(settings, TopicSpec.fragments(config.topic(), config.partitions()).withMaxRecordBytes(maxRecord),
                config.weights() == null ? null : TopicSpec.weights(config.weightsTopic()).withMaxRecordBytes(maxRecord));
        long version = 0;
        if (config.weights() != null) {
            try (WeightsFollower w = new WeightsFollower(settings, config.weightsTopic(), config.weightsKey())) {
                version = Math.max(0, w.readToEnd(Duration.ofSeconds(30)));
            } catch (KafkaException e) {
                throw unreachable(settings, "read the newest version on " + config.weightsTopic(), e);
            }
        }
        Map<String, Object> c = settings.consumerConfig(config.group());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        WeightsPublisher weights = null;
        try {
            consumer.assign(partitions(consumer, config.topic()));
            if (config.weights() != null) {
                weights = new WeightsPublisher(settings, config.weights(), config.weightsTopic(), config.weightsKey(),
                        config.minPublishInterval());
            }
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(CLIENT_CLOSE));
            throw e instanceof KafkaException ? unreachable(settings, "assign " + config.topic(), e) : e;
        }
        return new KafkaFragmentRollout(settings, spec, config.topic(), config, true, consumer, weights, null, version);
    }

    static KafkaFragmentRollout replay(KafkaSettings settings, FragmentSpec spec, String topic, ReplayStart start) {
        Map<String, Object> c = settings.consumerConfig("unused");
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<TopicPartition> tps = partitions(consumer, topic);
            consumer.assign(tps);
            Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(tps));
            if (start.timeOrNull() != null) {
                Map<TopicPartition, Long> query = new HashMap<>();
                tps.forEach(tp -> query.put(tp, start.timeOrNull().toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
                for (TopicPartition tp : tps) {
                    OffsetAndTimestamp o = found.get(tp);
                    consumer.seek(tp, o == null ? ends.get(tp) : o.offset());
                }
            } else if (start.offsetOrNegative() >= 0) {
                Map<TopicPartition, Long> begins = consumer.beginningOffsets(tps);
                tps.forEach(tp -> consumer.seek(tp, Math.max(begins.get(tp), start.offsetOrNegative())));
            } else {
                consumer.seekToBeginning(tps);
            }
            return new KafkaFragmentRollout(settings, spec, topic, KafkaRolloutConfig.builder().topic(topic).build(),
                    false, consumer, null, ends, 0);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(CLIENT_CLOSE));
            throw e instanceof KafkaException ? unreachable(settings, "replay " + topic + " from " + start, e) : e;
        }
    }

    private static void ensureTopics(KafkaSettings settings, TopicSpec fragments, TopicSpec weights) {
        try (TopicAdmin admin = TopicAdmin.connect(settings)) {
            admin.ensure(fragments);
            if (weights != null) {
                admin.ensure(weights);
            }
        } catch (TopicException e) {
            throw new KafkaRolloutException("the learner cannot set up its topics: " + e.getMessage(), e);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new KafkaRolloutException("topic " + topic + " does not exist", null);
        }
        List<TopicPartition> tps = new ArrayList<>();
        infos.forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
        return tps;
    }

    private static KafkaRolloutException unreachable(KafkaSettings settings, String what, Exception e) {
        return new KafkaRolloutException("cannot " + what + " on " + settings.bootstrapServers() + ": " + e.getMessage()
                + "; is the broker running and reachable with these settings?", e);
    }

    // ---- Rollout -------------------------------------------------------------------------------

    @Override
    public FragmentSpec spec() {
        return spec;
    }

    @Override
    public long envSteps() {
        return envSteps;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public long lag(Fragment f) {
        return live ? version - f.actorVersion() : 0;
    }

    @Override
    public long publish() {
        if (closed) {
            throw new IllegalStateException("the rollout is closed");
        }
        owner.check("publish");
        throwIfFailed();
        if (!live) {
            return version;
        }
        if (weights == null) {
            throw new IllegalStateException("this rollout has no learner block to publish: build it with"
                    + " KafkaRolloutConfig.builder().weights(block)");
        }
        lock.lock();
        try {
            weights.publish(++version);
            checkWeightsDelivered();
            return version;
        } finally {
            lock.unlock();
        }
    }

    private void checkWeightsDelivered() {
        Exception e = weights == null ? null : weights.failure();
        if (e != null && failure == null) {
            failure = new KafkaRolloutException("the weights could not be delivered to " + settings.bootstrapServers()
                    + ": " + e.getMessage(), e);
        }
        throwIfFailed();
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        owner.check("hasNext");
        throwIfFailed();
        if (live) {
            return true;
        }
        lock.lock();
        try {
            if (ready == null) {
                ready = guarded(() -> take(deadline()));
            }
            return ready != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Fragment next() {
        if (closed) {
            throw new NoSuchElementException("the rollout is closed");
        }
        owner.check("next");
        throwIfFailed();
        lock.lock();
        try {
            return guarded(this::nextLocked);
        } finally {
            lock.unlock();
        }
    }

    private Fragment nextLocked() {
        commitProcessed();
        if (collation == null) {
            return handOut(nextRecord());
        }
        collation.begin();
        for (int i = 0; i < config.batch(); i++) {
            collation.add(i, handOut(nextRecord()));
        }
        return collation.finish(collatedSequence++);
    }

    private ConsumerRecord<byte[], byte[]> nextRecord() {
        ConsumerRecord<byte[], byte[]> r = ready != null ? ready : take(deadline());
        ready = null;
        if (r == null) {
            throw new NoSuchElementException("the replay of " + topic + " has reached the end it had when it started");
        }
        return r;
    }

    private long deadline() {
        return System.nanoTime() + config.timeout().toNanos();
    }

    /** Runs {@code body}; a close during a poll ends it, any other failure makes the rollout failed. */
    private <T> T guarded(java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (NoSuchElementException e) {
            throw e;
        } catch (KafkaException e) {
            failure = unreachable(settings, "consume " + topic, e);
            throw failure;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** Decodes {@code r} into the part slot and returns it, counting it. */
    private Fragment handOut(ConsumerRecord<byte[], byte[]> r) {
        FragmentKey key = FragmentKey.decode(r.key());
        FragmentCodec.Meta meta;
        try {
            meta = FragmentCodec.decode(r.value(), part, scratch);
        } catch (IllegalArgumentException e) {
            throw new CollectorException(key.collector(), CollectorException.NO_ENV, "collector " + key.collector()
                    + " sends fragments this learner cannot take (" + topic + " partition " + r.partition() + " offset "
                    + r.offset() + "): " + e.getMessage() + "; run collectors with the learner's env, T and N", e);
        }
        envSteps += meta.envSteps();
        handedOut++;
        bytes += r.value().length;
        long latency = Math.max(0, System.currentTimeMillis() - r.timestamp());
        latencySum += latency;
        latencyMax = Math.max(latencyMax, latency);
        return part.fragment();
    }

    /**
     * The next record to hand out, polling as needed until {@code deadline}; null when a replay has
     * reached its end.
     */
    private ConsumerRecord<byte[], byte[]> take(long deadline) {
        while (true) {
            ConsumerRecord<byte[], byte[]> r;
            while ((r = pending.poll()) != null) {
                processed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                commitDirty = true;
                if (accept(r)) {
                    return r;
                }
            }
            if (closed) {
                throw new NoSuchElementException("the rollout was closed");
            }
            long now = System.nanoTime();
            if (live) {
                collectors.checkSilent(now, config.collectorTimeout());
                if (weights != null) {
                    weights.sendIfDue(now, false);
                    checkWeightsDelivered();
                }
            } else if (atEnd()) {
                return null;
            }
            if (now > deadline) {
                throw timedOut();
            }
            Duration wait = Duration.ofNanos(Math.min(POLL.toNanos(), Math.max(0, deadline - now)));
            consumer.poll(wait).forEach(pending::add);
        }
    }

    private boolean atEnd() {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code r} is a fragment to hand out; bookkeeping of failures, duplicates and stale fragments. */
    private boolean accept(ConsumerRecord<byte[], byte[]> r) {
        FragmentKey key;
        try {
            key = FragmentKey.decode(r.key());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("topic " + topic + " partition " + r.partition() + " offset " + r.offset()
                    + " holds a record that is not an rlplay fragment: " + e.getMessage(), e);
        }
        collectors.arrived(key, System.nanoTime());
        if (FragmentCodec.KIND_FAILURE.equals(header(r, FragmentCodec.HEADER_KIND))) {
            collectors.failed(key, new String(r.value(), StandardCharsets.UTF_8));
            return false;
        }
        if (!collectors.admit(key)) {
            return false;
        }
        if (live && config.maxLag() >= 0 && version - actorVersion(r) > config.maxLag()) {
            collectors.dropStale(key.collector());
            return false;
        }
        collectors.handedOut(key.collector());
        return true;
    }

    /** The record's actor version, from its header (or its value, for a record without one). */
    private static long actorVersion(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader(FragmentCodec.HEADER_VERSION);
        return h != null && h.value().length == 8 ? ByteBuffer.wrap(h.value()).getLong()
                : FragmentCodec.meta(r.value()).actorVersion();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private CollectorException timedOut() {
        String message = "no fragment from any collector within " + config.timeout().toSeconds() + " s on " + topic
                + " at " + settings.bootstrapServers() + " (" + collectors.describe() + ")";
        if (collectors.stale() > 0) {
            message += "; with maxLag " + config.maxLag() + " at version " + version
                    + ", do the collectors receive the weights?";
        }
        return new CollectorException(-1, CollectorException.NO_ENV, message,
                new TimeoutException("waited " + config.timeout().toMillis() + " ms"));
    }

    private void commitProcessed() {
        if (!live || !commitDirty) {
            return;
        }
        consumer.commitAsync(new HashMap<>(processed), (offsets, e) -> {
            if (e != null) {
                LOG.warn("committing the learner's offsets failed (they are committed again at the next fragment): {}",
                        e.toString());
            }
        });
        commitDirty = false;
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    // ---- KafkaRollout --------------------------------------------------------------------------

    @Override
    public List<CollectorStatus> collectors() {
        owner.check("collectors");
        return collectors.statuses();
    }

    @Override
    public KafkaRolloutStats stats() {
        return new KafkaRolloutStats(handedOut, bytes, collectors.stale(), collectors.duplicates(),
                handedOut == 0 ? 0 : (double) latencySum / handedOut, latencyMax);
    }

    /**
     * Commits what the training loop has finished (live mode, synchronously, at most 5 s), sends a
     * deferred weights record, and closes the clients and the fragment slots. Any thread; idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        lock.lock();
        try {
            if (live && failure == null) {
                try {
                    if (commitDirty) {
                        consumer.commitSync(new HashMap<>(processed), CLIENT_CLOSE);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("the learner's last offsets could not be committed: {}", e.toString());
                }
            }
            try {
                consumer.close(CloseOptions.timeout(CLIENT_CLOSE));
            } catch (RuntimeException e) {
                LOG.warn("closing the learner's consumer: {}", e.toString());
            }
            if (weights != null) {
                weights.close();
            }
        } finally {
            try {
                if (collation != null) {
                    collation.close();
                }
                part.close();
                scratch.close();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", topic);
        m.put("mode", live ? "live" : "replay");
        m.put("version", version);
        m.put("fragments", handedOut);
        return "KafkaRollout" + m;
    }
}
