package org.rlplay.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates and inspects rlplay's topics through one Kafka {@link Admin} client, which it owns and
 * {@link #close() closes}. Every call waits at most the timeout given to {@link #connect}; calls may
 * come from any thread.
 *
 * <p>{@link #ensure} is idempotent: it creates a missing topic from its {@link TopicSpec} and returns
 * once every partition has a leader; an existing topic (made by an earlier run, another process at
 * the same moment, or an operator) is checked, not changed: its partition count and whether it is
 * compacted must match the spec, and its other configs are left as they are.
 */
public final class TopicAdmin implements AutoCloseable {
    private static final long POLL_MILLIS = 50;

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;

    private TopicAdmin(Admin admin, String bootstrapServers, Duration timeout) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /** An admin client for the cluster of {@code settings}, with a 30 s timeout per call. */
    public static TopicAdmin connect(KafkaSettings settings) {
        return connect(settings, Duration.ofSeconds(30));
    }

    /** An admin client for the cluster of {@code settings}, waiting at most {@code timeout} per call. */
    public static TopicAdmin connect(KafkaSettings settings, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        return new TopicAdmin(Admin.create(settings.adminConfig()), settings.bootstrapServers(), timeout);
    }

    /**
     * Creates the topic if it does not exist and waits until all its partitions have a leader; checks
     * it if it does.
     *
     * @return true if this call created the topic
     * @throws TopicException if the cluster cannot be reached or refuses, or the existing topic does not
     *                        match the spec
     */
    public boolean ensure(TopicSpec spec) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean created = false;
        if (describe(spec.name()).isEmpty()) {
            NewTopic topic = new NewTopic(spec.name(), Optional.of(spec.partitions()),
                    spec.replicationFactor() == -1 ? Optional.empty() : Optional.of(spec.replicationFactor()))
                    .configs(spec.configs());
            try {
                get(admin.createTopics(List.of(topic)).all(), "create topic " + spec.name());
                created = true;
            } catch (TopicException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        TopicDescription d = awaitLeaders(spec.name(), deadline);
        if (d.partitions().size() != spec.partitions()) {
            throw new TopicException("topic " + spec.name() + " has " + d.partitions().size() + " partitions but "
                    + spec.partitions() + " are asked for: ask for " + d.partitions().size()
                    + ", or delete the topic or use another name");
        }
        String policy = config(spec.name()).getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, "");
        if (TopicSpec.isCompacted(policy) != spec.compacted()) {
            throw new TopicException("topic " + spec.name() + " has cleanup.policy=" + policy + " but rlplay needs "
                    + (spec.compacted() ? "compact" : "delete") + ": delete the topic or use another name");
        }
        return created;
    }

    /** The partition count of an existing topic. */
    public int partitions(String topic) {
        return describe(topic).orElseThrow(() -> new TopicException("topic " + topic + " does not exist on "
                + bootstrapServers)).partitions().size();
    }

    /** The topic's effective configs (explicit and default values; sensitive values are null). */
    public Map<String, String> config(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = get(admin.describeConfigs(List.of(resource)).values().get(resource),
                "describe the configs of topic " + topic);
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigEntry e : config.entries()) {
            out.put(e.name(), e.value());
        }
        return out;
    }

    /** Closes the admin client, waiting at most the timeout for calls in flight. */
    @Override
    public void close() {
        admin.close(timeout);
    }

    private Optional<TopicDescription> describe(String topic) {
        try {
            return Optional.of(get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                    "describe topic " + topic));
        } catch (TopicException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Polls until the broker's metadata shows the topic with a leader for every partition. */
    private TopicDescription awaitLeaders(String topic, long deadline) {
        while (true) {
            Optional<TopicDescription> d = describe(topic);
            if (d.isPresent() && allLed(d.get().partitions())) {
                return d.get();
            }
            if (System.nanoTime() > deadline) {
                throw new TopicException("topic " + topic + " on " + bootstrapServers + " has no leader for every"
                        + " partition after " + timeout.toSeconds() + " s: is the broker healthy?");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicException("interrupted while waiting for topic " + topic, e);
            }
        }
    }

    private static boolean allLed(Collection<TopicPartitionInfo> partitions) {
        return partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new TopicException("cannot " + what + " on " + bootstrapServers + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new TopicException("cannot " + what + ": no answer from " + bootstrapServers + " within "
                    + timeout.toSeconds() + " s; is the broker running and reachable with these settings?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicException("interrupted while trying to " + what, e);
        }
    }
}
