package org.rlplay.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What one of rlplay's topics must be: its name, partition count, replication factor and the topic
 * configs it is created with. {@link TopicAdmin#ensure} creates it or checks an existing one. Built
 * by {@link #fragments} or {@link #weights} and adjusted with the {@code with...} methods; immutable.
 *
 * <h2>The fragments topic</h2>
 * Collectors append one record per fragment; the learner consumes them; the topic is also a
 * recording that can be replayed. Cleanup policy {@code delete} with both bounds set, so it never
 * grows without limit: {@code retention.bytes} 1 GiB <em>per partition</em> and {@code retention.ms}
 * 6 h by default ({@link #withRetention}); 64 MiB segments (retention drops whole segments, so a
 * partition holds up to its retention plus one segment); {@code max.message.bytes}
 * {@link KafkaSettings#MAX_RECORD_BYTES} (16 MiB) plus {@link KafkaSettings#BATCH_OVERHEAD_BYTES}, so a
 * record the producer accepts is never refused by the topic.
 *
 * <h2>The weights topic</h2>
 * The learner publishes versioned snapshots keyed by learner id; a collector reads the newest value
 * of its learner's key. One partition, cleanup policy {@code compact}: the log cleaner keeps the
 * newest value of each key and drops older ones once their segment is closed (64 MiB or 10 min,
 * whichever comes first); {@code max.message.bytes} as for fragments.
 *
 * @param name              the topic name: 1 to 249 of {@code [a-zA-Z0-9._-]}
 * @param partitions        the partition count, at least 1
 * @param replicationFactor replicas per partition, or -1 for the broker's
 *                          {@code default.replication.factor}
 * @param configs           topic configs ({@link TopicConfig}) set when the topic is created
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final String MAX_MESSAGE_BYTES =
            Integer.toString(KafkaSettings.MAX_RECORD_BYTES + KafkaSettings.BATCH_OVERHEAD_BYTES);
    private static final String SEGMENT_BYTES = Integer.toString(64 << 20);

    public TopicSpec {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("topic name '" + name + "' is not 1 to 249 of [a-zA-Z0-9._-]");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        if (replicationFactor != -1 && replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor of " + name
                    + " must be >= 1, or -1 for the broker's default, got " + replicationFactor);
        }
        configs = Map.copyOf(configs);
    }

    /** A fragments topic with {@code partitions} partitions and the default retention (see above). */
    public static TopicSpec fragments(String name, int partitions) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        c.put(TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(1L << 30));
        c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(6).toMillis()));
        c.put(TopicConfig.SEGMENT_BYTES_CONFIG, SEGMENT_BYTES);
        c.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, MAX_MESSAGE_BYTES);
        return new TopicSpec(name, partitions, (short) -1, c);
    }

    /** A log-compacted weights topic with one partition (see above). */
    public static TopicSpec weights(String name) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        c.put(TopicConfig.SEGMENT_BYTES_CONFIG, SEGMENT_BYTES);
        c.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()));
        c.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, MAX_MESSAGE_BYTES);
        return new TopicSpec(name, 1, (short) -1, c);
    }

    /** A copy with one topic config set (or replaced). */
    public TopicSpec withConfig(String key, String value) {
        Map<String, String> c = new LinkedHashMap<>(configs);
        c.put(key, value);
        return new TopicSpec(name, partitions, replicationFactor, c);
    }

    /**
     * A copy whose {@code max.message.bytes} admits records of up to {@code bytes} (plus
     * {@link KafkaSettings#BATCH_OVERHEAD_BYTES}): the topic side of {@link KafkaSettings#withMaxRecordBytes}.
     */
    public TopicSpec withMaxRecordBytes(int bytes) {
        return withConfig(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Long.toString(Math.min(Integer.MAX_VALUE, (long) bytes + KafkaSettings.BATCH_OVERHEAD_BYTES)));
    }

    /** A copy with {@code retention.bytes} (per partition; -1 for no size bound) and {@code retention.ms}. */
    public TopicSpec withRetention(long bytesPerPartition, Duration time) {
        return withConfig(TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(bytesPerPartition))
                .withConfig(TopicConfig.RETENTION_MS_CONFIG, Long.toString(time.toMillis()));
    }

    /** A copy with another replication factor (-1: the broker's default). */
    public TopicSpec withReplicationFactor(int replicationFactor) {
        if (replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " is too large");
        }
        return new TopicSpec(name, partitions, (short) replicationFactor, configs);
    }

    /** Whether the cleanup policy includes {@code compact}. */
    public boolean compacted() {
        return isCompacted(configs.getOrDefault(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    static boolean isCompacted(String cleanupPolicy) {
        for (String p : cleanupPolicy.split(",")) {
            if (p.trim().equals(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                return true;
            }
        }
        return false;
    }
}
