package org.rlplay.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * Settings of a {@link KafkaBroker}: where it keeps its data, where it listens and how its child JVM
 * is launched. Build with {@link #builder(Path)}; immutable.
 *
 * @param dir            the broker's directory, created if absent: {@code broker.properties}, the
 *                       log {@code broker.log} and the Kafka log directory {@code data/}, formatted
 *                       on first start. Reusing a directory restarts the same broker with its topics,
 *                       records and committed offsets
 * @param host           the address the client listener binds to and, unless {@code advertisedHost}
 *                       is set, advertises to clients; default {@code 127.0.0.1}. A wildcard
 *                       ({@code 0.0.0.0}, {@code ::}) needs an {@code advertisedHost}
 * @param advertisedHost the host name clients are told to connect to; default {@code host}
 * @param port           the client listener's port; 0 (default) picks a free one at the first start
 *                       and keeps it for every restart of this broker object
 * @param controllerPort the KRaft controller listener's port, bound on 127.0.0.1 (only this node
 *                       talks to its controller); 0 (default) picks a free one like {@code port}
 * @param clusterId      the cluster id a fresh directory is formatted with (a Kafka UUID string as
 *                       {@code kafka-storage random-uuid} prints), or null (default) for a random one.
 *                       A directory formatted before keeps its id; a different one here is an error
 * @param jvmOptions     options of the child JVM; default {@link #DEFAULT_JVM_OPTIONS}, small and
 *                       quick to start
 * @param brokerProperties Kafka broker properties applied over rlplay's (see {@link KafkaBroker}); the
 *                       properties that rlplay derives from the fields above (listeners, roles, node
 *                       id, quorum, log directories) cannot be overridden
 * @param classpath      the child JVM's class path; default this JVM's {@code java.class.path}, which
 *                       holds the broker jars ({@code org.apache.kafka:kafka_2.13} and its dependencies)
 *                       wherever {@code rlplay-kafka} is a dependency
 * @param startTimeout   how long {@link KafkaBroker#start} and {@link KafkaBroker#restart} wait for
 *                       the broker to serve clients before they kill it and fail; default 120 s
 * @param stopTimeout    how long a graceful stop may take before the child is killed; default 15 s
 * @param sasl           the one user of a {@code SASL_PLAINTEXT} client listener with mechanism
 *                       {@code PLAIN}, or null (default) for a {@code PLAINTEXT} listener. For tests of
 *                       the clients' SASL settings on one machine: PLAIN over plain text sends the
 *                       password in the clear, and {@code broker.properties} holds it
 */
public record BrokerConfig(Path dir, String host, String advertisedHost, int port, int controllerPort,
        String clusterId, List<String> jvmOptions, Map<String, String> brokerProperties, String classpath,
        Duration startTimeout, Duration stopTimeout, SaslUser sasl) {

    /**
     * The user of a SASL/PLAIN listener ({@link Builder#saslPlain}).
     *
     * @param name     the user name, without quotes or spaces
     * @param password the password, without quotes
     */
    public record SaslUser(String name, String password) {
        public SaslUser {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("SASL user name must be [A-Za-z0-9._-]+, got '" + name + "'");
            }
            if (password == null || password.isEmpty() || password.contains("\"") || password.contains("\\")) {
                throw new IllegalArgumentException("SASL password must be non-empty, without quotes or backslashes");
            }
        }

        /** The JAAS configuration of a client logging in as this user. */
        public String clientJaas() {
            return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + name
                    + "\" password=\"" + password + "\";";
        }

        @Override
        public String toString() {
            return "SaslUser[" + name + ", password hidden]";
        }
    }

    /**
     * The default options of the broker's JVM, separated by spaces: a 256 MiB heap, the serial
     * collector (no GC threads competing for the cores), exit on out-of-memory instead of limping on,
     * and the C1 compiler only, which starts a broker in about half the time of C1 and C2 on a busy
     * two-core machine (5 s instead of 10 s, measured); the broker's work is mostly I/O, copying and
     * CRC32C, which are intrinsics either way.
     */
    public static final String DEFAULT_JVM_OPTIONS = "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
            + " -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true";

    /** Broker properties that rlplay sets from the fields of this record. */
    static final Set<String> DERIVED_PROPERTIES = Set.of("process.roles", "node.id", "listeners",
            "advertised.listeners", "controller.listener.names", "controller.quorum.voters",
            "controller.quorum.bootstrap.servers", "inter.broker.listener.name", "log.dir", "log.dirs",
            "metadata.log.dir");

    /** Checks the settings and makes {@code dir} absolute; fills {@code advertisedHost} from {@code host}. */
    public BrokerConfig {
        if (dir == null) {
            throw new IllegalArgumentException("the broker directory must be given");
        }
        dir = dir.toAbsolutePath().normalize();
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (advertisedHost == null) {
            if (isWildcard(host)) {
                throw new IllegalArgumentException("host " + host + " listens on every interface: set the"
                        + " host name clients should connect to as advertisedHost");
            }
            advertisedHost = host;
        } else if (advertisedHost.isBlank() || isWildcard(advertisedHost)) {
            throw new IllegalArgumentException("advertisedHost must be a host name clients can reach, got '"
                    + advertisedHost + "'");
        }
        checkPort("port", port);
        checkPort("controllerPort", controllerPort);
        if (port != 0 && port == controllerPort) {
            throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
        }
        if (clusterId != null) {
            try {
                Uuid.fromString(clusterId);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("clusterId '" + clusterId + "' is not a Kafka UUID (22"
                        + " base64 characters, as `kafka-storage random-uuid` prints)", e);
            }
        }
        jvmOptions = List.copyOf(jvmOptions);
        brokerProperties = Map.copyOf(brokerProperties);
        for (String key : brokerProperties.keySet()) {
            if (DERIVED_PROPERTIES.contains(key)) {
                throw new IllegalArgumentException("broker property " + key
                        + " is set by rlplay from host, port and dir; set those instead");
            }
        }
        if (classpath == null || classpath.isBlank()) {
            throw new IllegalArgumentException("the broker's class path must not be blank");
        }
        checkPositive("startTimeout", startTimeout);
        checkPositive("stopTimeout", stopTimeout);
    }

    /** The defaults, for a broker in {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be in [0, 65535], got " + port);
        }
    }

    private static void checkPositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Builder of {@link BrokerConfig}. */
    public static final class Builder {
        private final Path dir;
        private String host = "127.0.0.1";
        private String advertisedHost;
        private int port;
        private int controllerPort;
        private String clusterId;
        private List<String> jvmOptions = List.of(DEFAULT_JVM_OPTIONS.split(" "));
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private String classpath = System.getProperty("java.class.path");
        private Duration startTimeout = Duration.ofSeconds(120);
        private Duration stopTimeout = Duration.ofSeconds(15);
        private SaslUser sasl;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** The address the client listener binds to (and advertises, unless {@link #advertisedHost}). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The host name clients are told to connect to. */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost;
            return this;
        }

        /** The client listener's port, 0 for a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The controller listener's port, 0 for a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = controllerPort;
            return this;
        }

        /** The cluster id of a fresh directory, null for a random one. */
        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        /** Replaces the child JVM's options. */
        public Builder jvmOptions(List<String> jvmOptions) {
            this.jvmOptions = jvmOptions;
            return this;
        }

        /** Sets one Kafka broker property over rlplay's. */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(key, value);
            return this;
        }

        /** The child JVM's class path. */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        /** How long start and restart wait for the broker to serve clients. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** How long a graceful stop may take before the child is killed. */
        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = stopTimeout;
            return this;
        }

        /** A {@code SASL_PLAINTEXT} client listener (mechanism {@code PLAIN}) with this one user. */
        public Builder saslPlain(String user, String password) {
            this.sasl = new SaslUser(user, password);
            return this;
        }

        /** The settings, checked. */
        public BrokerConfig build() {
            return new BrokerConfig(dir, host, advertisedHost, port, controllerPort, clusterId, jvmOptions,
                    brokerProperties, classpath, startTimeout, stopTimeout, sasl);
        }
    }
}
