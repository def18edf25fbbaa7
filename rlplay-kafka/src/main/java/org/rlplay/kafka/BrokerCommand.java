package org.rlplay.kafka;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code rlplay broker}: runs a single-node {@link KafkaBroker} in the foreground until SIGINT
 * (Ctrl-C) or SIGTERM, so that collectors and a learner on this machine (or others, with
 * {@code --host 0.0.0.0 --advertised-host NAME}) have a broker without installing Kafka.
 *
 * <pre>
 * rlplay broker [--dir DIR] [--host HOST] [--advertised-host NAME] [--port PORT]
 *               [--controller-port PORT] [--cluster-id ID] [--verbose]
 * </pre>
 * Defaults: {@code --dir runs/broker} (relative to the working directory, beside the training runs),
 * {@code --host 127.0.0.1}, {@code --port 9092}, {@code --controller-port 9093}; port 0 picks a free
 * one. Restarting on the same directory keeps the topics, the records and the committed offsets.
 *
 * <p>Once the broker serves clients it prints one line to standard output,
 * {@code rlplay broker: ready at HOST:PORT (pid P, cluster C, dir D, log L); Ctrl-C stops it}, and
 * waits. On SIGINT/SIGTERM a shutdown hook stops the broker cleanly (bounded) and the command ends;
 * if the broker dies on its own the command says so and exits with 1. Errors are one line on
 * standard error ({@code --verbose} adds the broker's log tail); exit code 1 for a broker that could
 * not start, 2 for bad arguments. Call {@link #run} from a command-line framework, or {@link #main}.
 */
public final class BrokerCommand {
    private static final String USAGE = "usage: rlplay broker [--dir DIR] [--host HOST] [--advertised-host NAME]"
            + " [--port PORT] [--controller-port PORT] [--cluster-id ID] [--verbose]";

    private BrokerCommand() {
    }

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Parses {@code args}, runs the broker in the foreground on the calling thread, and returns the
     * exit code when the broker has ended (or at once, for bad arguments or a failed start).
     */
    public static int run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        BrokerConfig.Builder b;
        boolean verbose = false;
        try {
            Path dir = Path.of("runs", "broker");
            String host = null;
            String advertised = null;
            int port = 9092;
            int controllerPort = 9093;
            String clusterId = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (name.equals("--help") || name.equals("-h")) {
                    out.println(USAGE);
                    return 0;
                }
                if (name.equals("--verbose")) {
                    verbose = true;
                    continue;
                }
                String value;
                if (arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                switch (name) {
                    case "--dir" -> dir = Path.of(value);
                    case "--host" -> host = value;
                    case "--advertised-host" -> advertised = value;
                    case "--port" -> port = parsePort(name, value);
                    case "--controller-port" -> controllerPort = parsePort(name, value);
                    case "--cluster-id" -> clusterId = value;
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            b = BrokerConfig.builder(dir).port(port).controllerPort(controllerPort).clusterId(clusterId)
                    .advertisedHost(advertised);
            if (host != null) {
                b.host(host);
            }
            return serve(b.build(), verbose, out, err);
        } catch (IllegalArgumentException e) {
            err.println("rlplay broker: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
    }

    /** Runs a broker with {@code config} in the foreground; see the class documentation. */
    static int serve(BrokerConfig config, boolean verbose, PrintStream out, PrintStream err) {
        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(config);
        } catch (BrokerException e) {
            err.println("rlplay broker: " + (verbose ? e.getMessage() : e.headline()));
            return 1;
        }
        Thread hook = new Thread(() -> {
            broker.close();
            out.println("rlplay broker: stopped");
        }, "rlplay-broker-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("rlplay broker: ready at " + broker.bootstrapServers() + " (pid " + broker.pid() + ", cluster "
                + broker.clusterId() + ", dir " + broker.dir() + ", log " + broker.logFile() + "); Ctrl-C stops it");
        out.flush();
        int code;
        try {
            code = broker.awaitExit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return 0; // SIGINT or SIGTERM: the JVM is shutting down and the hook stops the broker
        }
        err.println(code == -1 ? "rlplay broker: interrupted; stopping the broker"
                : "rlplay broker: the broker exited on its own (exit code " + code + "); see " + broker.logFile());
        broker.close();
        return 1;
    }

    private static int parsePort(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a port number, got '" + value + "'");
        }
    }
}
