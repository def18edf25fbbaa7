package org.rlplay.kafka;

import java.io.IOException;
import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * The main class of the broker's child JVM, started by {@link BrokerProcess}: formats the log
 * directory if it is new ({@code kafka-storage format --ignore-formatted}) and runs the broker
 * ({@code kafka-server-start}), both through Kafka's own command-line entry points, so the broker runs
 * exactly as Kafka's scripts would run it.
 *
 * <p>Arguments: the {@code broker.properties} file and the cluster id to format a new directory with.
 * A daemon thread reads standard input; at end of file (the parent closed the pipe to stop the
 * broker, or the parent died) it exits the JVM, which runs Kafka's shutdown hook: a clean shutdown.
 */
final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: BrokerMain BROKER_PROPERTIES CLUSTER_ID");
            System.exit(2);
        }
        exitAtEndOfInput();
        int code;
        try {
            code = StorageTool.execute(new String[] {"format", "--config", args[0], "--cluster-id", args[1],
                "--ignore-formatted"}, System.out);
        } catch (RuntimeException e) {
            System.err.println("rlplay broker: formatting the log directory failed: " + e.getMessage());
            code = 1;
        }
        if (code != 0) {
            System.exit(code);
        }
        Kafka.main(new String[] {args[0]});
    }

    private static void exitAtEndOfInput() {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nobody writes; only the end of the stream matters
                }
            } catch (IOException e) {
                System.err.println("rlplay broker: reading standard input failed: " + e);
            }
            System.out.println("rlplay broker: standard input closed (stop requested or parent gone); shutting down");
            System.exit(0);
        }, "rlplay-stdin-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
