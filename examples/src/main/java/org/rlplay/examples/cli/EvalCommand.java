package org.rlplay.examples.cli;

import static org.rlplay.examples.usage.UsageException.require;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rlplay.actor.Actor;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Space;
import org.rlplay.examples.Algorithm;
import org.rlplay.examples.Algorithms;
import org.rlplay.examples.envs.EnvSpec;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.train.Checkpoint;
import org.rlplay.examples.train.Evaluation;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.usage.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay eval}: loads a checkpoint (a checkpoint directory, or a run directory for its
 * newest), runs whole episodes with the greedy policy and prints the mean return. By default on the
 * env the checkpoint was trained on; {@code --env} (with {@code --kwarg}s) picks another one with
 * the same spaces. Runs on the calling thread; owns and closes the networks and envs it opens.
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

    @Option(names = "--kwarg", paramLabel = "KEY=VALUE", description = "With --env gym:<id>: a keyword argument of"
            + " gymnasium.make, the value as JSON (repeatable).")
    List<String> kwargs = new ArrayList<>();

    @Override
    public Integer call() {
        require(episodes >= 1, "--episodes must be >= 1, got " + episodes);
        require(numEnvs >= 1, "--envs must be >= 1, got " + numEnvs);
        require(env != null || kwargs.isEmpty(), "--kwarg goes with --env (the checkpoint's own env keeps its"
                + " keyword arguments)");
        Checkpoint c = Checkpoint.open(checkpoint);
        return eval(Algorithms.get(c.state().algo(), () -> Envs.spaces(c.state().env())[1]), c);
    }

    private <H extends Record> int eval(Algorithm<H> a, Checkpoint c) {
        H h = c.hyperparameters(a.hyperparameterType());
        Checkpoint.State trained = c.state();
        EnvSpec envSpec = env != null ? EnvSpec.parse(env, kwargs) : trained.env();
        Space[] spaces = Envs.spaces(envSpec);
        if (!fits(spaces[0], trained.observationSpace()) || !fits(spaces[1], trained.actionSpace())) {
            throw new UsageException("--env " + envSpec + " has spaces " + brief(spaces[0]) + " -> " + brief(spaces[1])
                    + ", but the checkpoint in " + c.dir() + " was trained on " + trained.env() + ", with "
                    + brief(trained.observationSpace()) + " -> " + brief(trained.actionSpace())
                    + "; evaluate on an env with the same spaces");
        }
        PrintWriter out = spec.commandLine().getOut();
        Engine.getInstance().setRandomSeed((int) seed);
        long start = System.nanoTime();
        Evaluation.Result r;
        try (Networks nets = a.networks(h, spaces[0], spaces[1])) {
            c.restore(nets);
            try (Actor actor = a.greedyActor(h, nets, spaces[1])) {
                r = Evaluation.run(envSpec, actor, episodes, numEnvs, seed);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("eval %s on %s from %s (%,d env-steps of training)%n", a.name(), envSpec, c.dir(), trained.envSteps());
        out.printf("  %d greedy episodes, seed %d: mean return %.2f +- %.2f (min %.1f, max %.1f), mean length %.1f,"
                + " %.1f s%n", r.episodes(), seed, r.meanReturn(), r.stdReturn(), r.minReturn(), r.maxReturn(),
                r.meanLength(), seconds);
        out.flush();
        return 0;
    }

    /** A space without a Box's bounds, e.g. {@code Box[4] float32}. */
    private static String brief(Space space) {
        return space instanceof Box b ? "Box" + java.util.Arrays.toString(b.shape()) + " " + b.elementType().numpyName()
                : space.toString();
    }

    /** Whether a network built for {@code trained} takes {@code other}: the same space, up to a Box's bounds. */
    private static boolean fits(Space other, Space trained) {
        if (other instanceof Box b && trained instanceof Box t) {
            return java.util.Arrays.equals(b.shape(), t.shape());
        }
        return other.equals(trained);
    }
}
