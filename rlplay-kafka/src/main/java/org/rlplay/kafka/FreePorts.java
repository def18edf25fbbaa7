package org.rlplay.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports for brokers started with port 0. A port is free when the operating system hands it
 * out for an ephemeral bind; it is released again before the broker binds it, so another process can
 * take it in between: {@link KafkaBroker} checks the ports just before it launches the broker and
 * retries with new ports when the broker reports the address in use. Within this JVM, no port is handed out twice, so brokers started side by side never collide.
 */
final class FreePorts {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port that was free on {@code host} just now and that this JVM has not handed out before. */
    static int pick(String host) {
        try {
            InetAddress address = BrokerConfig.isWildcard(host) ? null : InetAddress.getByName(host);
            for (int attempt = 0; attempt < 100; attempt++) {
                try (ServerSocket s = new ServerSocket(0, 1, address)) {
                    int port = s.getLocalPort();
                    if (HANDED_OUT.add(port)) {
                        return port;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException("no free port on " + host + " after 100 attempts");
    }

    /** Whether a server socket can bind {@code host:port} right now (with SO_REUSEADDR, as the broker binds). */
    static boolean isFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(BrokerConfig.isWildcard(host) ? null : InetAddress.getByName(host), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
