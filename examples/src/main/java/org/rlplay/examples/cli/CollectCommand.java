package org.rlplay.examples.cli;

import static org.rlplay.examples.usage.UsageException.require;

import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.algos.policy.ObservationEncoder;
import org.rlplay.env.space.Discrete;
import org.rlplay.env.space.Space;
import org.rlplay.examples.envs.EnvSpec;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.train.ActorRollouts;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.RolloutMode;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.EpisodeWindow;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay collect}: runs the engine on an env (native or Gymnasium) with a freshly initialised DJL MLP
 * categorical actor (no learning) and prints throughput and episode statistics. Runs on the
 * calling thread; owns the networks and the rollout it opens and closes them before returning.
 */
@Command(name = "collect", mixinStandardHelpOptions = true,
        description = "Run the engine with a DJL MLP actor (no learning); print env-steps/s and episode statistics.")
public final class CollectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--env", defaultValue = "CartPole-v1", description = "Env id, native or gym:<id> (default:"
            + " ${DEFAULT-VALUE}).")
    String env;

    @Option(names = "--kwarg", paramLabel = "KEY=VALUE", description = "A keyword argument of gymnasium.make for a"
            + " gym:<id> env, the value as JSON, e.g. --kwarg is_slippery=false (repeatable).")
    List<String> kwargs = new ArrayList<>();

    @Option(names = "--envs", defaultValue = "64", description = "Number of envs N (default: ${DEFAULT-VALUE}).")
    int numEnvs;

    @Option(names = {"-T", "--length"}, defaultValue = "128", description = "Fragment length T (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--steps", defaultValue = "1000000", description = "Env steps to collect (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of envs, weights and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--hidden", split = ",", defaultValue = "64,64", description = "Hidden layer widths of the MLP (default: ${DEFAULT-VALUE}).")
    int[] hidden;

    @Option(names = "--mode", defaultValue = "same", description = "Rollout mode: same, single or multi (default: ${DEFAULT-VALUE}).")
    RolloutMode mode;

    @Option(names = "--collectors", defaultValue = "2", description = "Collector threads in --mode multi (default: ${DEFAULT-VALUE}).")
    int collectors;

    @Override
    public Integer call() {
        require(numEnvs >= 1, "--envs must be >= 1, got " + numEnvs);
        require(length >= 1, "--length must be >= 1, got " + length);
        require(steps >= 1, "--steps must be >= 1, got " + steps);
        for (int h : hidden) {
            require(h >= 1, "--hidden: widths must be >= 1, got " + Arrays.toString(hidden));
        }
        ActorRollouts.checkCollectors(mode, collectors, numEnvs);
        EnvSpec envSpec = EnvSpec.parse(env, kwargs);
        Space[] spaces = Envs.spaces(envSpec);
        if (!(spaces[1] instanceof Discrete actions) || actions.start() != 0) {
            throw new UsageException("--env " + env + ": collect drives a categorical actor, which needs a"
                    + " Discrete(n) action space starting at 0; this env has " + spaces[1]);
        }
        ObservationEncoder encoder;
        try {
            encoder = ObservationEncoder.of(spaces[0]);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--env " + env + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Engine.getInstance().setRandomSeed((int) seed);
        EpisodeWindow last100 = new EpisodeWindow(100);
        long episodes = 0;
        double returnSum = 0;
        long lengthSum = 0;
        try (Networks nets = policy(spaces[0], actions.n())) {
            RolloutConfig config = RolloutConfig.builder().length(length).seed(seed).build();
            long start;
            long collected;
            try (Rollout rollout = ActorRollouts.open(mode, collectors, envSpec, numEnvs, config, nets, "policy",
                    () -> policy(spaces[0], actions.n()),
                    (block, c) -> new CategoricalActor(block, actions.n(), seed + c, false))) {
                start = System.nanoTime();
                while (rollout.envSteps() < steps) {
                    Fragment f = rollout.next();
                    Episodes e = f.episodes();
                    last100.addAll(e);
                    for (int i = 0; i < e.count(); i++) {
                        episodes++;
                        returnSum += e.episodeReturn(i);
                        lengthSum += e.length(i);
                    }
                }
                collected = rollout.envSteps();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("collect %s: mode %s, N=%d, T=%d, actor DJL MLP %d-%s-%d (sampling), seed %d%n", envSpec,
                    mode.label() + (mode == RolloutMode.MULTI ? " (" + collectors + " collectors)" : ""), numEnvs, length,
                    encoder.width(), joined(hidden), actions.n(), seed);
            out.printf("  env-steps   %,d in %.2f s: %,.0f env-steps/s%n", collected, seconds, collected / seconds);
            out.printf("  episodes    %,d finished: mean return %.2f, mean length %.1f%n", episodes,
                    episodes == 0 ? Double.NaN : returnSum / episodes,
                    episodes == 0 ? Double.NaN : (double) lengthSum / episodes);
            out.printf("  last %d     mean return %.2f, mean length %.1f%n", last100.size(), last100.meanReturn(),
                    last100.meanLength());
            out.flush();
        }
        return 0;
    }

    private Networks policy(Space observations, int numActions) {
        Networks nets = new Networks();
        nets.add("policy", Mlp.of(observations, numActions, true, hidden), ObservationEncoder.inputShape(observations, 1));
        return nets;
    }

    private static String joined(int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            b.append(i == 0 ? "" : "-").append(widths[i]);
        }
        return b.toString();
    }
}
