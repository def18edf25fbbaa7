package org.rlplay.kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;

/**
 * {@code rlplay collector}: one collector process ({@link KafkaCollector}) in the foreground until
 * SIGINT/SIGTERM or {@code --fragments} fragments.
 *
 * <pre>
 * rlplay collector --bootstrap HOST:PORT --env ID --envs N [-T 128] [--id 0] [--seed S]
 *                  [--topic rlplay.fragments] [--weights-topic rlplay.weights] [--weights-key weights]
 *                  [--partitions 1] [--group rlplay-learner] [--max-backlog 8] [--fragments F]
 *                  [--kafka-config FILE] [--sticky] [--no-final-obs] [--verbose]
 * </pre>
 * {@code --env} names an env of the {@link EnvRegistry}; the actor replica comes from the
 * {@link ReplicaFactory} the application passes to {@link #run} (the network is the application's).
 * {@code --kafka-config} is a properties file of client settings (TLS, SASL, ...;
 * {@link KafkaSettings#load(Path, String)}). {@code --seed} defaults to {@code id * N}.
 *
 * <p>Prints one line when it starts sending and one when it ends. Errors are one line on standard
 * error ({@code --verbose} adds the stack trace); exit code 0 after {@code --fragments}, 1 when
 * collecting or sending failed, 2 for bad arguments. On SIGINT/SIGTERM a shutdown hook stops the
 * collector at its next fragment boundary and flushes what it sent (the JVM's exit code is then the
 * signal's, 130/143). {@code --group} and {@code --max-backlog} set the back-pressure
 * ({@link KafkaCollector.Builder#backPressure}).
 */
public final class CollectorCommand {
    private static final String USAGE = "usage: rlplay collector --bootstrap HOST:PORT --env ID --envs N [-T 128]"
            + " [--id 0] [--seed S] [--topic T] [--weights-topic W] [--weights-key K] [--partitions P]"
            + " [--group G] [--max-backlog B] [--fragments F] [--kafka-config FILE] [--sticky] [--no-final-obs] [--verbose]";

    private CollectorCommand() {
    }

    /**
     * Parses {@code args}, runs the collector on the calling thread with the replica {@code replicas}
     * builds, and returns the exit code when it has ended.
     */
    public static int run(String[] args, ReplicaFactory replicas) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        boolean verbose = false;
        String bootstrap = null;
        String env = null;
        int envs = -1;
        int length = 128;
        int id = 0;
        Long seed = null;
        String topic = KafkaRollouts.FRAGMENTS_TOPIC;
        String weightsTopic = KafkaRollouts.WEIGHTS_TOPIC;
        String weightsKey = KafkaRollouts.WEIGHTS_KEY;
        int partitions = 1;
        String group = KafkaRollouts.LEARNER_GROUP;
        int maxBacklog = 8;
        long fragments = -1;
        Path kafkaConfig = null;
        boolean sticky = false;
        boolean finalObs = true;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                switch (name) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    case "--verbose" -> verbose = true;
                    case "--sticky" -> sticky = true;
                    case "--no-final-obs" -> finalObs = false;
                    default -> {
                        String value;
                        if (arg.contains("=")) {
                            value = arg.substring(arg.indexOf('=') + 1);
                        } else if (i + 1 < args.length) {
                            value = args[++i];
                        } else {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        switch (name) {
                            case "--bootstrap" -> bootstrap = value;
                            case "--env" -> env = value;
                            case "--envs" -> envs = parseInt(name, value);
                            case "-T", "--length" -> length = parseInt(name, value);
                            case "--id" -> id = parseInt(name, value);
                            case "--seed" -> seed = parseLong(name, value);
                            case "--topic" -> topic = value;
                            case "--weights-topic" -> weightsTopic = value;
                            case "--weights-key" -> weightsKey = value;
                            case "--partitions" -> partitions = parseInt(name, value);
                            case "--fragments" -> fragments = parseLong(name, value);
                            case "--group" -> group = value;
                            case "--max-backlog" -> maxBacklog = parseInt(name, value);
                            case "--kafka-config" -> kafkaConfig = Path.of(value);
                            default -> throw new IllegalArgumentException("unknown option " + name);
                        }
                    }
                }
            }
            if (bootstrap == null && kafkaConfig == null) {
                throw new IllegalArgumentException("--bootstrap HOST:PORT is required");
            }
            if (env == null || envs < 1) {
                throw new IllegalArgumentException("--env ID and --envs N (>= 1) are required");
            }
            if (!EnvRegistry.contains(env)) {
                throw new IllegalArgumentException("unknown env '" + env + "'; known: " + EnvRegistry.ids());
            }
        } catch (IllegalArgumentException e) {
            err.println("rlplay collector: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Replica replica = null;
        try {
            KafkaSettings settings = kafkaConfig != null ? KafkaSettings.load(kafkaConfig, bootstrap)
                    : KafkaSettings.of(bootstrap);
            VecEnv batch = EnvRegistry.makeVec(env, envs);
            long s = seed != null ? seed : (long) id * envs;
            replica = replicas.create(batch, s);
            KafkaCollector.Builder b = KafkaCollector.builder(settings, batch, replica).id(id).seed(s).length(length)
                    .sticky(sticky).keepFinalObs(finalObs).topic(topic).weights(weightsTopic, weightsKey)
                    .partitions(partitions).maxFragments(fragments).backPressure(group, maxBacklog);
            KafkaCollector collector = b.build();
            Thread hook = new Thread(collector::close, "rlplay-collector-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("rlplay collector " + id + ": sending fragments of " + env + " (N=" + envs + ", T=" + length
                    + ", seed " + s + ") to " + topic + " at " + settings.bootstrapServers());
            out.flush();
            long sent = collector.run();
            out.printf("rlplay collector %d: sent %d fragments (%.1f MB, weights version %d)%n", id, sent,
                    collector.bytesSent() / 1e6, collector.version());
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook has stopped the collector
            }
            return 0;
        } catch (RuntimeException e) {
            err.println("rlplay collector " + id + ": " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        } finally {
            if (replica != null && replica.owner() != null) {
                try {
                    replica.owner().close();
                } catch (Exception e) {
                    err.println("rlplay collector " + id + ": closing the replica: " + e);
                }
            }
        }
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs an integer, got '" + value + "'");
        }
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs an integer, got '" + value + "'");
        }
    }
}
