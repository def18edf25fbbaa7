package org.rlplay.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.rlplay.env.VecEnv;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collector process's loop: a {@code same} rollout ({@link Rollouts#same}) over this collector's
 * envs and actor replica, each fragment it yields sent as one record to the fragments topic, and the
 * learner's newest weights adopted between fragments.
 *
 * <h2>What it sends</h2>
 * One record per fragment: key {@link FragmentKey} (collector id, incarnation, sequence), value
 * {@link FragmentCodec} (the fragment labelled with the actor version it was collected with), headers
 * {@value FragmentCodec#HEADER_KIND}, {@value FragmentCodec#HEADER_SCHEMA} and
 * {@value FragmentCodec#HEADER_VERSION}, timestamp the time it was sent. Every record of one collector
 * goes to partition {@code id mod partitions}. The producer is idempotent with {@code acks=all}
 * ({@link KafkaSettings}): a record is written once, in order, and survives a broker restart shorter
 * than {@code delivery.timeout.ms}; a full producer buffer blocks {@code send} (back-pressure) for at
 * most {@code max.block.ms}. If the rollout fails (an env or the actor threw), the collector sends one
 * last record of kind {@value FragmentCodec#KIND_FAILURE} whose value is the error, so the learner can
 * report it with this collector's id, and rethrows.
 *
 * <h2>Weights</h2>
 * With a {@link Replica#block()}, the collector follows the newest snapshot on the weights topic
 * (its key, by default {@value KafkaRollouts#WEIGHTS_KEY}): before the first fragment it reads what is
 * there, and after each fragment it polls without waiting and loads a newer snapshot into the block, so
 * the next fragment is collected, and labelled, with that version. Without a block the weights stay
 * frozen and every fragment is version 0.
 *
 * <h2>Back-pressure</h2>
 * A collector does not run ahead of the learner: before each fragment it waits while more than
 * {@code maxBacklog} records (default 8) of its partition, up to its own last acknowledged one and
 * counting its records in flight, are not yet committed by the learner's consumer group (default {@value KafkaRollouts#LEARNER_GROUP}),
 * adopting newer weights while it waits. So the topic holds a bounded backlog, the latency from send
 * to hand-out stays near {@code maxBacklog} fragments' time, and a collector on a machine shared with
 * the learner leaves it the CPU instead of collecting fragments that would wait. It asks the cluster
 * only when its estimate (the last answer plus what it sent since) exceeds the bound. A collector
 * started before its learner sends {@code maxBacklog + 1} fragments and waits for it; -1 turns
 * the wait off (recording a topic that no learner consumes).
 *
 * <h2>Reproducibility</h2>
 * Env j is reset with seed {@code seed + j} at start-up (default seed: {@code id * N}, the seeds a
 * {@code multi} rollout gives collector {@code id}); with frozen weights the fragments a collector
 * sends equal those of {@code Rollouts.same} over its envs and actor with that seed, bit for bit. Its
 * env offset (the global index of its env 0) is {@code id * N}.
 *
 * <h2>Threads and ownership</h2>
 * {@link #run()} runs the loop on the calling thread until {@link #close()}, {@code maxFragments} or
 * a failure. {@link #close()} may come from any thread (a shutdown hook): the loop stops at the next
 * fragment boundary, flushes what it has sent, and releases its clients; close waits for that at most
 * 30 s. The collector owns the envs (closed with the rollout) and its Kafka clients, not the replica.
 */
public final class KafkaCollector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaCollector.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    /** What a record adds to its value at most (key, headers, record and batch framing). */
    private static final int RECORD_OVERHEAD = 1024;

    private final KafkaSettings settings;
    private final VecEnv envs;
    private final Replica replica;
    private final int id;
    private final long seed;
    private final RolloutConfig config;
    private final String topic;
    private final String weightsTopic;
    private final String weightsKey;
    private final int partitions;
    private final long maxFragments;
    private final String learnerGroup;
    private final int maxBacklog;
    private final AtomicLong lastAcked = new AtomicLong(-1);
    private final AtomicLong acked = new AtomicLong();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private volatile boolean stopping;
    private boolean started;
    private boolean closed;
    private volatile long sent;
    private volatile long bytes;
    private volatile long version;

    private KafkaCollector(Builder b) {
        this.settings = b.settings;
        this.envs = b.envs;
        this.replica = b.replica;
        this.id = b.id;
        this.seed = b.seed != null ? b.seed : (long) b.id * b.envs.numEnvs();
        this.config = RolloutConfig.builder().length(b.length).seed(seed).sticky(b.sticky)
                .keepFinalObs(b.keepFinalObs).build();
        this.topic = b.topic;
        this.weightsTopic = b.weightsTopic;
        this.weightsKey = b.weightsKey;
        this.partitions = b.partitions;
        this.maxFragments = b.maxFragments;
        this.learnerGroup = b.learnerGroup;
        this.maxBacklog = b.maxBacklog;
    }

    /**
     * A collector that will step {@code envs} (owned by the collector from now on) with
     * {@code replica}'s actor and send to the cluster of {@code settings}.
     */
    public static Builder builder(KafkaSettings settings, VecEnv envs, Replica replica) {
        return new Builder(settings, envs, replica);
    }

    /** This collector's id. */
    public int id() {
        return id;
    }

    /** The base seed its envs are reset with ({@code seed + j} for env j). */
    public long seed() {
        return seed;
    }

    /** Fragments sent so far (handed to the producer). */
    public long sent() {
        return sent;
    }

    /** Record value bytes sent so far. */
    public long bytesSent() {
        return bytes;
    }

    /** The actor version the replica holds (0 until it adopted a snapshot). */
    public long version() {
        return version;
    }

    /**
     * Creates the topics if they are missing, then collects and sends fragments until
     * {@link #close()} or {@code maxFragments}; flushes before it returns.
     *
     * @return the number of fragments sent
     * @throws IllegalStateException if a fragment does not fit in one record, or the collector was
     *     already run or closed
     * @throws KafkaCollectorException if a record could not be delivered, or collecting failed (an env
     *     or the actor threw: the cause)
     */
    public long run() {
        synchronized (this) {
            if (started || closed) {
                throw new IllegalStateException("collector " + id + " was already " + (closed ? "closed" : "run"));
            }
            started = true;
        }
        long incarnation = System.currentTimeMillis();
        KafkaProducer<byte[], byte[]> producer = null;
        Admin admin = null;
        WeightsFollower weights = null;
        Rollout rollout = null;
        long sequence = 0;
        try {
            int maxRecord = settings.maxRecordBytes();
            try (TopicAdmin topics = TopicAdmin.connect(settings)) {
                topics.ensure(TopicSpec.fragments(topic, partitions).withMaxRecordBytes(maxRecord));
                if (replica.block() != null) {
                    topics.ensure(TopicSpec.weights(weightsTopic).withMaxRecordBytes(maxRecord));
                }
            }
            producer = new KafkaProducer<>(settings.producerConfig(), new ByteArraySerializer(),
                    new ByteArraySerializer());
            int partition = Math.floorMod(id, producer.partitionsFor(topic).size());
            TopicPartition tp = new TopicPartition(topic, partition);
            if (maxBacklog >= 0) {
                admin = Admin.create(settings.adminConfig());
            }
            long backlog = 0;
            if (replica.block() != null) {
                weights = new WeightsFollower(settings, weightsTopic, weightsKey);
                weights.readToEnd(Duration.ofSeconds(30));
                adopt(weights.poll(Duration.ZERO));
            }
            rollout = Rollouts.same(envs, replica.actor(), config);
            long steps = 0;
            while (!stopping && (maxFragments < 0 || sent < maxFragments)) {
                if (admin != null && backlog > maxBacklog) {
                    backlog = awaitLearner(admin, tp, weights);
                    if (stopping) {
                        break;
                    }
                }
                Fragment f;
                try {
                    f = rollout.next();
                } catch (RuntimeException e) {
                    sendFailure(producer, partition, new FragmentKey(id, incarnation, sequence), e);
                    throw new KafkaCollectorException(id, "collector " + id + " failed: " + e.getMessage(), e);
                }
                long delta = rollout.envSteps() - steps;
                steps += delta;
                byte[] value = FragmentCodec.encode(f, new FragmentCodec.Meta(f.length(), f.numEnvs(), id,
                        id * f.numEnvs(), incarnation, f.sequence(), version, delta));
                if (value.length > maxRecord - RECORD_OVERHEAD) {
                    throw new IllegalStateException(String.format("collector %d: a fragment of T=%d, N=%d is a"
                            + " record of %.1f MiB, more than the largest record allowed (%.1f MiB)%n"
                            + "use fewer envs per collector or a shorter T, or raise the limit for collectors,"
                            + " learner and topic alike with KafkaSettings.withMaxRecordBytes", id, f.length(),
                            f.numEnvs(), value.length / 1048576.0, maxRecord / 1048576.0));
                }
                sequence = f.sequence() + 1;
                FragmentKey key = new FragmentKey(id, incarnation, f.sequence());
                producer.send(new ProducerRecord<>(topic, partition, System.currentTimeMillis(), key.encode(), value,
                        headers(FragmentCodec.KIND_FRAGMENT, version)), (meta, e) -> {
                            if (e != null) {
                                sendFailure.compareAndSet(null, e);
                            } else {
                                lastAcked.accumulateAndGet(meta.offset(), Math::max);
                                acked.incrementAndGet();
                            }
                        });
                checkDelivery();
                sent++;
                backlog++;
                bytes += value.length;
                if (weights != null) {
                    adopt(weights.poll(Duration.ZERO));
                }
            }
            producer.flush();
            checkDelivery();
            return sent;
        } finally {
            closeQuietly(rollout);
            closeQuietly(weights);
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (producer != null) {
                producer.close(Duration.ofSeconds(10));
            }
            if (rollout == null) {
                closeQuietly(envs);
            }
            finished.countDown();
        }
    }

    /**
     * Waits until at most {@code maxBacklog} records of this collector's partition, up to its last
     * acknowledged one plus those still in flight, are not yet committed by the learner's group (or
     * the collector is closing), adopting weights meanwhile.
     *
     * @return the backlog when the wait ended
     */
    private long awaitLearner(Admin admin, TopicPartition tp, WeightsFollower weights) {
        long sleep = 5;
        while (true) {
            long inFlight = sent - acked.get();
            long backlog = lastAcked.get() + 1 - committed(admin, tp) + inFlight;
            if (backlog <= maxBacklog || stopping) {
                return Math.max(0, backlog);
            }
            if (weights != null) {
                adopt(weights.poll(Duration.ofMillis(sleep)));
            } else {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new KafkaCollectorException(id, "collector " + id + " interrupted while waiting for the"
                            + " learner", e);
                }
            }
            sleep = Math.min(50, sleep * 2);
            checkDelivery();
        }
    }

    /** The learner group's committed offset on {@code tp}, 0 if it has none. */
    private long committed(Admin admin, TopicPartition tp) {
        try {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(Map.of(learnerGroup,
                    new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(tp))))
                    .partitionsToOffsetAndMetadata(learnerGroup).get(5, TimeUnit.SECONDS).get(tp);
            return o == null ? 0 : o.offset();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("collector {}: cannot read the learner's offsets ({}); trying again", id, e.toString());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaCollectorException(id, "collector " + id + " interrupted while waiting for the learner", e);
        }
    }

    private void adopt(byte[] snapshot) {
        if (snapshot != null && WeightSnapshot.version(snapshot) > version) {
            version = WeightSnapshot.loadInto(snapshot, replica.block());
        }
    }

    private void checkDelivery() {
        Exception e = sendFailure.get();
        if (e != null) {
            throw new KafkaCollectorException(id, "collector " + id + ": a fragment could not be delivered to "
                    + settings.bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    static RecordHeaders headers(String kind, long version) {
        RecordHeaders h = new RecordHeaders();
        h.add(FragmentCodec.HEADER_KIND, kind.getBytes(StandardCharsets.UTF_8));
        h.add(FragmentCodec.HEADER_SCHEMA, Integer.toString(FragmentCodec.SCHEMA).getBytes(StandardCharsets.UTF_8));
        h.add(FragmentCodec.HEADER_VERSION, ByteBuffer.allocate(8).putLong(version).array());
        return h;
    }

    /** Best effort: tells the learner why this collector stops (waits at most 10 s for the acknowledgement). */
    private void sendFailure(KafkaProducer<byte[], byte[]> producer, int partition, FragmentKey key, Exception cause) {
        String message = String.valueOf(cause);
        try {
            Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, partition, System.currentTimeMillis(),
                    key.encode(), message.getBytes(StandardCharsets.UTF_8), headers(FragmentCodec.KIND_FAILURE, version)));
            ack.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            cause.addSuppressed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cause.addSuppressed(e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {}: {}", c.getClass().getSimpleName(), e.toString());
        }
    }

    /**
     * Stops the loop at the next fragment boundary and waits (at most 30 s) for {@link #run()} to
     * flush and release its clients; closes the envs if the collector never ran. Any thread; idempotent.
     */
    @Override
    public void close() {
        boolean wait;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = true;
            wait = started;
        }
        if (!wait) {
            closeQuietly(envs);
            return;
        }
        try {
            if (!finished.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("collector {} did not stop within {} s", id, CLOSE_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings of a {@link KafkaCollector}; defaults in each method. */
    public static final class Builder {
        private final KafkaSettings settings;
        private final VecEnv envs;
        private final Replica replica;
        private int id;
        private Long seed;
        private int length = 128;
        private boolean sticky;
        private boolean keepFinalObs = true;
        private String topic = KafkaRollouts.FRAGMENTS_TOPIC;
        private String weightsTopic = KafkaRollouts.WEIGHTS_TOPIC;
        private String weightsKey = KafkaRollouts.WEIGHTS_KEY;
        private int partitions = 1;
        private long maxFragments = -1;
        private String learnerGroup = KafkaRollouts.LEARNER_GROUP;
        private int maxBacklog = 8;

        private Builder(KafkaSettings settings, VecEnv envs, Replica replica) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.envs = Objects.requireNonNull(envs, "envs");
            this.replica = Objects.requireNonNull(replica, "replica");
        }

        /** The collector's id, {@code >= 0}, unique among the collectors of one learner; default 0. */
        public Builder id(int id) {
            if (id < 0) {
                throw new IllegalArgumentException("collector id must be >= 0, got " + id);
            }
            this.id = id;
            return this;
        }

        /** Base seed: env j is reset with {@code seed + j}; default {@code id * N}. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** T, env steps per fragment; default 128. */
        public Builder length(int t) {
            this.length = t;
            return this;
        }

        /** Sticky mode (see {@link RolloutConfig}); default off. */
        public Builder sticky(boolean on) {
            this.sticky = on;
            return this;
        }

        /** Whether fragments keep {@code finalObs}; default true. */
        public Builder keepFinalObs(boolean on) {
            this.keepFinalObs = on;
            return this;
        }

        /** The fragments topic; default {@value KafkaRollouts#FRAGMENTS_TOPIC}. */
        public Builder topic(String name) {
            this.topic = name;
            return this;
        }

        /** The weights topic and the learner's key on it; defaults {@value KafkaRollouts#WEIGHTS_TOPIC}, {@value KafkaRollouts#WEIGHTS_KEY}. */
        public Builder weights(String topicName, String key) {
            this.weightsTopic = topicName;
            this.weightsKey = key;
            return this;
        }

        /** Partitions of the fragments topic if this collector creates it; default 1. */
        public Builder partitions(int p) {
            this.partitions = p;
            return this;
        }

        /** Stop after this many fragments; -1 (default) runs until closed. */
        public Builder maxFragments(long n) {
            this.maxFragments = n;
            return this;
        }

        /**
         * The learner's consumer group and the most records of this collector's partition it may
         * have not yet committed before the collector waits (see the class documentation); defaults
         * {@value KafkaRollouts#LEARNER_GROUP} and 8; {@code maxBacklog} -1 never waits. A learner
         * that collates M fragments commits them only at its next {@code next()}, so keep
         * {@code maxBacklog >= M - 1} (the collectors of one partition together must be able to
         * supply a whole batch).
         */
        public Builder backPressure(String group, int maxBacklog) {
            if (maxBacklog < -1) {
                throw new IllegalArgumentException("maxBacklog must be >= 0, or -1 for none, got " + maxBacklog);
            }
            this.learnerGroup = Objects.requireNonNull(group, "group");
            this.maxBacklog = maxBacklog;
            return this;
        }

        public KafkaCollector build() {
            return new KafkaCollector(this);
        }
    }
}
