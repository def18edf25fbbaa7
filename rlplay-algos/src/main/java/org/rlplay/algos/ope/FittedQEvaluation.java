package org.rlplay.algos.ope;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.rlplay.algos.loss.Scale;
import org.rlplay.env.SplitMix64;

/**
 * Fitted-Q evaluation (Le, Voloshin and Yue 2019; Ernst et al. 2005's fitted Q iteration with the
 * target's expectation in place of the max): a Q regressor iterated on the logged transitions,
 * {@code Q_{k+1}(s, a) <- r + gamma (1 - done) sum_a' pi(a'|s') Q_k(s', a')}, and the value
 * {@code V = E_n[sum_a pi(a|s_0) Q(s_0, a)]} over the episodes' first states. It needs no
 * importance weight, so it is the estimator of choice where the weights are degenerate, and
 * biased where the regressor cannot represent Q or the target leaves the data's support.
 *
 * <p><b>One fit, three uses.</b> The regressor is an ensemble of small MLPs (ReLU, one output per
 * action) trained together as one batched DJL network, each member on its own weighting of the
 * episodes: member 0 on every episode (the point estimate); members 1..k on all but one of k
 * folds of episodes (so {@link #crossFitted()} scores every step by a model that did not see its
 * episode, for the doubly robust estimators); and B members on Poisson(1) multiplicities of the
 * episodes (the episode-level bootstrap, Hao et al. 2021's bootstrapped FQE: the interval
 * includes the regressor's own variability, which a bootstrap of the initial states alone would
 * miss). Each outer iteration freezes the ensemble as the target network and takes
 * {@code stepsPerIteration} Adam steps on uniformly sampled minibatches of transitions, member m's
 * squared error weighted by its multiplicity of each transition's episode. Values are learnt
 * divided by {@code max|r| / (1 - gamma)} (by {@code max|r|} times the horizon for gamma = 1), and
 * the regression targets and the values read out are clipped to the values the logged rewards
 * allow, {@code [min(0, r_min), max(0, r_max)] / (1 - gamma)} (times the horizon for gamma = 1):
 * the stochastic gradient steps otherwise overshoot them. Observations are standardised by the
 * log's means and deviations. A truncated episode bootstraps from
 * its final observation when the log has one; otherwise its end counts as terminal.
 *
 * <p>The cross-fitted predictions are computed in plain Java from the fold members' parameters
 * ({@link #folds()}), so a job that ships them scores every step exactly as the fit did.
 *
 * <p>{@link #fit} runs on the caller's thread and owns its NDManager (one sub-manager per
 * iteration and per step, closed); the result holds plain arrays. Deterministic for a seed on one
 * machine and PyTorch thread setting. Immutable.
 */
public final class FittedQEvaluation {
    /** Rows per forward pass when scoring. */
    private static final int SCORE_BATCH = 1024;

    /**
     * @param hidden            hidden widths of each member's MLP (none: linear in the observation)
     * @param iterations        outer FQE iterations (target-network refreshes), &gt;= 1
     * @param stepsPerIteration Adam steps per iteration, &gt;= 1
     * @param batchSize         transitions per step, &gt;= 1
     * @param learningRate      Adam's learning rate, &gt; 0
     * @param folds             k &gt;= 2 cross-fitting folds of episodes
     * @param resamples         B &gt;= 2 bootstrap members
     * @param level             the interval's two-sided level, in (0, 1)
     * @param seed              seed of folds, multiplicities, initial weights and minibatches
     */
    public record Settings(int[] hidden, int iterations, int stepsPerIteration, int batchSize, float learningRate,
                           int folds, int resamples, double level, long seed) {
        public Settings {
            if (iterations < 1 || stepsPerIteration < 1 || batchSize < 1 || !(learningRate > 0) || folds < 2
                    || resamples < 2 || !(level > 0 && level < 1)) {
                throw new IllegalArgumentException("fitted-Q: need iterations, stepsPerIteration, batchSize >= 1, "
                        + "learningRate > 0, folds >= 2, resamples >= 2 and level in (0, 1), got " + describe(hidden,
                        iterations, stepsPerIteration, batchSize, learningRate, folds, resamples, level, seed));
            }
            for (int width : hidden) {
                if (width < 1) {
                    throw new IllegalArgumentException("fitted-Q: hidden widths must be >= 1, got " + Arrays.toString(hidden));
                }
            }
            hidden = hidden.clone();
        }

        @Override
        public int[] hidden() {
            return hidden.clone();
        }

        /**
         * Defaults for discount {@code gamma}: 32 hidden units, {@code min(1000, ceil(5 / (1 - gamma)))}
         * iterations (1000 for gamma = 1) of 10 steps of 256 transitions at lr 1e-3, 3 folds, 50
         * resamples, 95%. FQE needs about as many iterations as a few effective horizons, since
         * each propagates the value one step: after k iterations from Q = 0 a value is at most
         * {@code (1 - gamma^k) / (1 - gamma)} rewards, 99.3% of the fixed point for these defaults.
         */
        public static Settings defaults(double gamma, long seed) {
            int iterations = gamma < 1 ? (int) Math.min(1000, Math.ceil(5 / (1 - gamma))) : 1000;
            return new Settings(new int[] {32}, iterations, 10, 256, 1e-3f, 3, 50, 0.95, seed);
        }

        @Override
        public String toString() {
            return describe(hidden, iterations, stepsPerIteration, batchSize, learningRate, folds, resamples, level, seed);
        }

        private static String describe(int[] hidden, int iterations, int steps, int batch, float lr, int folds,
                                       int resamples, double level, long seed) {
            return "Settings[hidden=" + Arrays.toString(hidden) + ", iterations=" + iterations + ", stepsPerIteration="
                    + steps + ", batchSize=" + batch + ", learningRate=" + lr + ", folds=" + folds + ", resamples="
                    + resamples + ", level=" + level + ", seed=" + seed + "]";
        }
    }

    private final EpisodeEvaluation evaluation;
    private final Settings settings;
    private final double value;
    private final double[] replicates;
    private final double[][] q;
    private final double[][] v;
    private final FittedQFolds folds;
    private final int[] fold;

    private FittedQEvaluation(EpisodeEvaluation evaluation, Settings settings, double value, double[] replicates,
                              double[][] q, double[][] v, FittedQFolds folds, int[] fold) {
        this.evaluation = evaluation;
        this.settings = settings;
        this.value = value;
        this.replicates = replicates;
        this.q = q;
        this.v = v;
        this.folds = folds;
        this.fold = fold;
    }

    /**
     * Fits the ensemble on the episodes of {@code e} (a log with states) with {@code e}'s discount.
     *
     * @throws IllegalArgumentException if the log has no states or fewer episodes than folds
     */
    public static FittedQEvaluation fit(EpisodeEvaluation e, Settings settings) {
        LoggedEpisodes log = e.log();
        if (!log.hasStates()) {
            throw new IllegalArgumentException("fitted-Q evaluation needs the logged states: collect the episodes with "
                    + "LoggedEpisodes.collect(fragments, behaviourColumn, targetDistribution) or build them with states");
        }
        if (log.count() < settings.folds()) {
            throw new IllegalArgumentException("fitted-Q: " + log.count() + " episodes cannot be split into "
                    + settings.folds() + " folds");
        }
        try (NDManager root = NDManager.newBaseManager(Engine.getInstance().defaultDevice())) {
            return new Fit(e, settings).run(root);
        }
    }

    /**
     * The k cross-fitting members as plain arrays: {@link #crossFitted()}'s predictions at episode
     * i's steps are {@code folds().score(fold(i), ...)}.
     */
    public FittedQFolds folds() {
        return folds;
    }

    /** The fold of episode {@code i}: its steps are scored by the member that did not see it. */
    public int fold(int i) {
        return fold[i];
    }

    /** The settings of the fit. */
    public Settings settings() {
        return settings;
    }

    /** The point estimate: member 0's value of the target at the episodes' first states. */
    public double value() {
        return value;
    }

    /**
     * The estimate, its bootstrap interval (the percentiles of the B bootstrap members' values, each
     * averaged over the first states with that member's multiplicities) and the log's diagnostics.
     */
    public OffPolicyEstimate estimate() {
        double tail = (1 - settings.level()) / 2;
        return new OffPolicyEstimate("fqe", value, PoissonBootstrap.quantile(replicates, tail),
                PoissonBootstrap.quantile(replicates, 1 - tail),
                new IntervalMethod.Bootstrap(settings.resamples(), settings.level(), settings.seed()),
                evaluation.weights(), evaluation.support());
    }

    /**
     * The evaluation with the cross-fitted predictions at every logged step, {@code Q(s_t, a_t)} and
     * {@code sum_a pi(a|s_t) Q(s_t, a)} from the member that did not see the step's episode: what the
     * doubly robust estimators use.
     */
    public EpisodeEvaluation crossFitted() {
        return evaluation.withModel(q, v);
    }

    /** One fit: the transitions, the members' episode weights, the ensemble's parameters. */
    private static final class Fit {
        private final EpisodeEvaluation evaluation;
        private final LoggedEpisodes log;
        private final Settings settings;
        private final int size;
        private final int actions;
        private final int members;
        private final int steps;
        private final float[] mean;
        private final float[] scale;
        private final float qScale;
        /** The feasible values, in units of {@link #qScale}: targets and read-outs are clipped to them. */
        private final float lowest;
        private final float highest;
        private final int[] fold;
        /** members x episodes multiplicities. */
        private final float[][] multiplicity;
        private final float[] x;
        private final int[] action;
        private final float[] reward;
        private final float[] next;
        private final float[] continues;
        private final float[] nextTarget;
        private final int[] episodeOf;
        private final List<NDArray> parameters = new ArrayList<>();
        /** Seed of the initial weights and the minibatches. */
        private final long seed;

        Fit(EpisodeEvaluation evaluation, Settings settings) {
            this.evaluation = evaluation;
            this.log = evaluation.log();
            this.settings = settings;
            this.size = log.observationSize();
            this.actions = log.actions();
            this.members = 1 + settings.folds() + settings.resamples();
            int total = 0;
            double maxReward = 0;
            double low = 0;
            double high = 0;
            for (int i = 0; i < log.count(); i++) {
                total += log.length(i);
                for (int t = 0; t < log.length(i); t++) {
                    maxReward = Math.max(maxReward, Math.abs(log.reward(i, t)));
                    low = Math.min(low, log.reward(i, t));
                    high = Math.max(high, log.reward(i, t));
                }
            }
            this.steps = total;
            double gamma = evaluation.gamma();
            double unit = Math.max(maxReward, 1e-12);
            double horizon = gamma < 1 ? 1 / (1 - gamma) : evaluation.horizon();
            this.qScale = (float) (unit * horizon);
            this.lowest = (float) (low * horizon / qScale);
            this.highest = (float) (high * horizon / qScale);
            this.mean = new float[size];
            this.scale = new float[size];
            standardisation();
            SplittableRandom streams = new SplittableRandom(settings.seed());
            this.fold = folds(log.count(), settings.folds(), streams.split());
            this.multiplicity = new float[members][log.count()];
            Arrays.fill(multiplicity[0], 1);
            for (int f = 0; f < settings.folds(); f++) {
                for (int i = 0; i < log.count(); i++) {
                    multiplicity[1 + f][i] = fold[i] == f ? 0 : 1;
                }
            }
            SplitMix64 draws = PoissonBootstrap.generator(settings.seed(), 0, settings.resamples());
            int b0 = 1 + settings.folds();
            for (int i = 0; i < log.count(); i++) {
                for (int r = 0; r < settings.resamples(); r += 2) {
                    long bits = draws.nextLong();
                    multiplicity[b0 + r][i] = PoissonBootstrap.poisson(bits >>> 32);
                    if (r + 1 < settings.resamples()) {
                        multiplicity[b0 + r + 1][i] = PoissonBootstrap.poisson(bits & 0xFFFF_FFFFL);
                    }
                }
            }
            this.x = new float[steps * size];
            this.action = new int[steps];
            this.reward = new float[steps];
            this.next = new float[steps * size];
            this.continues = new float[steps];
            this.nextTarget = new float[steps * actions];
            this.episodeOf = new int[steps];
            transitions();
            this.seed = streams.nextLong();
        }

        private void standardisation() {
            double[] sum = new double[size];
            double[] squares = new double[size];
            for (int i = 0; i < log.count(); i++) {
                float[] obs = log.episode(i).obs();
                for (int k = 0; k < obs.length; k++) {
                    sum[k % size] += obs[k];
                    squares[k % size] += (double) obs[k] * obs[k];
                }
            }
            for (int j = 0; j < size; j++) {
                double m = sum[j] / steps;
                double sd = Math.sqrt(Math.max(squares[j] / steps - m * m, 0));
                mean[j] = (float) m;
                scale[j] = (float) (sd > 1e-8 ? sd : 1);
            }
        }

        private void transitions() {
            int s = 0;
            for (int i = 0; i < log.count(); i++) {
                LoggedEpisodes.Episode e = log.episode(i);
                int len = e.length();
                for (int t = 0; t < len; t++, s++) {
                    standardise(e.obs(), t * size, x, s * size);
                    action[s] = e.action()[t];
                    reward[s] = (float) (e.reward()[t] / qScale);
                    episodeOf[s] = i;
                    if (t + 1 < len) {
                        standardise(e.obs(), (t + 1) * size, next, s * size);
                        copy(e.target(), (t + 1) * actions, nextTarget, s * actions, actions);
                        continues[s] = 1;
                    } else if (!e.terminated() && e.finalObs() != null) {
                        standardise(e.finalObs(), 0, next, s * size);
                        copy(e.finalTarget(), 0, nextTarget, s * actions, actions);
                        continues[s] = 1;
                    }
                }
            }
        }

        private void standardise(float[] from, int offset, float[] to, int at) {
            for (int j = 0; j < size; j++) {
                to[at + j] = (from[offset + j] - mean[j]) / scale[j];
            }
        }

        private static void copy(double[] from, int offset, float[] to, int at, int length) {
            for (int a = 0; a < length; a++) {
                to[at + a] = (float) from[offset + a];
            }
        }

        FittedQEvaluation run(NDManager root) {
            try (NDManager model = root.newSubManager()) {
                initialise(model);
                train(model);
                return results(model);
            }
        }

        private void initialise(NDManager model) {
            SplittableRandom random = new SplittableRandom(seed);
            int[] hidden = settings.hidden();
            int in = size;
            for (int l = 0; l <= hidden.length; l++) {
                int out = l < hidden.length ? hidden[l] : actions;
                double bound = Math.sqrt(6.0 / (in + out));
                float[] w = new float[members * in * out];
                for (int k = 0; k < w.length; k++) {
                    w[k] = (float) ((2 * random.nextDouble() - 1) * bound);
                }
                NDArray weight = model.create(w, new Shape(members, in, out));
                NDArray bias = model.zeros(new Shape(members, 1, out));
                weight.setRequiresGradient(true);
                bias.setRequiresGradient(true);
                parameters.add(weight);
                parameters.add(bias);
                in = out;
            }
        }

        /** (m, b, K) values of members [from, to) at standardised observations (b, size) or (m, b, size). */
        private NDArray forward(List<NDArray> params, NDArray input, int from, int to) {
            NDArray h = input;
            int layers = params.size() / 2;
            NDIndex slice = new NDIndex(from + ":" + to);
            for (int l = 0; l < layers; l++) {
                NDArray w = from == 0 && to == members ? params.get(2 * l) : params.get(2 * l).get(slice);
                NDArray b = from == 0 && to == members ? params.get(2 * l + 1) : params.get(2 * l + 1).get(slice);
                h = h.matMul(w).add(b);
                if (l + 1 < layers) {
                    h = Activation.relu(h);
                }
            }
            return h;
        }

        private void train(NDManager model) {
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(settings.learningRate())).build();
            SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
            int batch = Math.min(settings.batchSize(), steps);
            float[] bx = new float[batch * size];
            float[] bn = new float[batch * size];
            float[] onehot = new float[batch * actions];
            float[] bpi = new float[batch * actions];
            float[] br = new float[batch];
            float[] bc = new float[batch];
            float[] bw = new float[members * batch];
            float gamma = (float) evaluation.gamma();
            for (int iteration = 0; iteration < settings.iterations(); iteration++) {
                try (NDManager frozenScope = model.newSubManager()) {
                    List<NDArray> frozen = new ArrayList<>();
                    for (NDArray p : parameters) {
                        NDArray copy = p.duplicate();
                        copy.attach(frozenScope);
                        frozen.add(copy);
                    }
                    for (int step = 0; step < settings.stepsPerIteration(); step++) {
                        Arrays.fill(onehot, 0);
                        for (int k = 0; k < batch; k++) {
                            int s = random.nextInt(steps);
                            System.arraycopy(x, s * size, bx, k * size, size);
                            System.arraycopy(next, s * size, bn, k * size, size);
                            System.arraycopy(nextTarget, s * actions, bpi, k * actions, actions);
                            onehot[k * actions + action[s]] = 1;
                            br[k] = reward[s];
                            bc[k] = continues[s] * gamma;
                            for (int m = 0; m < members; m++) {
                                bw[m * batch + k] = multiplicity[m][episodeOf[s]];
                            }
                        }
                        try (NDManager scope = model.newSubManager()) {
                            NDArray input = scope.create(FloatBuffer.wrap(bx), new Shape(batch, size));
                            NDArray nextInput = scope.create(FloatBuffer.wrap(bn), new Shape(batch, size));
                            NDArray taken = scope.create(FloatBuffer.wrap(onehot), new Shape(batch, actions));
                            NDArray pi = scope.create(FloatBuffer.wrap(bpi), new Shape(batch, actions));
                            NDArray r = scope.create(FloatBuffer.wrap(br), new Shape(batch));
                            NDArray c = scope.create(FloatBuffer.wrap(bc), new Shape(batch));
                            NDArray w = scope.create(FloatBuffer.wrap(bw), new Shape(members, batch));
                            NDArray nextValue = forward(frozen, nextInput, 0, members).mul(pi).sum(new int[] {2});
                            NDArray y = nextValue.mul(c).add(r).clip(lowest, highest).stopGradient();  // (M, b)
                            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                                NDArray predicted = forward(parameters, input, 0, members).mul(taken).sum(new int[] {2});
                                NDArray error = predicted.sub(y);
                                NDArray loss = Scale.by(error.mul(error).mul(w).sum(), 0.5f / (members * batch));
                                collector.backward(loss);
                            }
                            for (int k = 0; k < parameters.size(); k++) {
                                NDArray p = parameters.get(k);
                                try (NDArray gradient = p.getGradient()) {
                                    adam.update("fqe" + k, p, gradient);
                                }
                            }
                        }
                    }
                }
            }
        }

        /** Members 1..k (the cross-fitting folds) as plain arrays. */
        private FittedQFolds foldMembers() {
            int layers = parameters.size() / 2;
            int k = settings.folds();
            float[][][] w = new float[k][layers][];
            float[][][] b = new float[k][layers][];
            for (int l = 0; l < layers; l++) {
                float[] weight = parameters.get(2 * l).toFloatArray();
                float[] bias = parameters.get(2 * l + 1).toFloatArray();
                int each = weight.length / members;
                int outs = bias.length / members;
                for (int f = 0; f < k; f++) {
                    w[f][l] = Arrays.copyOfRange(weight, (1 + f) * each, (2 + f) * each);
                    b[f][l] = Arrays.copyOfRange(bias, (1 + f) * outs, (2 + f) * outs);
                }
            }
            return new FittedQFolds(size, actions, mean.clone(), scale.clone(), qScale, lowest, highest, w, b);
        }

        private FittedQEvaluation results(NDManager model) {
            int n = log.count();
            // member values at the first states
            float[] first = new float[n * size];
            float[] firstTarget = new float[n * actions];
            for (int i = 0; i < n; i++) {
                standardise(log.episode(i).obs(), 0, first, i * size);
                copy(log.episode(i).target(), 0, firstTarget, i * actions, actions);
            }
            float[][] startValue = values(model, first, firstTarget, n, 0, members);       // (members, n)
            double point = 0;
            for (int i = 0; i < n; i++) {
                point += startValue[0][i];
            }
            point = point * qScale / n;
            int b0 = 1 + settings.folds();
            double[] replicates = new double[settings.resamples()];
            int kept = 0;
            for (int r = 0; r < settings.resamples(); r++) {
                double sum = 0;
                double count = 0;
                for (int i = 0; i < n; i++) {
                    sum += multiplicity[b0 + r][i] * startValue[b0 + r][i];
                    count += multiplicity[b0 + r][i];
                }
                if (count > 0) {
                    replicates[kept++] = sum / count * qScale;
                }
            }
            replicates = Arrays.copyOf(replicates, kept);
            Arrays.sort(replicates);
            // cross-fitted predictions at every step, in plain Java from the fold members' parameters
            FittedQFolds folds = foldMembers();
            double[] scratch = folds.scratch();
            double[] pair = new double[2];
            double[][] q = new double[n][];
            double[][] v = new double[n][];
            for (int i = 0; i < n; i++) {
                LoggedEpisodes.Episode e = log.episode(i);
                q[i] = new double[e.length()];
                v[i] = new double[e.length()];
                for (int t = 0; t < e.length(); t++) {
                    folds.score(fold[i], e.obs(), t * size, e.target(), t * actions, e.action()[t], scratch, pair, 0);
                    q[i][t] = pair[0];
                    v[i][t] = pair[1];
                }
            }
            return new FittedQEvaluation(evaluation, settings, point, replicates, q, v, folds, fold);
        }

        /** Target values {@code sum_a pi(a|s) Q_m(s, a)} of members [from, to) at {@code rows} standardised states. */
        private float[][] values(NDManager model, float[] obs, float[] pi, int rows, int from, int to) {
            float[][] out = new float[to - from][rows];
            for (int start = 0; start < rows; start += SCORE_BATCH) {
                int b = Math.min(SCORE_BATCH, rows - start);
                try (NDManager scope = model.newSubManager()) {
                    NDArray input = scope.create(FloatBuffer.wrap(obs, start * size, b * size), new Shape(b, size));
                    NDArray p = scope.create(FloatBuffer.wrap(pi, start * actions, b * actions), new Shape(b, actions));
                    float[] value = forward(parameters, input, from, to).clip(lowest, highest).mul(p)
                            .sum(new int[] {2}).toType(DataType.FLOAT32, false).toFloatArray();
                    for (int m = 0; m < to - from; m++) {
                        System.arraycopy(value, m * b, out[m], start, b);
                    }
                }
            }
            return out;
        }
    }

    /** A random split of n episodes into k folds of sizes differing by at most 1, from {@code random} alone. */
    static int[] folds(int n, int k, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] fold = new int[n];
        for (int p = 0; p < n; p++) {
            fold[order[p]] = (int) ((long) p * k / n);
        }
        return fold;
    }
}
