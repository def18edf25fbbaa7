package org.rlplay.examples.cli;

import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rlplay.examples.Algorithm;
import org.rlplay.examples.Algorithms;
import org.rlplay.examples.train.Hyperparameters;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.kafka.CollectorCommand;
import org.rlplay.kafka.Replica;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code rlplay collector}: one collector process for a learner in {@code --mode kafka}. It builds the
 * behaviour actor of {@code --algo} (its networks with the algorithm's defaults and {@code --set}
 * overrides, so they match the learner's) and runs {@link CollectorCommand} with the other options:
 * envs stepped here, fragments sent through the broker, the learner's weights adopted at fragment
 * boundaries. Runs on the calling thread until Ctrl-C or {@code --fragments F}.
 */
@Command(name = "collector", description = {"Collect fragments for a learner in --mode kafka, in this process.",
    "rlplay collector --algo a2c --bootstrap HOST:PORT --env CartPole-v1 --envs N/C -T T --id I [--set k=v];"
            + " --help prints every option."})
public final class CollectorCli implements Callable<Integer> {
    @Option(names = "--algo", defaultValue = "a2c", description = "The learner's algorithm: a2c or ppo"
            + " (default: ${DEFAULT-VALUE}).")
    String algo;

    @Option(names = "--env", description = "A native env id, as the learner's --env.")
    String env;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "The learner's hyperparameter overrides.")
    Map<String, String> sets = new LinkedHashMap<>();

    @Unmatched
    List<String> rest = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>(rest);
        if (env != null) {
            args.add("--env");
            args.add(env);
        }
        if (env == null || rest.contains("--help") || rest.contains("-h")) {
            return CollectorCommand.run(args.toArray(new String[0]), null);
        }
        return run(Algorithms.get(algo), args);
    }

    private <H extends Record> int run(Algorithm<H> a, List<String> args) {
        if (a.behaviourBlock() == null) {
            throw new UsageException("--algo " + a.name() + ": its behaviour follows the learner's schedule and cannot"
                    + " collect in another process; use a2c or ppo");
        }
        H h = Hyperparameters.override(a.defaults(env), sets);
        return CollectorCommand.run(args.toArray(new String[0]), (envs, seed) -> {
            Engine.getInstance().setRandomSeed((int) seed);
            Networks nets = a.networks(h, envs.observationSpace(), envs.actionSpace());
            Block block = nets.get(a.behaviourBlock());
            return new Replica(a.behaviourActor(h, block, envs.actionSpace(), seed), block, nets);
        });
    }
}
