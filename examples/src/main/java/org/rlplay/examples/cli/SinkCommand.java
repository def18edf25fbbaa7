package org.rlplay.examples.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.fragment.FragmentSpec;
import org.rlplay.kafka.KafkaRollouts;
import org.rlplay.kafka.KafkaSettings;
import org.rlplay.kafka.ReplayStart;
import org.rlplay.record.DatasetInfo;
import org.rlplay.record.Recorder;
import org.rlplay.rollout.Rollout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code rlplay sink}: replays the fragments a Kafka topic holds (what collector processes sent, from
 * its beginning, an offset or a time, up to its end when the command starts) into a Parquet dataset
 * that every offline tool and the Spark jobs read. The fragment layout is the collectors' (env, envs,
 * T). Runs on the calling thread.
 */
@Command(name = "sink", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write the fragments of a Kafka topic into a Parquet dataset.")
public final class SinkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "The Kafka broker.")
    String bootstrap;

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Client properties (TLS, SASL, ...).")
    Path kafkaConfig;

    @Option(names = "--topic", defaultValue = KafkaRollouts.FRAGMENTS_TOPIC,
            description = "The fragments topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--env", required = true, description = "The collectors' native env id.")
    String env;

    @Option(names = "--envs", required = true, description = "The collectors' envs per fragment (their --envs).")
    int envs;

    @Option(names = {"-T", "--length"}, defaultValue = "128", description = "The collectors' fragment length"
            + " (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--from", defaultValue = "beginning", paramLabel = "beginning|offset:N|time:ISO-8601",
            description = "Where to start reading the topic (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--out", required = true, description = "The dataset directory (created, or appended to).")
    Path out;

    @Override
    public Integer call() {
        UsageException.require(envs >= 1 && length >= 1, "--envs and -T must be >= 1");
        UsageException.require(EnvRegistry.contains(env), "--env " + env + ": collectors step native envs; known: "
                + EnvRegistry.ids());
        ReplayStart start = start(from);
        FragmentSpec layout;
        try (VecEnv probe = EnvRegistry.makeVec(env, 1)) {
            layout = new FragmentSpec(length, envs, probe.observationSpace(), probe.actionSpace(), probe.infoKeys(), true);
        }
        KafkaSettings settings = kafkaConfig != null ? KafkaSettings.load(kafkaConfig, bootstrap) : KafkaSettings.of(bootstrap);
        DatasetInfo info = DatasetInfo.of(env, 0, envs).with("source", "kafka:" + topic + " from " + from);
        long fragments = 0;
        long steps;
        try (Rollout sink = Recorder.wrap(KafkaRollouts.replay(settings, layout, topic, start), out, info)) {
            while (sink.hasNext()) {
                sink.next();
                fragments++;
            }
            steps = sink.envSteps();
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("rlplay sink: wrote " + fragments + " fragments (" + steps + " env steps) of " + topic + " into " + out);
        w.flush();
        return 0;
    }

    private static ReplayStart start(String from) {
        if (from.equals("beginning")) {
            return ReplayStart.beginning();
        }
        try {
            if (from.startsWith("offset:")) {
                return ReplayStart.offset(Long.parseLong(from.substring("offset:".length())));
            }
            if (from.startsWith("time:")) {
                return ReplayStart.time(Instant.parse(from.substring("time:".length())));
            }
        } catch (RuntimeException e) {
            throw new UsageException("--from " + from + ": " + e.getMessage());
        }
        throw new UsageException("--from " + from + ": expected beginning, offset:N or time:ISO-8601"
                + " (e.g. time:2026-12-01T00:00:00Z)");
    }
}
