package org.rlplay.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rlplay.kafka.BrokerCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code rlplay broker}: a single-node Kafka broker (KRaft) in the foreground for {@code --mode kafka}
 * and {@code rlplay collector}, from the Kafka jars on the class path; the options are
 * {@link BrokerCommand}'s. Runs on the calling thread until Ctrl-C.
 */
@Command(name = "broker", description = {"Run a single-node Kafka broker in the foreground (Ctrl-C stops it).",
    "rlplay broker [--dir runs/broker] [--host 127.0.0.1] [--port 9092] [--controller-port 9093] [--verbose];"
            + " --help prints every option."})
public final class BrokerCli implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return BrokerCommand.run(args.toArray(new String[0]));
    }
}
