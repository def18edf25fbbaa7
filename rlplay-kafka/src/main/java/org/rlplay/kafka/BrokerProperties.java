package org.rlplay.kafka;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code broker.properties} of a single-node KRaft broker, rendered from a {@link BrokerConfig}
 * and the ports in use. The defaults are listed in {@link KafkaBroker}'s documentation.
 */
final class BrokerProperties {
    /** The node id of the single node, broker and controller at once. */
    static final int NODE_ID = 1;
    /** The controller listener always binds to loopback: only this node talks to its controller. */
    static final String CONTROLLER_HOST = "127.0.0.1";

    private BrokerProperties() {
    }

    /** The properties, in a stable order: rlplay's, then the config's overrides. */
    static Map<String, String> of(BrokerConfig config, int port, int controllerPort, Path logDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + CONTROLLER_HOST + ":" + controllerPort);
        String client = config.sasl() == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        p.put("listeners", client + "://" + hostPart(config.host()) + ":" + port
                + ",CONTROLLER://" + CONTROLLER_HOST + ":" + controllerPort);
        p.put("advertised.listeners", client + "://" + hostPart(config.advertisedHost()) + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", client);
        p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
        if (config.sasl() != null) {
            BrokerConfig.SaslUser u = config.sasl();
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + u.name()
                            + "\" password=\"" + u.password() + "\" user_" + u.name() + "=\"" + u.password() + "\";");
        }
        p.put("log.dirs", logDir.toString());
        // Few threads: the broker shares a small machine with its clients.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("group.coordinator.threads", "1");
        p.put("log.cleaner.threads", "1");
        // The cleaner's dedupe map is allocated up front (Kafka's default: 128 MiB of heap).
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20));
        // rlplay creates its topics itself, with their retention and sizes (TopicAdmin).
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // One node: every internal topic has one replica, and few partitions.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // After a kill, the restarted controller refuses the node's new registration until the old
        // session expires: 4 s instead of Kafka's 9 s, with a heartbeat each second.
        p.put("broker.session.timeout.ms", "4000");
        p.put("broker.heartbeat.interval.ms", "1000");
        // Smaller segments and indexes than Kafka's 1 GiB / 10 MiB defaults; topics set their own.
        p.put("log.segment.bytes", Integer.toString(64 << 20));
        p.put("log.index.size.max.bytes", Integer.toString(1 << 20));
        p.put("log.retention.check.interval.ms", "60000");
        p.putAll(config.brokerProperties());
        return p;
    }

    /** Writes {@code properties} to {@code file} atomically (through a sibling temporary file). */
    static void write(Map<String, String> properties, Path file) throws IOException {
        Properties out = new Properties();
        out.putAll(properties);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.store(w, "written by rlplay's KafkaBroker at each start; edits are overwritten");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** An IPv6 literal in a listener URL needs brackets. */
    private static String hostPart(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
