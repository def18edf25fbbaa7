package org.rlplay.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/**
 * Waits until a starting broker serves clients: its client port accepts connections and a metadata
 * request through an {@link Admin} client lists the node as a live broker (KRaft lists a broker only
 * once the controller has unfenced it). Polls, with the child's liveness checked between polls, so a
 * child that dies is noticed at once. Used by {@link KafkaBroker} on the thread that starts it.
 */
final class ReadinessProbe {
    /** The outcome of {@link #await}. */
    enum Outcome { READY, EXITED, TIMED_OUT }

    private static final long POLL_MILLIS = 100;
    private static final int CALL_MILLIS = 2000;

    private ReadinessProbe() {
    }

    /** Polls until the broker is ready, the child has exited or {@code deadlineNanos} has passed. */
    static Outcome await(BrokerProcess child, String host, int port, Map<String, String> security, long deadlineNanos)
            throws InterruptedException {
        while (!portOpen(host, port)) {
            if (!child.isAlive()) {
                return Outcome.EXITED;
            }
            if (System.nanoTime() > deadlineNanos) {
                return Outcome.TIMED_OUT;
            }
            Thread.sleep(POLL_MILLIS);
        }
        Map<String, Object> config = new java.util.HashMap<>(security);
        config.putAll(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, host + ":" + port,
                AdminClientConfig.CLIENT_ID_CONFIG, "rlplay-broker-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, CALL_MILLIS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, CALL_MILLIS,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, POLL_MILLIS,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500));
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!child.isAlive()) {
                    return Outcome.EXITED;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return Outcome.TIMED_OUT;
                }
                int wait = (int) Math.max(1, Math.min(CALL_MILLIS, TimeUnit.NANOSECONDS.toMillis(left)));
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(wait))
                            .nodes().get(wait, TimeUnit.MILLISECONDS);
                    if (nodes.stream().anyMatch(n -> n.id() == BrokerProperties.NODE_ID)) {
                        return Outcome.READY;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not serving yet
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    private static boolean portOpen(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
