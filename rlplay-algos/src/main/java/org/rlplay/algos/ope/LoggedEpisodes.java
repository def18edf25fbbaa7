package org.rlplay.algos.ope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;

/**
 * Whole episodes of logged experience for off-policy evaluation: per step, the reward and the
 * importance ratio {@code pi(a|s) / mu(a|s)} of the target policy pi to the behaviour policy mu that
 * chose the logged action. Immutable once built.
 *
 * <p>{@link #collect} stitches episodes across fragments: it follows each env of each stream (by
 * collector and global env index) through consecutive fragments, starts an episode at a reset
 * (a record with {@code fin} set), and ends it at the next {@code fin} (terminated or truncated).
 * Steps before an env's first reset and episodes still running when the fragments run out are left
 * out, as are the repeats of sticky mode. Fragments of one stream must come in their recorded order,
 * as a dataset's replay without shuffling gives them.
 */
public final class LoggedEpisodes {
    private final List<double[]> rewards;
    private final List<double[]> ratios;

    private LoggedEpisodes(List<double[]> rewards, List<double[]> ratios) {
        this.rewards = rewards;
        this.ratios = ratios;
    }

    /**
     * Episodes given directly: {@code rewards[i][t]} and {@code ratios[i][t]} of step t of episode i.
     *
     * @throws IllegalArgumentException if the arrays disagree in shape or a ratio is negative or not finite
     */
    public static LoggedEpisodes of(double[][] rewards, double[][] ratios) {
        if (rewards.length != ratios.length) {
            throw new IllegalArgumentException("rewards: " + rewards.length + " episodes, ratios: " + ratios.length);
        }
        List<double[]> r = new ArrayList<>();
        List<double[]> w = new ArrayList<>();
        for (int i = 0; i < rewards.length; i++) {
            if (rewards[i].length != ratios[i].length) {
                throw new IllegalArgumentException("episode " + i + ": " + rewards[i].length + " rewards, "
                        + ratios[i].length + " ratios");
            }
            for (double x : ratios[i]) {
                if (!(x >= 0) || Double.isInfinite(x)) {
                    throw new IllegalArgumentException("episode " + i + ": ratio " + x + " is not a finite non-negative number");
                }
            }
            r.add(rewards[i].clone());
            w.add(ratios[i].clone());
        }
        return new LoggedEpisodes(r, w);
    }

    /** One env's episode in progress. */
    private static final class Running {
        final List<Double> rewards = new ArrayList<>();
        final List<Double> ratios = new ArrayList<>();
        boolean started;
    }

    /**
     * Collects the complete episodes of {@code fragments} (e.g. a dataset's replay, one pass, in
     * recorded order).
     *
     * @param behaviour the probabilities with which the logged actions were chosen (usually from the
     *                  recorded actor info)
     * @param target    the probabilities the evaluated policy gives the logged actions
     * @throws IllegalArgumentException if the behaviour policy gave a logged action probability 0,
     *     or a probability is not in [0, 1]
     */
    public static LoggedEpisodes collect(Iterable<Fragment> fragments, ActionProbabilities behaviour,
                                         ActionProbabilities target) {
        Map<Long, Running> running = new HashMap<>();
        List<double[]> rewards = new ArrayList<>();
        List<double[]> ratios = new ArrayList<>();
        double[] mu = new double[0];
        double[] pi = new double[0];
        boolean[] real = new boolean[0];
        for (Fragment f : fragments) {
            int n = f.numEnvs();
            int cells = f.length() * n;
            if (mu.length != cells) {
                mu = new double[cells];
                pi = new double[cells];
                real = new boolean[cells];
            }
            behaviour.taken(f, mu);
            target.taken(f, pi);
            boolean[] fin = f.fin();
            for (int i = 0; i < cells; i++) {
                real[i] = !fin[i + n];
            }
            Episodes ends = f.episodes();
            for (int e = 0; e < ends.count(); e++) {
                real[(ends.record(e) - 1) * n + ends.env(e)] = true;
            }
            for (int j = 0; j < n; j++) {
                long key = ((long) f.collector() << 32) | (f.envOffset() + j);
                Running r = running.computeIfAbsent(key, k -> new Running());
                if (fin[j]) {
                    r.started = true;
                    r.rewards.clear();
                    r.ratios.clear();
                }
                for (int t = 0; t < f.length(); t++) {
                    int i = t * n + j;
                    if (!real[i]) {
                        continue;
                    }
                    if (r.started) {
                        r.rewards.add((double) f.rew(t + 1, j));
                        r.ratios.add(ratio(pi[i], mu[i], f, t, j));
                    }
                    if (fin[i + n]) {
                        if (r.started) {
                            rewards.add(r.rewards.stream().mapToDouble(Double::doubleValue).toArray());
                            ratios.add(r.ratios.stream().mapToDouble(Double::doubleValue).toArray());
                        }
                        r.started = true;
                        r.rewards.clear();
                        r.ratios.clear();
                    }
                }
            }
        }
        return new LoggedEpisodes(rewards, ratios);
    }

    private static double ratio(double pi, double mu, Fragment f, int t, int j) {
        if (!(pi >= 0 && pi <= 1) || !(mu >= 0 && mu <= 1)) {
            throw new IllegalArgumentException("probabilities must be in [0, 1]: target " + pi + ", behaviour " + mu
                    + " at fragment " + f.sequence() + " record " + t + " env " + j);
        }
        if (mu == 0) {
            throw new IllegalArgumentException("the behaviour policy gave the logged action probability 0 at fragment "
                    + f.sequence() + " record " + t + " env " + j + ": the log is not from this behaviour policy");
        }
        return pi / mu;
    }

    /** Number of episodes. */
    public int count() {
        return rewards.size();
    }

    /** Number of steps of episode {@code i}. */
    public int length(int i) {
        return rewards.get(i).length;
    }

    /** Reward of step {@code t} of episode {@code i}. */
    public double reward(int i, int t) {
        return rewards.get(i)[t];
    }

    /** Importance ratio pi/mu of step {@code t} of episode {@code i}. */
    public double ratio(int i, int t) {
        return ratios.get(i)[t];
    }
}
