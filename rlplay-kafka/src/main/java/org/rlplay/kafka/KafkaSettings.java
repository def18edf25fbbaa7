package org.rlplay.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * How rlplay's Kafka clients reach a cluster: the bootstrap servers plus any client properties (TLS,
 * SASL, timeouts, compression, ...), turned into producer, consumer and admin configurations on top
 * of rlplay's bounded defaults. Immutable; safe to share between threads.
 *
 * <p>Properties pass through unchanged, with two routing rules (the defaults and the rules are tabled
 * in the {@linkplain org.rlplay.kafka package documentation}):
 * <ul>
 *   <li>a property without prefix goes to each client that knows it ({@code ssl.*}, {@code sasl.*},
 *       {@code security.protocol} go to all three, {@code acks} only to the producer); a property
 *       that no client knows (a plugin's own setting) goes to all three;</li>
 *   <li>{@code producer.}, {@code consumer.} or {@code admin.} in front of a property sends it to that
 *       client only, over an unprefixed value.</li>
 * </ul>
 * The caller's values override rlplay's defaults; Kafka validates the result when a client is built.
 */
public final class KafkaSettings {
    /**
     * The largest record (key, value and headers serialized) rlplay's clients produce by default:
     * 16 MiB. It is the producer's {@code max.request.size}; topics accept it with
     * {@link #BATCH_OVERHEAD_BYTES} to spare ({@code max.message.bytes}), and the consumer fetches it in
     * one piece ({@code max.partition.fetch.bytes}).
     */
    public static final int MAX_RECORD_BYTES = 16 << 20;
    /** What topic and fetch limits allow beyond {@link #MAX_RECORD_BYTES} for record-batch framing: 64 KiB. */
    public static final int BATCH_OVERHEAD_BYTES = 64 << 10;

    private static final String BOOTSTRAP = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
    private static final Map<String, String> PRODUCER_DEFAULTS = ordered(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
            ProducerConfig.LINGER_MS_CONFIG, "5",
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_RECORD_BYTES),
            ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L << 20),
            ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
    private static final Map<String, String> CONSUMER_DEFAULTS = ordered(
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "16",
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(32 << 20),
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES + BATCH_OVERHEAD_BYTES));

    /** The three clients, with the prefix that addresses one of them and the properties it knows. */
    private enum Client {
        PRODUCER("producer.", ProducerConfig.configDef()),
        CONSUMER("consumer.", ConsumerConfig.configDef()),
        ADMIN("admin.", AdminClientConfig.configDef());

        final String prefix;
        final ConfigDef def;

        Client(String prefix, ConfigDef def) {
            this.prefix = prefix;
            this.def = def;
        }

        boolean knows(String key) {
            return def.configKeys().containsKey(key);
        }

        static Client addressedBy(String key) {
            for (Client c : values()) {
                if (key.startsWith(c.prefix)) {
                    return c;
                }
            }
            return null;
        }

        static boolean anyKnows(String key) {
            for (Client c : values()) {
                if (c.knows(key)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final String bootstrapServers;
    private final Map<String, String> properties;

    private KafkaSettings(String bootstrapServers, Map<String, String> properties) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must be given (host:port[,host:port...])");
        }
        this.bootstrapServers = bootstrapServers.trim();
        this.properties = Collections.unmodifiableMap(properties);
    }

    /** Settings for the cluster at {@code bootstrapServers} ({@code host:port[,host:port...]}) with rlplay's defaults. */
    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, new LinkedHashMap<>());
    }

    /**
     * Settings from a Java properties file, as Kafka's own tools take ({@code --command-config}); it must
     * hold {@code bootstrap.servers}.
     *
     * @throws UncheckedIOException if the file cannot be read
     */
    public static KafkaSettings load(Path file) {
        return load(file, null);
    }

    /**
     * Settings from a Java properties file, with {@code bootstrapServers} (if not null) over the
     * file's {@code bootstrap.servers}: a command line's {@code --bootstrap} with a {@code --kafka-config}.
     *
     * @throws UncheckedIOException if the file cannot be read
     */
    public static KafkaSettings load(Path file, String bootstrapServers) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka client properties " + file + ": " + e, e);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            map.put(key, p.getProperty(key));
        }
        String fromFile = map.remove(BOOTSTRAP);
        String bootstrap = bootstrapServers != null ? bootstrapServers : fromFile;
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("no bootstrap servers: " + file + " has no " + BOOTSTRAP
                    + " and none was given");
        }
        return of(bootstrap).with(map);
    }

    /** A copy with one more client property ({@code bootstrap.servers} replaces the bootstrap servers). */
    public KafkaSettings with(String key, String value) {
        return with(Map.of(key, value));
    }

    /** A copy with more client properties, which replace earlier values of the same keys. */
    public KafkaSettings with(Map<String, String> more) {
        String bootstrap = bootstrapServers;
        Map<String, String> next = new LinkedHashMap<>(properties);
        for (Map.Entry<String, String> e : more.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isBlank() || e.getValue() == null) {
                throw new IllegalArgumentException("client property '" + key + "' needs a key and a value");
            }
            if (key.equals(BOOTSTRAP)) {
                bootstrap = e.getValue();
                continue;
            }
            Client addressed = Client.addressedBy(key);
            if (addressed != null && key.substring(addressed.prefix.length()).equals(BOOTSTRAP)) {
                throw new IllegalArgumentException(key + ": every client uses the same " + BOOTSTRAP);
            }
            next.put(key, e.getValue());
        }
        return new KafkaSettings(bootstrap, next);
    }

    /**
     * A copy whose clients allow records of up to {@code bytes}: the producer's {@code max.request.size}
     * and {@code buffer.memory} (at least four such records), the consumer's
     * {@code max.partition.fetch.bytes}. Give the same value to the topics
     * ({@link TopicSpec#withMaxRecordBytes}); rlplay's collectors and learner do so when they create
     * the topics from these settings. An existing topic keeps its {@code max.message.bytes}.
     */
    public KafkaSettings withMaxRecordBytes(int bytes) {
        if (bytes < 1 << 20) {
            throw new IllegalArgumentException("the record limit must be at least 1 MiB, got " + bytes);
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("producer." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(bytes));
        m.put("producer." + ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(64L << 20, 4L * bytes)));
        m.put("consumer." + ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                Long.toString(Math.min(Integer.MAX_VALUE, (long) bytes + BATCH_OVERHEAD_BYTES)));
        return with(m);
    }

    /** The largest record the producer sends: its {@code max.request.size} ({@link #MAX_RECORD_BYTES} by default). */
    public int maxRecordBytes() {
        return Integer.parseInt(String.valueOf(producerConfig().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)));
    }

    /** {@code host:port[,host:port...]}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client properties as given (without {@code bootstrap.servers}), in the order given. */
    public Map<String, String> properties() {
        return properties;
    }

    /** A new producer configuration: rlplay's defaults, then the properties for the producer. */
    public Map<String, Object> producerConfig() {
        return config(Client.PRODUCER, PRODUCER_DEFAULTS);
    }

    /** A new consumer configuration for consumer group {@code groupId} (which wins over a {@code group.id} property). */
    public Map<String, Object> consumerConfig(String groupId) {
        Map<String, Object> c = config(Client.CONSUMER, CONSUMER_DEFAULTS);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        return c;
    }

    /** A new admin client configuration: the properties for the admin client. */
    public Map<String, Object> adminConfig() {
        return config(Client.ADMIN, Map.of());
    }

    private Map<String, Object> config(Client client, Map<String, String> defaults) {
        Map<String, Object> c = new LinkedHashMap<>(defaults);
        c.put(BOOTSTRAP, bootstrapServers);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            if (Client.addressedBy(key) == null && (client.knows(key) || !Client.anyKnows(key))) {
                c.put(key, e.getValue());
            }
        }
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (Client.addressedBy(e.getKey()) == client) {
                c.put(e.getKey().substring(client.prefix.length()), e.getValue());
            }
        }
        return c;
    }

    /** The bootstrap servers and the properties, with passwords, keys and JAAS configs hidden. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "KafkaSettings{", "}");
        j.add(BOOTSTRAP + "=" + bootstrapServers);
        properties.forEach((k, v) -> j.add(k + "=" + (secret(k) ? "[hidden]" : v)));
        return j.toString();
    }

    private static boolean secret(String key) {
        Client addressed = Client.addressedBy(key);
        String bare = addressed == null ? key : key.substring(addressed.prefix.length());
        for (Client c : Client.values()) {
            ConfigDef.ConfigKey k = c.def.configKeys().get(bare);
            if (k != null && k.type == ConfigDef.Type.PASSWORD) {
                return true;
            }
        }
        String lower = bare.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("jaas");
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
