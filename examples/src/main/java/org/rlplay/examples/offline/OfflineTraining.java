package org.rlplay.examples.offline;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.train.Checkpoint;
import org.rlplay.examples.train.Evaluation;
import org.rlplay.examples.train.Hyperparameters;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.record.Dataset;

/**
 * {@code rlplay train --data DIR}: trains an offline algorithm ({@value BehaviourCloning#NAME} or
 * {@value ConservativeDqn#NAME}) from a recorded dataset without touching an env, then evaluates
 * the greedy result on the dataset's env, prints the summary and saves a checkpoint (usable by
 * {@code rlplay ope --checkpoint}). Runs on the caller's thread.
 */
public final class OfflineTraining {
    private OfflineTraining() {
    }

    /** The offline algorithm names. */
    public static String names() {
        return BehaviourCloning.NAME + ", " + ConservativeDqn.NAME;
    }

    /**
     * Runs it.
     *
     * @param algo     {@value BehaviourCloning#NAME} or {@value ConservativeDqn#NAME}
     * @param data     the dataset(s) and partitions to read
     * @param out      the run directory (checkpoints/ goes there)
     * @param seed     seed of weights, sampling and evaluation
     * @param sets     hyperparameter overrides ({@code --set})
     * @param episodes evaluation episodes on the env
     * @return the mean return of the evaluation episodes
     * @throws IllegalArgumentException for an unknown algorithm, bad overrides, or a dataset of an env
     *     this build cannot open
     */
    public static double run(String algo, DataSelection data, Path out, long seed, Map<String, String> sets, int episodes,
                             PrintWriter stdout) {
        Dataset dataset = data.open();
        String envId = dataset.envId();
        dataset.requireSpaces(Envs.spaces(envId)[0], Envs.spaces(envId)[1]);
        int numActions = Layers.discreteActions(dataset.spec().actionSpace(), algo);
        Record h;
        String block;
        long start = System.nanoTime();
        Networks nets;
        stdout.printf("train %s offline from %s (%s, %,d transitions in %d fragments, %d files) -> %s%n", algo,
                data.describe(), envId, dataset.transitions(), dataset.numFragments(), dataset.files().size(), out);
        stdout.flush();
        if (algo.equals(BehaviourCloning.NAME)) {
            BehaviourCloning.Hyperparameters bc = Hyperparameters.override(BehaviourCloning.defaults(), sets);
            stdout.println("hyperparameters: " + Hyperparameters.describe(bc));
            nets = BehaviourCloning.train(dataset, bc, seed, stdout);
            h = bc;
            block = "policy";
        } else if (algo.equals(ConservativeDqn.NAME)) {
            ConservativeDqn.Hyperparameters cql = Hyperparameters.override(ConservativeDqn.defaults(), sets);
            stdout.println("hyperparameters: " + Hyperparameters.describe(cql));
            nets = ConservativeDqn.train(dataset, cql, seed, stdout);
            h = cql;
            block = "q";
        } else {
            throw new IllegalArgumentException("--algo: " + algo + " cannot train from --data; offline algorithms: "
                    + names());
        }
        try (nets) {
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluation.Result r;
            try (CategoricalActor greedy = new CategoricalActor(nets.get(block), numActions, 0, true)) {
                r = Evaluation.run(envId, greedy, episodes, Math.min(10, episodes), seed + 1);
            }
            long steps = h instanceof BehaviourCloning.Hyperparameters bc ? bc.steps()
                    : ((ConservativeDqn.Hyperparameters) h).steps();
            Path saved = Checkpoint.save(out, nets, new Checkpoint.State(algo, envId, seed, 0,
                    Hyperparameters.toJson(h), steps, steps, 0, r.episodes(), seconds, r.meanReturn()));
            stdout.printf("trained in %.1f s (%,d gradient steps, no env step)%n", seconds, steps);
            stdout.printf("evaluation on %s: %d greedy episodes, mean return %.2f +- %.2f%n", envId, r.episodes(),
                    r.meanReturn(), r.stdReturn());
            stdout.printf("checkpoint %s%n", saved);
            stdout.flush();
            return r.meanReturn();
        }
    }
}
