package org.rlplay.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker in KRaft mode (one node that is broker and controller at once),
 * started by rlplay from the Kafka jars on the class path: for tests, and for {@code rlplay broker}
 * on one machine without installing Kafka. {@link #start(BrokerConfig)} formats the directory on
 * first use (as {@code kafka-storage format} does), launches the broker, waits until it serves
 * clients, and returns; {@link #close()} stops it.
 *
 * <h2>A child JVM, not in-process</h2>
 * The broker runs in a JVM of its own (rlplay's {@code BrokerMain} calling Kafka's
 * {@code StorageTool} and {@code kafka.Kafka} entry points, i.e. what {@code kafka-storage.sh} and
 * {@code kafka-server-start.sh} run), because:
 * <ul>
 *   <li>it can fail as a real broker fails: {@link #kill()} is a SIGKILL, and {@link #restart()} on
 *       the same directory goes through Kafka's log recovery, which the fault tests need ("nothing
 *       committed is lost"); an in-process broker can only be shut down cleanly;</li>
 *   <li>its heap, its threads and its static state (metrics, MBeans, Scala objects) stay out of the
 *       learner's or the test's JVM, and its memory is bounded by its own {@code -Xmx};</li>
 *   <li>it uses only Kafka's supported command-line entry points, not its internal server classes,
 *       which change between minor versions.</li>
 * </ul>
 * The cost is one JVM start (about 5 s, up to 10 s on two busy cores) and about 170 MB of memory per
 * broker.
 *
 * <h2>Class path</h2>
 * The child runs with {@link BrokerConfig#classpath()}, by default this JVM's own
 * {@code java.class.path}: {@code rlplay-kafka} depends on {@code org.apache.kafka:kafka_2.13}, so the
 * broker jars are wherever this class is, with nothing to install or download. Under Maven Surefire
 * that is the test class path; for {@code java -jar examples/target/rlplay.jar} it is the jar, whose
 * manifest lists its {@code lib/} directory.
 *
 * <h2>Files in {@link BrokerConfig#dir()}</h2>
 * {@code broker.properties} (rewritten at each start), {@code broker.log} (the child's output,
 * appended; moved to {@code broker.log.1} at a start when it exceeds 32 MiB) and {@code data/}, the
 * Kafka log directory, which holds the cluster id ({@code meta.properties}), the metadata log, the
 * topics and the consumer groups' committed offsets.
 *
 * <h2>Broker properties</h2>
 * Besides the listeners ({@code PLAINTEXT} on {@code host:port}, {@code CONTROLLER} on
 * {@code 127.0.0.1:controllerPort}) and a static one-voter quorum, rlplay sets: two network, two I/O,
 * two background and one group coordinator thread; one log cleaner thread with an 8 MiB dedupe
 * buffer (Kafka allocates 128 MiB by default); no automatic topic creation ({@link TopicAdmin}
 * creates rlplay's topics with their sizes); one replica and one partition for Kafka's internal
 * topics; 64 MiB segments and 1 MiB index files by default (the topics set their own); no initial
 * rebalance delay; a 4 s broker session (Kafka: 9 s) with a heartbeat each second, since after a
 * {@link #kill()} the restarted controller waits for the old session to expire before it takes the
 * node back. Anything else can be set through {@link BrokerConfig#brokerProperties()}. The result is
 * about 75 threads and 170 MB resident.
 *
 * <h2>Threads and failures</h2>
 * Methods may be called from any thread; the lifecycle methods ({@link #start}, {@link #restart},
 * {@link #stop}, {@link #kill}, {@link #close}) are serialized. No thread of this JVM reads the
 * child's output; the log is read from its file when an error needs its tail. Start-up failures are
 * {@link BrokerException}s whose first line names the broker's own error, followed by the log's last
 * lines. Readiness is a client-visible check (the port accepts connections and the broker lists
 * itself as live in a metadata answer), not a sleep. No broker outlives this JVM: it stops when its
 * standard input closes, which happens when this JVM ends in any way, and a shutdown hook stops
 * brokers still running.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final int TAIL_LINES = 40;
    private static final long LOG_ROTATE_BYTES = 32L << 20;
    private static final int START_ATTEMPTS = 3;

    private final BrokerConfig config;
    private final Path dataDir;
    private final Path propertiesFile;
    private final Path logFile;
    private int port;
    private int controllerPort;
    private String clusterId;
    private BrokerProcess child;
    private boolean closed;

    private KafkaBroker(BrokerConfig config) {
        this.config = config;
        this.dataDir = config.dir().resolve("data");
        this.propertiesFile = config.dir().resolve("broker.properties");
        this.logFile = config.dir().resolve("broker.log");
        this.port = config.port();
        this.controllerPort = config.controllerPort();
    }

    /**
     * Formats {@code config.dir()} if it is new, starts the broker and waits until it serves clients.
     *
     * @throws BrokerException if the broker cannot start or is not ready within
     *                         {@link BrokerConfig#startTimeout()}; no child is left running then
     */
    public static KafkaBroker start(BrokerConfig config) {
        KafkaBroker broker = new KafkaBroker(config);
        synchronized (broker) {
            broker.launch(config.port() == 0 || config.controllerPort() == 0);
        }
        return broker;
    }

    /** {@code host:port} of the client listener, as clients should use it. */
    public String bootstrapServers() {
        return config.advertisedHost() + ":" + port();
    }

    /** Client settings that reach this broker, with rlplay's defaults. */
    public KafkaSettings settings() {
        KafkaSettings s = KafkaSettings.of(bootstrapServers());
        return config.sasl() == null ? s : s.with(clientSecurity(config.sasl()));
    }

    /** The client properties that log in as {@code user} over SASL/PLAIN. */
    static Map<String, String> clientSecurity(BrokerConfig.SaslUser user) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", user.clientJaas());
    }

    /** The client listener's port; fixed for the life of this object, across restarts. */
    public synchronized int port() {
        return port;
    }

    /** The controller listener's port (on 127.0.0.1); fixed like {@link #port()}. */
    public synchronized int controllerPort() {
        return controllerPort;
    }

    /** The id of the cluster the directory is formatted for. */
    public synchronized String clusterId() {
        return clusterId;
    }

    /** The broker's directory. */
    public Path dir() {
        return config.dir();
    }

    /** The child's output, appended across restarts. */
    public Path logFile() {
        return logFile;
    }

    /** The settings this broker was started with. */
    public BrokerConfig config() {
        return config;
    }

    /** The process id of the current (or last) child JVM. */
    public synchronized long pid() {
        return child.pid();
    }

    /** Whether the current child JVM is alive. */
    public synchronized boolean isRunning() {
        return child != null && child.isAlive();
    }

    /**
     * Waits until the current child exits, for whatever reason (its own failure, {@link #stop},
     * {@link #kill}, {@link #close}), and returns its exit code; at once if it is not running. For a
     * foreground command that lives as long as its broker.
     */
    public int awaitExit() throws InterruptedException {
        BrokerProcess current;
        synchronized (this) {
            current = child;
        }
        return current.awaitExit();
    }

    /**
     * Kills the child with SIGKILL, as a crash would, without a clean shutdown; {@link #restart()}
     * brings the broker back on the same directory and ports. Bounded (10 s); a no-op if not running.
     */
    public synchronized void kill() {
        if (isRunning()) {
            LOG.info("killing kafka broker (pid {}) with SIGKILL", child.pid());
            child.kill();
        }
    }

    /**
     * Stops the child gracefully (a clean Kafka shutdown), killing it after
     * {@link BrokerConfig#stopTimeout()}; a no-op if not running. Bounded by the stop timeout plus 10 s.
     */
    public synchronized void stop() {
        if (isRunning()) {
            child.stop(config.stopTimeout());
        }
    }

    /**
     * Starts the broker again on the same directory and ports, stopping it first if it is running,
     * and waits until it serves clients. Everything acknowledged with {@code acks=all} before a stop or
     * {@link #kill()} is there after it, and so are committed consumer offsets.
     *
     * @throws BrokerException       as {@link #start} does (the ports are not changed on a restart)
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the broker in " + config.dir() + " is closed");
        }
        stop();
        launch(false);
    }

    /** Stops the broker as {@link #stop()} does; idempotent, never throws, bounded. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (child != null) {
            stop();
            LOG.info("kafka broker in {} stopped ({})", config.dir(), child.describeExit());
        }
    }

    private void launch(boolean mayPickPorts) {
        prepareDirectory();
        for (int attempt = 1; ; attempt++) {
            choosePorts(mayPickPorts);
            long started = System.nanoTime();
            BrokerProcess next = spawn();
            ReadinessProbe.Outcome outcome;
            try {
                outcome = ReadinessProbe.await(next, config.advertisedHost(), port,
                        config.sasl() == null ? Map.of() : clientSecurity(config.sasl()),
                        started + config.startTimeout().toNanos());
            } catch (InterruptedException e) {
                next.kill();
                Thread.currentThread().interrupt();
                throw new BrokerException("interrupted while starting the kafka broker in " + config.dir(), e);
            }
            child = next;
            if (outcome == ReadinessProbe.Outcome.READY) {
                LOG.info("kafka broker ready at {} in {} ms (pid {}, cluster {}, dir {})", bootstrapServers(),
                        (System.nanoTime() - started) / 1_000_000, next.pid(), clusterId, config.dir());
                return;
            }
            if (outcome == ReadinessProbe.Outcome.TIMED_OUT) {
                next.kill();
            }
            List<String> log = next.log().lines();
            if (outcome == ReadinessProbe.Outcome.EXITED && mayPickPorts && attempt < START_ATTEMPTS
                    && BrokerLog.addressInUse(log)) {
                LOG.info("kafka broker ports {}/{} were taken before it bound them; picking others", port,
                        controllerPort);
                port = config.port();
                controllerPort = config.controllerPort();
                continue;
            }
            throw failure(outcome, next, log);
        }
    }

    /**
     * Picks free ports where the config says 0 and checks the others, so that the common mistake (a
     * port held by another broker) fails at once rather than when the broker binds, seconds later.
     */
    private void choosePorts(boolean mayPickPorts) {
        for (int attempt = 0; ; attempt++) {
            if (port == 0) {
                port = FreePorts.pick(config.host());
            }
            if (controllerPort == 0) {
                controllerPort = FreePorts.pick(BrokerProperties.CONTROLLER_HOST);
            }
            String busy = !FreePorts.isFree(config.host(), port) ? config.host() + ":" + port
                    : !FreePorts.isFree(BrokerProperties.CONTROLLER_HOST, controllerPort)
                            ? BrokerProperties.CONTROLLER_HOST + ":" + controllerPort : null;
            if (busy == null) {
                return;
            }
            if (!mayPickPorts || attempt == START_ATTEMPTS) {
                throw new BrokerException("cannot start the kafka broker in " + config.dir() + ": " + busy
                        + " is in use; choose another port or stop what holds it");
            }
            port = config.port();
            controllerPort = config.controllerPort();
        }
    }

    private BrokerException failure(ReadinessProbe.Outcome outcome, BrokerProcess failed, List<String> log) {
        String where = "the kafka broker in " + config.dir();
        String cause = BrokerLog.explanation(log);
        String headline;
        if (outcome == ReadinessProbe.Outcome.EXITED) {
            headline = where + " exited during start-up (" + failed.describeExit() + "): " + cause + ". "
                    + (BrokerLog.addressInUse(log)
                            ? "Port " + port + " or " + controllerPort + " is in use: choose other ports or stop what holds them."
                            : "Fix the cause and start it again.");
        } else {
            headline = where + " did not serve clients at " + bootstrapServers() + " within "
                    + config.startTimeout().toMillis() / 1000.0 + " s and was killed; its last line: "
                    + BrokerLog.tail(log, 1).stream().findFirst().orElse("(no output)")
                    + ". A busy machine may need a longer start timeout.";
        }
        return new BrokerException(headline + " Log: " + logFile + "\n"
                + String.join("\n", BrokerLog.tail(log, TAIL_LINES)));
    }

    private BrokerProcess spawn() {
        Map<String, String> properties = BrokerProperties.of(config, port, controllerPort, dataDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(config.jvmOptions());
        // The child logs through slf4j-simple into broker.log, whatever else is on the class path.
        command.add("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider");
        command.add("-Dorg.slf4j.simpleLogger.logFile=System.out");
        command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        command.add("-Dorg.slf4j.simpleLogger.log.kafka=info");
        command.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info");
        // Every config object logs all its values at INFO: thousands of lines per start.
        command.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.config.AbstractConfig=warn");
        command.add(BrokerMain.class.getName());
        command.add(propertiesFile.toString());
        command.add(clusterId);
        try {
            BrokerProperties.write(properties, propertiesFile);
            BrokerProcess launched = BrokerProcess.launch(command, config.classpath(), logFile);
            LOG.debug("launched kafka broker pid {}: {}", launched.pid(), command);
            return launched;
        } catch (IOException e) {
            throw new BrokerException("cannot launch the kafka broker JVM (" + command.get(0) + ") for "
                    + config.dir() + ": " + e.getMessage(), e);
        }
    }

    /** Creates the directory, rotates a large log and settles the cluster id. */
    private void prepareDirectory() {
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(logFile) && Files.size(logFile) > LOG_ROTATE_BYTES) {
                Files.move(logFile, logFile.resolveSibling("broker.log.1"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker directory " + config.dir() + ": "
                    + e.getMessage(), e);
        }
        String formatted = formattedClusterId();
        if (formatted != null && config.clusterId() != null && !formatted.equals(config.clusterId())) {
            throw new BrokerException("the broker directory " + config.dir() + " belongs to cluster " + formatted
                    + ", not " + config.clusterId() + ": give no cluster id to reuse it, or use another directory");
        }
        clusterId = formatted != null ? formatted
                : config.clusterId() != null ? config.clusterId() : Uuid.randomUuid().toString();
    }

    /** The cluster id in {@code data/meta.properties}, or null if the directory is not formatted. */
    private String formattedClusterId() {
        Path meta = dataDir.resolve("meta.properties");
        if (!Files.exists(meta)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meta + ": " + e.getMessage(), e);
        }
        return p.getProperty("cluster.id");
    }
}
