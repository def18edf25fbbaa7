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
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.rlplay.fragment.Collation;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.fragment.FragmentWriter;
import org.rlplay.ring.CollectorException;
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
    static final Logger LOG = LoggerFactory.getLogger(KafkaFragmentRollout.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CLIENT_CLOSE = Duration.ofSeconds(5);

    private final KafkaSettings settings;
    private final String topic;
    private final KafkaRolloutConfig config;
    private final boolean live;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<TopicPartition, Long> ends;
    private final FragmentWriter part;
    private final Collation collation;
    private final FragmentSpec spec;
    private final NDManager scratch;
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private final Map<Integer, Tracked> collectors = new TreeMap<>();
    private final OwnerThread owner = new OwnerThread();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReference<Exception> publishFailure = new AtomicReference<>();
    private ConsumerRecord<byte[], byte[]> ready;
    private boolean commitDirty;
    private long version;
    private long lastPublishNanos;
    private boolean publishPending;
    private boolean publishedOnce;
    private long envSteps;
    private long handedOut;
    private long bytes;
    private long stale;
    private long duplicates;
    private long latencySum;
    private long latencyMax;
    private long collatedSequence;
    private RuntimeException failure;
    private volatile boolean closed;

    private KafkaFragmentRollout(KafkaSettings settings, FragmentSpec spec, String topic, KafkaRolloutConfig config,
                                 boolean live, KafkaConsumer<byte[], byte[]> consumer,
                                 KafkaProducer<byte[], byte[]> producer, Map<TopicPartition, Long> ends, long version) {
        this.settings = settings;
        this.topic = topic;
        this.config = config;
        this.live = live;
        this.consumer = consumer;
        this.producer = producer;
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
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            consumer.assign(partitions(consumer, config.topic()));
            if (config.weights() != null) {
                producer = new KafkaProducer<>(settings.producerConfig(), new ByteArraySerializer(),
                        new ByteArraySerializer());
            }
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(CLIENT_CLOSE));
            throw e instanceof KafkaException ? unreachable(settings, "assign " + config.topic(), e) : e;
        }
        return new KafkaFragmentRollout(settings, spec, config.topic(), config, true, consumer, producer, null, version);
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
        if (config.weights() == null) {
            throw new IllegalStateException("this rollout has no learner block to publish: build it with"
                    + " KafkaRolloutConfig.builder().weights(block)");
        }
        lock.lock();
        try {
            version++;
            publishPending = true;
            sendWeightsIfDue(System.nanoTime(), false);
            throwIfFailed();
            return version;
        } finally {
            lock.unlock();
        }
    }

    private void sendWeightsIfDue(long now, boolean force) {
        if (!publishPending || (!force && publishedOnce && now - lastPublishNanos < config.minPublishInterval().toNanos())) {
            return;
        }
        byte[] value = WeightSnapshot.encode(config.weights(), version);
        producer.send(new ProducerRecord<>(config.weightsTopic(), 0, System.currentTimeMillis(),
                config.weightsKey().getBytes(StandardCharsets.UTF_8), value,
                KafkaCollector.headers(FragmentCodec.KIND_WEIGHTS, version)), (meta, e) -> {
                    if (e != null) {
                        publishFailure.compareAndSet(null, e);
                    }
                });
        publishPending = false;
        publishedOnce = true;
        lastPublishNanos = now;
        Exception e = publishFailure.get();
        if (e != null) {
            failure = new KafkaRolloutException("the weights could not be delivered to " + settings.bootstrapServers()
                    + ": " + e.getMessage(), e);
        }
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
                checkSilent(now);
                sendWeightsIfDue(now, false);
                throwIfFailed();
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
        Tracked c = collectors.computeIfAbsent(key.collector(), Tracked::new);
        c.lastRecordNanos = System.nanoTime();
        if (c.silent) {
            c.silent = false;
            LOG.info("collector {} sends again", c.id);
        }
        String kind = header(r, FragmentCodec.HEADER_KIND);
        if (FragmentCodec.KIND_FAILURE.equals(kind)) {
            c.failure = new String(r.value(), StandardCharsets.UTF_8);
            if (live) {
                config.listener().failed(c.status());
            }
            return false;
        }
        if (c.last != null && !key.isAfter(c.last)) {
            c.duplicates++;
            duplicates++;
            return false;
        }
        if (c.last != null && key.incarnation() > c.last.incarnation()) {
            c.restarts++;
            c.failure = null;
            LOG.info("collector {} restarted (incarnation {} after {})", c.id, key.incarnation(), c.last.incarnation());
        }
        c.last = key;
        if (live && config.maxLag() >= 0) {
            byte[] v = header(r, FragmentCodec.HEADER_VERSION) == null ? null
                    : r.headers().lastHeader(FragmentCodec.HEADER_VERSION).value();
            long actorVersion = v != null && v.length == 8 ? ByteBuffer.wrap(v).getLong()
                    : FragmentCodec.meta(r.value()).actorVersion();
            if (version - actorVersion > config.maxLag()) {
                c.stale++;
                stale++;
                return false;
            }
        }
        c.fragments++;
        return true;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void checkSilent(long now) {
        for (Tracked c : collectors.values()) {
            if (!c.silent && c.failure == null && now - c.lastRecordNanos > config.collectorTimeout().toNanos()) {
                c.silent = true;
                config.listener().silent(c.status());
            }
        }
    }

    private CollectorException timedOut() {
        StringBuilder b = new StringBuilder("no fragment from any collector within " + config.timeout().toSeconds()
                + " s on " + topic + " at " + settings.bootstrapServers());
        if (collectors.isEmpty()) {
            b.append(" (no collector has sent anything: are they running, with this topic and bootstrap?)");
        } else {
            b.append(" (");
            String sep = "";
            for (Tracked c : collectors.values()) {
                CollectorStatus s = c.status();
                b.append(sep).append("collector ").append(s.id()).append(": ").append(s.fragments())
                        .append(" fragments, last record ").append(s.sinceLastRecord().toSeconds()).append(" s ago");
                if (s.staleDropped() > 0) {
                    b.append(", ").append(s.staleDropped()).append(" dropped as stale");
                }
                if (s.failure() != null) {
                    b.append(", failed: ").append(s.failure());
                }
                sep = "; ";
            }
            b.append(')');
        }
        if (stale > 0) {
            b.append("; with maxLag ").append(config.maxLag()).append(" at version ").append(version)
                    .append(", do the collectors receive the weights?");
        }
        return new CollectorException(-1, CollectorException.NO_ENV, b.toString(),
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
        List<CollectorStatus> out = new ArrayList<>(collectors.size());
        collectors.values().forEach(c -> out.add(c.status()));
        return out;
    }

    @Override
    public KafkaRolloutStats stats() {
        return new KafkaRolloutStats(handedOut, bytes, stale, duplicates,
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
                    if (publishPending && producer != null) {
                        sendWeightsIfDue(System.nanoTime(), true);
                    }
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
            if (producer != null) {
                producer.close(CLIENT_CLOSE);
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

    /** The learner's bookkeeping of one collector. */
    private static final class Tracked {
        final int id;
        FragmentKey last;
        long lastRecordNanos = System.nanoTime();
        int restarts;
        long fragments;
        long stale;
        long duplicates;
        boolean silent;
        String failure;

        Tracked(int id) {
            this.id = id;
        }

        CollectorStatus status() {
            return new CollectorStatus(id, last == null ? -1 : last.incarnation(), restarts, fragments, stale,
                    duplicates, Duration.ofNanos(System.nanoTime() - lastRecordNanos), silent, failure);
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
