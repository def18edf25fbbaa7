package org.rlplay.algos.ope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rlplay.fragment.Column;
import org.rlplay.fragment.Episodes;
import org.rlplay.fragment.Fragment;

/**
 * Whole episodes of logged experience for off-policy evaluation: per step, the reward and the
 * importance ratio {@code pi(a|s) / mu(a|s)} of the target policy pi to the behaviour policy mu that
 * chose the logged action; and, for the model-based estimators (doubly robust, fitted-Q), the
 * <em>states</em> too: per step the observation, the logged action, the behaviour's propensity
 * (and its whole distribution when it was logged) and the target's whole distribution, and per
 * episode how it ended (terminated, or truncated with its final observation and the target's
 * distribution there). Immutable once built.
 *
 * <p>{@link #collect} stitches episodes across fragments: it follows each env of each stream (by
 * collector and global env index) through consecutive fragments, starts an episode at a reset
 * (a record with {@code fin} set), and ends it at the next {@code fin} (terminated or truncated).
 * Steps before an env's first reset and episodes still running when the fragments run out are left
 * out, as are the repeats of sticky mode. Fragments of one stream must come in their recorded order,
 * as a dataset's replay without shuffling gives them.
 */
public final class LoggedEpisodes {
    /** How far a distribution's sum may be from 1. */
    static final double SUM_TOLERANCE = 1e-5;
    /** How far a logged propensity may be from the logged distribution's entry for that action. */
    static final double PROPENSITY_TOLERANCE = 1e-6;

    /** One episode; the state fields are null in a log without states. */
    record Episode(double[] reward, double[] ratio, float[] obs, int[] action, double[] propensity, double[] behaviour,
                   double[] target, boolean terminated, float[] finalObs, double[] finalTarget) {
        int length() {
            return reward.length;
        }
    }

    private final List<Episode> episodes;
    private final int observationSize;
    private final int actions;
    private final boolean behaviourLogged;

    private LoggedEpisodes(List<Episode> episodes, int observationSize, int actions, boolean behaviourLogged) {
        this.episodes = episodes;
        this.observationSize = observationSize;
        this.actions = actions;
        this.behaviourLogged = behaviourLogged;
    }

    /**
     * Episodes given directly: {@code rewards[i][t]} and {@code ratios[i][t]} of step t of episode i
     * (no states: enough for the importance-sampling estimators).
     *
     * @throws IllegalArgumentException if the arrays disagree in shape or a ratio is negative or not finite
     */
    public static LoggedEpisodes of(double[][] rewards, double[][] ratios) {
        if (rewards.length != ratios.length) {
            throw new IllegalArgumentException("rewards: " + rewards.length + " episodes, ratios: " + ratios.length);
        }
        List<Episode> list = new ArrayList<>();
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
            list.add(new Episode(rewards[i].clone(), ratios[i].clone(), null, null, null, null, null, true, null, null));
        }
        return new LoggedEpisodes(list, 0, 0, false);
    }

    /**
     * A builder of episodes with states, step by step ({@link Builder#step}) and episode by episode
     * ({@link Builder#end}).
     *
     * @param observationSize the number of float features of an observation, &gt;= 1
     * @param actions         K, the size of the {@code Discrete} action space, &gt;= 1
     */
    public static Builder builder(int observationSize, int actions) {
        if (observationSize < 1 || actions < 1) {
            throw new IllegalArgumentException("episodes with states need an observation size and K >= 1, got "
                    + observationSize + " and " + actions);
        }
        return new Builder(observationSize, actions);
    }

    /**
     * Builds a {@link LoggedEpisodes} with states. Every value is checked as it is added, naming the
     * episode and step. Used by one thread.
     */
    public static final class Builder {
        private final int size;
        private final int actions;
        private final List<Episode> done = new ArrayList<>();
        private Running current;
        private boolean allBehaviour = true;
        private boolean anyStep;

        private Builder(int size, int actions) {
            this.size = size;
            this.actions = actions;
            this.current = new Running(size, actions);
        }

        /**
         * Appends a step to the current episode.
         *
         * @param observation the state acted in ({@code observationSize} finite features)
         * @param action      the logged action, in [0, K)
         * @param reward      the reward that followed, finite
         * @param propensity  the behaviour's probability of {@code action}, in (0, 1]
         * @param behaviour   the behaviour's whole distribution there (K entries), or null if not logged
         * @param target      the target's whole distribution there (K entries)
         * @throws IllegalArgumentException naming the episode and step of a bad value
         */
        public Builder step(float[] observation, int action, double reward, double propensity, double[] behaviour,
                            double[] target) {
            String where = "episode " + done.size() + " step " + current.length;
            if (observation.length != size) {
                throw new IllegalArgumentException(where + ": observation of " + observation.length + " features, expected "
                        + size);
            }
            for (float x : observation) {
                if (!Float.isFinite(x)) {
                    throw new IllegalArgumentException(where + ": observation feature " + x + " is not finite");
                }
            }
            if (action < 0 || action >= actions) {
                throw new IllegalArgumentException(where + ": action " + action + " is outside [0, " + actions
                        + "): the log and the action space disagree");
            }
            if (!Double.isFinite(reward)) {
                throw new IllegalArgumentException(where + ": reward " + reward + " is not finite");
            }
            if (!(propensity > 0 && propensity <= 1)) {
                throw new IllegalArgumentException(where + ": propensity " + propensity
                        + " is outside (0, 1]: it must be the behaviour's probability of the action it took");
            }
            requireDistribution(where + ": target distribution", target, actions);
            if (behaviour != null) {
                requireDistribution(where + ": behaviour distribution", behaviour, actions);
                if (Math.abs(behaviour[action] - propensity) > PROPENSITY_TOLERANCE) {
                    throw new IllegalArgumentException(where + ": the behaviour distribution gives the logged action "
                            + action + " probability " + behaviour[action] + " but its propensity is " + propensity);
                }
            } else {
                allBehaviour = false;
            }
            current.add(observation, 0, action, reward, propensity, behaviour, 0, target, 0);
            anyStep = true;
            return this;
        }

        /**
         * Ends the current episode.
         *
         * @param terminated        true if it reached a terminal state, false if it was truncated
         * @param finalObservation  for a truncated episode, the observation it was cut at (fitted-Q
         *                          bootstraps from it); null to treat the cut as terminal
         * @param finalTarget       the target's distribution at {@code finalObservation} (with it)
         * @throws IllegalArgumentException if the episode has no step, or the final values are malformed
         */
        public Builder end(boolean terminated, float[] finalObservation, double[] finalTarget) {
            String where = "episode " + done.size();
            if (current.length == 0) {
                throw new IllegalArgumentException(where + ": an episode needs at least one step");
            }
            if (!terminated && finalObservation != null) {
                if (finalObservation.length != size || finalTarget == null) {
                    throw new IllegalArgumentException(where + ": a truncated end needs a final observation of " + size
                            + " features and the target's distribution there");
                }
                requireDistribution(where + ": target distribution at the final observation", finalTarget, actions);
            }
            done.add(current.episode(terminated, terminated ? null : finalObservation, terminated ? null : finalTarget));
            current = new Running(size, actions);
            return this;
        }

        /** The episodes ended so far (a step after the last {@link #end} is dropped). */
        public LoggedEpisodes build() {
            return new LoggedEpisodes(List.copyOf(done), size, actions, anyStep && allBehaviour);
        }
    }

    static void requireDistribution(String what, double[] p, int actions) {
        if (p.length != actions) {
            throw new IllegalArgumentException(what + " has " + p.length + " entries, the action space " + actions);
        }
        requireDistribution(what, p, 0, actions);
    }

    /** Checks that {@code p[offset .. offset + actions)} is a distribution. */
    static void requireDistribution(String what, double[] p, int offset, int actions) {
        double sum = 0;
        for (int a = 0; a < actions; a++) {
            double x = p[offset + a];
            if (!(x >= 0 && x <= 1)) {
                throw new IllegalArgumentException(what + " gives action " + a + " probability " + x
                        + ", outside [0, 1]");
            }
            sum += x;
        }
        if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
            throw new IllegalArgumentException(what + " sums to " + sum + ", not 1");
        }
    }

    /** Whether {@code p[offset .. offset + actions)} is a distribution (the check without a message). */
    static boolean isDistribution(double[] p, int offset, int actions) {
        double sum = 0;
        for (int a = 0; a < actions; a++) {
            double x = p[offset + a];
            if (!(x >= 0 && x <= 1)) {
                return false;
            }
            sum += x;
        }
        return Math.abs(sum - 1) <= SUM_TOLERANCE;
    }

    /** One env's episode in progress, in growing primitive arrays. */
    private static final class Running {
        final int size;
        final int actions;
        int length;
        boolean started;
        boolean behaviourMissing;
        double[] reward = new double[16];
        double[] ratio = new double[16];
        float[] obs;
        int[] action;
        double[] propensity;
        double[] behaviour;
        double[] target;

        Running(int size, int actions) {
            this.size = size;
            this.actions = actions;
            if (size > 0) {
                obs = new float[16 * size];
                action = new int[16];
                propensity = new double[16];
                behaviour = new double[16 * actions];
                target = new double[16 * actions];
            }
        }

        void clear() {
            length = 0;
            behaviourMissing = false;
        }

        void addRatio(double r, double x) {
            grow();
            reward[length] = r;
            ratio[length] = x;
            length++;
        }

        void add(float[] o, int oOff, int a, double r, double mu, double[] b, int bOff, double[] pi, int piOff) {
            grow();
            System.arraycopy(o, oOff, obs, length * size, size);
            action[length] = a;
            reward[length] = r;
            propensity[length] = mu;
            if (b == null) {
                behaviourMissing = true;
            } else {
                System.arraycopy(b, bOff, behaviour, length * actions, actions);
            }
            System.arraycopy(pi, piOff, target, length * actions, actions);
            ratio[length] = pi[piOff + a] / mu;
            length++;
        }

        private void grow() {
            if (length == reward.length) {
                int n = 2 * length;
                reward = Arrays.copyOf(reward, n);
                ratio = Arrays.copyOf(ratio, n);
                if (size > 0) {
                    obs = Arrays.copyOf(obs, n * size);
                    action = Arrays.copyOf(action, n);
                    propensity = Arrays.copyOf(propensity, n);
                    behaviour = Arrays.copyOf(behaviour, n * actions);
                    target = Arrays.copyOf(target, n * actions);
                }
            }
        }

        Episode episode(boolean terminated, float[] finalObs, double[] finalTarget) {
            if (size == 0) {
                return new Episode(Arrays.copyOf(reward, length), Arrays.copyOf(ratio, length), null, null, null, null,
                        null, terminated, null, null);
            }
            return new Episode(Arrays.copyOf(reward, length), Arrays.copyOf(ratio, length),
                    Arrays.copyOf(obs, length * size), Arrays.copyOf(action, length), Arrays.copyOf(propensity, length),
                    behaviourMissing ? null : Arrays.copyOf(behaviour, length * actions),
                    Arrays.copyOf(target, length * actions), terminated,
                    finalObs == null ? null : finalObs.clone(), finalTarget == null ? null : finalTarget.clone());
        }
    }

    /**
     * Collects the complete episodes of {@code fragments} (e.g. a dataset's replay, one pass, in
     * recorded order), without states.
     *
     * @param behaviour the probabilities with which the logged actions were chosen (usually from the
     *                  recorded actor info)
     * @param target    the probabilities the evaluated policy gives the logged actions
     * @throws IllegalArgumentException if the behaviour policy gave a logged action probability 0,
     *     or a probability is not in [0, 1]
     */
    public static LoggedEpisodes collect(Iterable<Fragment> fragments, ActionProbabilities behaviour,
                                         ActionProbabilities target) {
        return stitch(fragments, new RatioReader(behaviour, target));
    }

    /**
     * Collects the complete episodes of {@code fragments} with their states, for every estimator:
     * the behaviour's whole distribution from the actor info column {@code behaviourColumn}
     * ((T+1, N, K) probabilities, as {@code rlplay record} writes {@code probs}), the target's from
     * {@code target}, run on the observations of records 0..T-1 of each fragment (one batch per
     * fragment) and on the final observation of each truncated episode (kept when the rollout keeps
     * {@code finalObs}; without it a truncation counts as terminal for fitted-Q).
     *
     * @throws IllegalArgumentException if the column is missing, a logged action is outside its K
     *     actions, the behaviour gave a logged action probability 0, or a distribution is malformed
     *     (naming the fragment, record and env)
     */
    public static LoggedEpisodes collect(Iterable<Fragment> fragments, String behaviourColumn,
                                         ActionDistribution target) {
        return stitch(fragments, new StateReader(behaviourColumn, target));
    }

    /** What the stitching loop reads from each fragment: the steps, and how an episode ends. */
    private interface FragmentReader {
        /** Prepares the steps of {@code f}. */
        void begin(Fragment f);

        /** A buffer for a new env stream of {@code f}. */
        Running newRunning(Fragment f);

        /** Appends the transition that starts at record t of env j. */
        void step(Running r, Fragment f, int t, int j);

        /** The episode that the transition from record t of env j ended. */
        Episode end(Running r, Fragment f, int t, int j);

        /** The log of the episodes. */
        LoggedEpisodes log(List<Episode> episodes);
    }

    /** Rewards and ratios only. */
    private static final class RatioReader implements FragmentReader {
        private final ActionProbabilities behaviour;
        private final ActionProbabilities target;
        private double[] mu = new double[0];
        private double[] pi = new double[0];

        RatioReader(ActionProbabilities behaviour, ActionProbabilities target) {
            this.behaviour = behaviour;
            this.target = target;
        }

        @Override
        public void begin(Fragment f) {
            int cells = f.length() * f.numEnvs();
            if (mu.length != cells) {
                mu = new double[cells];
                pi = new double[cells];
            }
            behaviour.taken(f, mu);
            target.taken(f, pi);
        }

        @Override
        public Running newRunning(Fragment f) {
            return new Running(0, 0);
        }

        @Override
        public void step(Running r, Fragment f, int t, int j) {
            int i = t * f.numEnvs() + j;
            r.addRatio(f.rew(t + 1, j), ratio(pi[i], mu[i], f, t, j));
        }

        @Override
        public Episode end(Running r, Fragment f, int t, int j) {
            return r.episode(!f.trunc(t + 1, j), null, null);
        }

        @Override
        public LoggedEpisodes log(List<Episode> episodes) {
            return new LoggedEpisodes(episodes, 0, 0, false);
        }
    }

    /** Rewards, ratios and states. */
    private static final class StateReader implements FragmentReader {
        private final String column;
        private final ActionDistribution target;
        private int size;
        private int actions;
        private Column mu;
        private float[] obs = new float[0];
        private double[] pi = new double[0];
        private double[] muRow = new double[0];

        StateReader(String column, ActionDistribution target) {
            this.column = column;
            this.target = target;
        }

        @Override
        public void begin(Fragment f) {
            if (f.actorInfo().stream().noneMatch(c -> c.name().equals(column))) {
                throw new IllegalArgumentException("the log has no actor info column '" + column + "' (it has "
                        + f.actorInfo().stream().map(Column::name).toList() + "): without the behaviour's probabilities"
                        + " there is nothing to weight by; record with a behaviour that reports them");
            }
            mu = f.actorInfo(column);
            int n = f.numEnvs();
            int cells = f.length() * n;
            size = f.spec().observationSpace().size();
            actions = mu.width();
            if (obs.length != cells * size || pi.length != cells * actions) {
                obs = new float[cells * size];
                pi = new double[cells * actions];
                muRow = new double[actions];
            }
            for (int t = 0; t < f.length(); t++) {
                for (int j = 0; j < n; j++) {
                    for (int e = 0; e < size; e++) {
                        obs[(t * n + j) * size + e] = f.obs(t, j, e);
                    }
                }
            }
            target.probabilities(obs, cells, pi);
        }

        @Override
        public Running newRunning(Fragment f) {
            return new Running(size, actions);
        }

        @Override
        public void step(Running r, Fragment f, int t, int j) {
            int i = t * f.numEnvs() + j;
            int a = (int) f.act(t + 1, j, 0);
            if (a < 0 || a >= actions) {
                throw new IllegalArgumentException(where(f, t, j) + ": action " + a + " is outside the " + actions
                        + " actions of the behaviour column '" + column + "': the log and the policy's action space disagree");
            }
            for (int b = 0; b < actions; b++) {
                muRow[b] = mu.get(t, j, b);
            }
            if (!isDistribution(muRow, 0, actions)) {
                requireDistribution(where(f, t, j) + ": behaviour distribution", muRow, actions);
            }
            if (!isDistribution(pi, i * actions, actions)) {
                requireDistribution(where(f, t, j) + ": target distribution", pi, i * actions, actions);
            }
            ratio(pi[i * actions + a], muRow[a], f, t, j);
            r.add(obs, i * size, a, f.rew(t + 1, j), muRow[a], muRow, 0, pi, i * actions);
        }

        private static String where(Fragment f, int t, int j) {
            return "fragment " + f.sequence() + " record " + t + " env " + j;
        }

        @Override
        public Episode end(Running r, Fragment f, int t, int j) {
            boolean truncated = f.trunc(t + 1, j);
            if (!truncated || !f.spec().keepFinalObs()) {
                return r.episode(true, null, null);
            }
            float[] last = new float[size];
            for (int e = 0; e < size; e++) {
                last[e] = f.finalObs(t + 1, j, e);
            }
            double[] lastTarget = new double[actions];
            target.probabilities(last, 1, lastTarget);
            requireDistribution("fragment " + f.sequence() + " record " + (t + 1) + " env " + j
                    + ": target distribution at the final observation", lastTarget, actions);
            return r.episode(false, last, lastTarget);
        }

        @Override
        public LoggedEpisodes log(List<Episode> episodes) {
            return new LoggedEpisodes(episodes, size, actions, !episodes.isEmpty());
        }
    }

    private static LoggedEpisodes stitch(Iterable<Fragment> fragments, FragmentReader reader) {
        Map<Long, Running> running = new HashMap<>();
        List<Episode> done = new ArrayList<>();
        boolean[] real = new boolean[0];
        for (Fragment f : fragments) {
            int n = f.numEnvs();
            int cells = f.length() * n;
            if (real.length != cells) {
                real = new boolean[cells];
            }
            reader.begin(f);
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
                Running r = running.computeIfAbsent(key, x -> reader.newRunning(f));
                if (fin[j]) {
                    r.started = true;
                    r.clear();
                }
                for (int t = 0; t < f.length(); t++) {
                    int i = t * n + j;
                    if (!real[i]) {
                        continue;
                    }
                    if (r.started) {
                        reader.step(r, f, t, j);
                    }
                    if (fin[i + n]) {
                        if (r.started) {
                            done.add(reader.end(r, f, t, j));
                        }
                        r.started = true;
                        r.clear();
                    }
                }
            }
        }
        return reader.log(List.copyOf(done));
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
        return episodes.size();
    }

    /** Number of steps of episode {@code i}. */
    public int length(int i) {
        return episodes.get(i).length();
    }

    /** Reward of step {@code t} of episode {@code i}. */
    public double reward(int i, int t) {
        return episodes.get(i).reward()[t];
    }

    /** Importance ratio pi/mu of step {@code t} of episode {@code i}. */
    public double ratio(int i, int t) {
        return episodes.get(i).ratio()[t];
    }

    /** Whether the log has states (observations, actions, distributions), as the model-based estimators need. */
    public boolean hasStates() {
        return observationSize > 0;
    }

    /** The observation size of a log with states (0 without). */
    public int observationSize() {
        return observationSize;
    }

    /** K, the number of actions of a log with states (0 without). */
    public int actions() {
        return actions;
    }

    /** Whether the behaviour's whole distribution was logged at every step (so support is checked per state). */
    public boolean behaviourLogged() {
        return behaviourLogged;
    }

    Episode episode(int i) {
        return episodes.get(i);
    }
}
