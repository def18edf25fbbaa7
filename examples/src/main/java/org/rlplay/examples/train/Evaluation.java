package org.rlplay.examples.train;

import org.rlplay.actor.Actor;
import org.rlplay.examples.envs.EnvSpec;
import org.rlplay.examples.envs.Envs;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * Runs an actor (usually greedy) for a fixed number of whole episodes and reports their returns.
 * Episodes are split evenly over the envs and each env contributes exactly its first episodes, so
 * short episodes are not over-represented. Runs on the caller's thread in {@code same} mode; the
 * actor stays the caller's.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Statistics of the evaluated episodes.
     *
     * @param episodes   how many
     * @param meanReturn mean undiscounted return
     * @param stdReturn  standard deviation of the returns
     * @param minReturn  smallest return
     * @param maxReturn  largest return
     * @param meanLength mean episode length
     * @param envSteps   env steps taken (including those of unfinished episodes)
     */
    public record Result(int episodes, double meanReturn, double stdReturn, double minReturn, double maxReturn,
                         double meanLength, long envSteps) {
    }

    /**
     * Runs {@code episodes} episodes of {@code env} over {@code numEnvs} envs seeded from {@code seed}.
     */
    public static Result run(EnvSpec env, Actor actor, int episodes, int numEnvs, long seed) {
        if (episodes < 1) {
            throw new IllegalArgumentException("--episodes must be >= 1, got " + episodes);
        }
        int n = Math.min(numEnvs, episodes);
        if (n < 1) {
            throw new IllegalArgumentException("--envs must be >= 1, got " + numEnvs);
        }
        int[] quota = new int[n];
        for (int i = 0; i < episodes; i++) {
            quota[i % n]++;
        }
        double sum = 0;
        double sumSq = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long lengths = 0;
        int done = 0;
        RolloutConfig config = RolloutConfig.builder().length(256).seed(seed).build();
        try (Rollout rollout = Rollouts.same(Envs.open(env, n), actor, config)) {
            while (done < episodes) {
                Fragment f = rollout.next();
                Episodes e = f.episodes();
                for (int i = 0; i < e.count(); i++) {
                    int j = e.env(i);
                    if (quota[j] == 0) {
                        continue;
                    }
                    quota[j]--;
                    done++;
                    double r = e.episodeReturn(i);
                    sum += r;
                    sumSq += r * r;
                    min = Math.min(min, r);
                    max = Math.max(max, r);
                    lengths += e.length(i);
                }
            }
            double mean = sum / episodes;
            double std = Math.sqrt(Math.max(0, sumSq / episodes - mean * mean));
            return new Result(episodes, mean, std, min, max, (double) lengths / episodes, rollout.envSteps());
        }
    }
}
