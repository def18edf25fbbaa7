package org.rlplay.examples.cli;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rlplay.actor.Actor;
import org.rlplay.env.space.Space;
import org.rlplay.examples.Algorithm;
import org.rlplay.examples.Algorithms;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.train.Checkpoint;
import org.rlplay.examples.train.Evaluation;
import org.rlplay.examples.train.Networks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay eval}: loads a checkpoint (a checkpoint directory, or a run directory for its
 * newest), runs whole episodes with the greedy policy and prints the mean return. Runs on the
 * calling thread; owns and closes the networks and envs it opens.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run greedy episodes from a checkpoint and report the mean return.")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A checkpoint directory, or a run directory (its newest checkpoint).")
    Path checkpoint;

    @Option(names = "--episodes", defaultValue = "100", description = "Episodes to run (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--envs", defaultValue = "10", description = "Envs stepped together (default: ${DEFAULT-VALUE}).")
    int numEnvs;

    @Option(names = "--seed", defaultValue = "12345", description = "Seed of the evaluation envs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--env", description = "Evaluate on this env instead of the one trained on (same spaces).")
    String env;

    @Override
    public Integer call() {
        Cli.require(episodes >= 1, "--episodes must be >= 1, got " + episodes);
        Cli.require(numEnvs >= 1, "--envs must be >= 1, got " + numEnvs);
        Checkpoint c = Checkpoint.open(checkpoint);
        return eval(Algorithms.get(c.state().algo(), () -> Envs.spaces(c.state().env())[1]), c);
    }

    private <H extends Record> int eval(Algorithm<H> a, Checkpoint c) {
        H h = c.hyperparameters(a.hyperparameterType());
        String envId = env != null ? env : c.state().env();
        Space[] spaces = Envs.spaces(envId);
        PrintWriter out = spec.commandLine().getOut();
        Engine.getInstance().setRandomSeed((int) seed);
        long start = System.nanoTime();
        Evaluation.Result r;
        try (Networks nets = a.networks(h, spaces[0], spaces[1])) {
            c.restore(nets);
            try (Actor actor = a.greedyActor(h, nets, spaces[1])) {
                r = Evaluation.run(envId, actor, episodes, numEnvs, seed);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("eval %s on %s from %s (%,d env-steps of training)%n", a.name(), envId, c.dir(), c.state().envSteps());
        out.printf("  %d greedy episodes, seed %d: mean return %.2f +- %.2f (min %.1f, max %.1f), mean length %.1f,"
                + " %.1f s%n", r.episodes(), seed, r.meanReturn(), r.stdReturn(), r.minReturn(), r.maxReturn(),
                r.meanLength(), seconds);
        out.flush();
        return 0;
    }
}
