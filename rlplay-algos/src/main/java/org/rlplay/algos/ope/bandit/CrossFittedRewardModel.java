package org.rlplay.algos.ope.bandit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.rlplay.algos.loss.Regression;
import org.rlplay.algos.policy.Mlp;

/**
 * A reward model {@code q(x, a)} for DM and the doubly robust estimators, fitted on the log itself
 * and <em>cross-fitted</em>: the rows are split into k folds at random (by the seed, independently
 * of the data), and the rows of fold f are scored by a model trained on the other k - 1 folds
 * only, so no row is scored by a model that saw it (the DR estimate then stays unbiased given the
 * fitted models, Chernozhukov et al. 2018; obp's {@code RegressionModel.fit_predict(n_folds=k)}).
 *
 * <p>Each fold's model is a small DJL MLP (ReLU) from the context to K outputs, one head per
 * action; it is trained by Adam on {@code 0.5 * (q(x_i, a_i) - r_i)^2} over minibatches of the
 * training folds' rows, each head learning from the rows that took its action. Contexts and
 * rewards are standardised with the training folds' means and standard deviations (so the held-out
 * fold leaks in through nothing). Weights are initialised from the seed (Xavier-uniform weights,
 * zero biases), minibatches are shuffled from the seed: a fit is deterministic for a seed, on one
 * machine and PyTorch thread setting.
 *
 * <p>The trained folds are kept as plain arrays ({@link #models()}) and every row is scored from
 * them in plain Java ({@link RewardModelFolds#predict}), so a distributed job given these folds
 * and each row's fold reproduces the predictions exactly.
 *
 * <p>{@link #fit} runs on the caller's thread and owns its NDManager (one sub-manager per fold and
 * per step, closed); the result holds plain Java arrays only. Immutable.
 */
public final class CrossFittedRewardModel {
    /**
     * @param folds        k &gt;= 2
     * @param hidden       hidden widths of each fold's MLP (none: a linear model per action)
     * @param epochs       passes over the training folds, &gt;= 1
     * @param batchSize    rows per Adam step, &gt;= 1
     * @param learningRate Adam's learning rate, &gt; 0
     * @param seed         seed of the folds, the initial weights and the minibatches
     */
    public record Settings(int folds, int[] hidden, int epochs, int batchSize, float learningRate, long seed) {
        public Settings {
            if (folds < 2 || epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("reward model: need folds >= 2, epochs >= 1, batchSize >= 1 and "
                        + "learningRate > 0, got folds=" + folds + " epochs=" + epochs + " batchSize=" + batchSize
                        + " learningRate=" + learningRate);
            }
            for (int width : hidden) {
                if (width < 1) {
                    throw new IllegalArgumentException("reward model: hidden widths must be >= 1, got "
                            + Arrays.toString(hidden));
                }
            }
            hidden = hidden.clone();
        }

        @Override
        public int[] hidden() {
            return hidden.clone();
        }

        @Override
        public String toString() {
            return "Settings[folds=" + folds + ", hidden=" + Arrays.toString(hidden) + ", epochs=" + epochs
                    + ", batchSize=" + batchSize + ", learningRate=" + learningRate + ", seed=" + seed + "]";
        }

        /** 3 folds of a 32-unit MLP, 20 epochs of batches of 256 at lr 3e-3. */
        public static Settings defaults(long seed) {
            return new Settings(3, new int[] {32}, 20, 256, 3e-3f, seed);
        }
    }

    private final Settings settings;
    private final int[] fold;
    private final RewardModelFolds models;
    private final ActionTable predictions;

    private CrossFittedRewardModel(Settings settings, int[] fold, RewardModelFolds models, ActionTable predictions) {
        this.settings = settings;
        this.fold = fold;
        this.models = models;
        this.predictions = predictions;
    }

    /**
     * Fits k models and scores every row with the model that did not see it.
     *
     * @param contexts the context of each row of {@code log}, row-major: {@code contexts[i * dim + j]}
     * @param dim      the context's width, &gt;= 1
     * @throws IllegalArgumentException if the contexts are not n x dim or hold a value that is not
     *     finite, or the log has fewer rows than folds
     */
    public static CrossFittedRewardModel fit(float[] contexts, int dim, BanditLog log, Settings settings) {
        int n = log.size();
        if (dim < 1 || contexts.length != (long) n * dim) {
            throw new IllegalArgumentException("reward model: " + contexts.length + " context values are not " + n
                    + " rows of width " + dim);
        }
        for (int i = 0; i < contexts.length; i++) {
            if (!Float.isFinite(contexts[i])) {
                throw new IllegalArgumentException("row " + i / dim + ": context feature " + i % dim + " is "
                        + contexts[i] + ": contexts must be finite");
            }
        }
        if (n < settings.folds()) {
            throw new IllegalArgumentException("reward model: " + n + " rows cannot be split into " + settings.folds()
                    + " folds");
        }
        SplittableRandom streams = new SplittableRandom(settings.seed());
        int[] fold = folds(n, settings.folds(), streams.split());
        int k = settings.folds();
        float[][] mean = new float[k][];
        float[][] scale = new float[k][];
        float[] rewardMean = new float[k];
        float[] rewardScale = new float[k];
        float[][][] weights = new float[k][][];
        float[][][] biases = new float[k][][];
        try (NDManager root = NDManager.newBaseManager(Engine.getInstance().defaultDevice())) {
            for (int f = 0; f < k; f++) {
                FoldFit fit = new FoldFit(contexts, dim, log, settings, fold, f);
                int layers = settings.hidden().length + 1;
                weights[f] = new float[layers][];
                biases[f] = new float[layers][];
                fit.run(root, streams.split(), weights[f], biases[f]);
                mean[f] = fit.mean;
                scale[f] = fit.scale;
                rewardMean[f] = fit.rewardMean;
                rewardScale[f] = fit.rewardScale;
            }
        }
        RewardModelFolds models = new RewardModelFolds(dim, log.actions(), mean, scale, rewardMean, rewardScale, weights,
                biases);
        double[] q = new double[Math.multiplyExact(n, log.actions())];
        double[] scratch = models.scratch();
        for (int i = 0; i < n; i++) {
            models.predict(fold[i], contexts, i * dim, scratch, q, i * log.actions());
        }
        return new CrossFittedRewardModel(settings, fold, models, ActionTable.wrap(log.actions(), q));
    }

    /** A random split of n rows into k folds of sizes differing by at most 1, from {@code random} alone. */
    static int[] folds(int n, int k, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order, n, random);
        int[] fold = new int[n];
        for (int p = 0; p < n; p++) {
            fold[order[p]] = (int) ((long) p * k / n);
        }
        return fold;
    }

    private static void shuffle(int[] a, int length, SplittableRandom random) {
        for (int i = length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The cross-fitted predictions, {@code get(i, a) = q(x_i, a)} from the model that did not see row i. */
    public ActionTable predictions() {
        return predictions;
    }

    /** The fold of row {@code i}: its predictions come from the model trained on the other folds. */
    public int fold(int i) {
        return fold[i];
    }

    /** The k fitted models: {@code predictions().get(i, a)} is {@code models()} fold {@code fold(i)}'s q at row i. */
    public RewardModelFolds models() {
        return models;
    }

    /** The settings of the fit. */
    public Settings settings() {
        return settings;
    }

    /** Training one fold's model and scoring that fold. */
    private static final class FoldFit {
        private final float[] contexts;
        private final int dim;
        private final BanditLog log;
        private final Settings settings;
        private final int[] fold;
        private final int held;
        private final float[] mean;
        private final float[] scale;
        private final float rewardMean;
        private final float rewardScale;

        FoldFit(float[] contexts, int dim, BanditLog log, Settings settings, int[] fold, int held) {
            this.contexts = contexts;
            this.dim = dim;
            this.log = log;
            this.settings = settings;
            this.fold = fold;
            this.held = held;
            double[] sum = new double[dim];
            double[] sumSquares = new double[dim];
            double rewardSum = 0;
            double rewardSquares = 0;
            int count = 0;
            for (int i = 0; i < log.size(); i++) {
                if (fold[i] == held) {
                    continue;
                }
                count++;
                for (int j = 0; j < dim; j++) {
                    double x = contexts[i * dim + j];
                    sum[j] += x;
                    sumSquares[j] += x * x;
                }
                rewardSum += log.reward(i);
                rewardSquares += log.reward(i) * log.reward(i);
            }
            mean = new float[dim];
            scale = new float[dim];
            for (int j = 0; j < dim; j++) {
                double m = sum[j] / count;
                mean[j] = (float) m;
                scale[j] = (float) standardDeviation(sumSquares[j] / count - m * m);
            }
            double m = rewardSum / count;
            rewardMean = (float) m;
            rewardScale = (float) standardDeviation(rewardSquares / count - m * m);
        }

        private static double standardDeviation(double variance) {
            double sd = Math.sqrt(Math.max(variance, 0));
            return sd > 1e-12 ? sd : 1;
        }

        private void standardised(int row, float[] out, int offset) {
            for (int j = 0; j < dim; j++) {
                out[offset + j] = (contexts[row * dim + j] - mean[j]) / scale[j];
            }
        }

        /** Trains on the other folds with {@code random}'s streams, then copies each layer's weights and biases out. */
        void run(NDManager root, SplittableRandom random, float[][] weights, float[][] biases) {
            Block net = Mlp.of(log.actions(), false, settings.hidden());
            net.setInitializer(xavierUniform(random.split()), Parameter.Type.WEIGHT);
            net.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
            try (NDManager model = root.newSubManager()) {
                net.initialize(model, DataType.FLOAT32, new Shape(1, dim));
                for (Parameter p : net.getParameters().values()) {
                    p.getArray().setRequiresGradient(true);
                }
                train(net, model, random.split());
                int w = 0;
                int b = 0;
                for (Parameter p : net.getParameters().values()) {
                    if (p.getType() == Parameter.Type.WEIGHT) {
                        weights[w++] = p.getArray().toFloatArray();
                    } else {
                        biases[b++] = p.getArray().toFloatArray();
                    }
                }
            }
        }

        private static Initializer xavierUniform(SplittableRandom random) {
            return (manager, shape, dataType) -> {
                long fanOut = shape.get(0);
                long fanIn = shape.dimension() > 1 ? shape.size() / fanOut : 1;
                double bound = Math.sqrt(6.0 / (fanIn + fanOut));
                float[] values = new float[Math.toIntExact(shape.size())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
                }
                return manager.create(values, shape).toType(dataType, false);
            };
        }

        private void train(Block net, NDManager model, SplittableRandom random) {
            int k = log.actions();
            int[] rows = new int[log.size()];
            int count = 0;
            for (int i = 0; i < log.size(); i++) {
                if (fold[i] != held) {
                    rows[count++] = i;
                }
            }
            int batch = Math.min(settings.batchSize(), count);
            float[] x = new float[batch * dim];
            float[] mask = new float[batch * k];
            float[] y = new float[batch];
            ParameterStore parameters = new ParameterStore(model, false);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(settings.learningRate())).build();
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                shuffle(rows, count, random);
                for (int start = 0; start < count; start += batch) {
                    int b = Math.min(batch, count - start);
                    Arrays.fill(mask, 0);
                    for (int r = 0; r < b; r++) {
                        int i = rows[start + r];
                        standardised(i, x, r * dim);
                        mask[r * k + log.action(i)] = 1;
                        y[r] = (float) ((log.reward(i) - rewardMean) / rewardScale);
                    }
                    try (NDManager step = model.newSubManager()) {
                        NDArray input = step.create(FloatBuffer.wrap(x, 0, b * dim), new Shape(b, dim));
                        NDArray taken = step.create(FloatBuffer.wrap(mask, 0, b * k), new Shape(b, k));
                        NDArray target = step.create(FloatBuffer.wrap(y, 0, b), new Shape(b));
                        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                            NDArray out = net.forward(parameters, new NDList(input), true).singletonOrThrow();
                            NDArray predicted = out.mul(taken).sum(new int[] {1});
                            collector.backward(Regression.halfSquaredError(predicted, target));
                        }
                        for (Parameter p : net.getParameters().values()) {
                            try (NDArray gradient = p.getArray().getGradient()) {
                                adam.update(p.getId(), p.getArray(), gradient);
                            }
                        }
                    }
                }
            }
        }

    }
}
