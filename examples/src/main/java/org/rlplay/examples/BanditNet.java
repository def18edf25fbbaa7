package org.rlplay.examples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.rlplay.algos.loss.Categorical;
import org.rlplay.algos.ope.ActionDistribution;
import org.rlplay.algos.ope.bandit.ActionTable;
import org.rlplay.algos.ope.bandit.BanditEstimator;
import org.rlplay.algos.ope.bandit.BanditEvaluation;
import org.rlplay.algos.ope.bandit.BanditLog;
import org.rlplay.algos.ope.bandit.LoggedDecisions;
import org.rlplay.actor.Actor;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;
import org.rlplay.examples.train.BanditLogs;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.record.ingest.LogImport;

/**
 * BanditNet (Joachims, Swaminathan and de Rijke 2018, "Deep learning with logged bandit feedback"):
 * a softmax policy learnt from a contextual-bandit log alone, by maximising its self-normalised
 * IPS value. SNIPS is a ratio, {@code sum_i r_i w_i / sum_i w_i} with {@code w_i = pi(a_i|x_i) /
 * p_i}; BanditNet fixes the denominator through a Lagrange multiplier, which turns the ratio into
 * the translated IPS objective below, and picks the multiplier from a grid by the SNIPS value on
 * rows held out from training.
 *
 * <pre>
 * policy pi(a|x): a tanh MLP giving logits; data (x_i, a_i, r_i, p_i), 20% of rows held out
 * for lambda in lambdas:
 *     repeat steps times:
 *         batch of training rows
 *         L      = -mean( (r_i - lambda) * pi(a_i|x_i) / p_i )     (translated IPS)
 *         theta  = Adam(theta, clip(grad L))
 *     score  = SNIPS of pi on the held-out rows
 * keep the pi of the best score
 * </pre>
 * The translation matters: with rewards in [0, 1], plain IPS ({@code lambda = 0}) is maximised by
 * any policy that piles probability on logged actions regardless of their reward (the propensity
 * overfitting of Swaminathan and Joachims 2015), which a lambda near the value of a good policy
 * penalises.
 *
 * <p>As an offline algorithm, {@code train --data DIR --algo banditnet} learns from a dataset of
 * one-step episodes with the behaviour's probabilities as actor info ({@code probs}, as
 * {@code rlplay bandit-demo} and {@code rlplay record} write it, or the {@code propensity} of
 * {@code rlplay import}); its budget ({@code --steps}) counts the gradient steps of the whole sweep,
 * split evenly between the lambdas; the checkpoint holds the policy of the chosen lambda, which
 * {@code eval} and {@code ope} run greedily. {@code rlplay bandit-demo} calls {@link #train} on
 * decisions it holds in memory. A stateless singleton; everything runs on the caller's thread.
 */
public final class BanditNet implements Algorithm<BanditNet.Hyperparameters> {
    /** The {@code train --data} name. */
    public static final String NAME = "banditnet";

    /**
     * @param batchSize   rows per gradient step
     * @param lr          Adam learning rate
     * @param maxGradNorm global gradient-norm clip
     * @param hidden      hidden widths of the MLP
     * @param lambdas     the translations tried, each a value in reward units
     * @param holdout     fraction of the rows held out to choose lambda, in (0, 1)
     */
    public record Hyperparameters(int batchSize, float lr, float maxGradNorm, int[] hidden, double[] lambdas,
                                  double holdout) {
        public Hyperparameters {
            if (batchSize < 1 || !(lr > 0) || !(maxGradNorm > 0) || hidden.length == 0
                    || lambdas.length == 0 || !(holdout > 0 && holdout < 1)) {
                throw new IllegalArgumentException("banditnet hyperparameters: need batchSize >= 1, lr, maxGradNorm"
                        + " > 0, at least one hidden layer and one lambda, and holdout in (0, 1)");
            }
        }
    }

    /** Gradient steps per lambda of the defaults. */
    public static final int DEFAULT_STEPS = 1500;

    /** Called after every gradient step of {@link #sweep}: the lambda being trained, the step (from 1), the loss. */
    @FunctionalInterface
    public interface StepHook {
        void afterStep(double lambda, int step, float loss);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean offline() {
        return true;
    }

    /** The demonstration's sweep: {@value #DEFAULT_STEPS} steps for each of the three default lambdas. */
    @Override
    public long defaultSteps() {
        return (long) DEFAULT_STEPS * defaults().lambdas().length;
    }

    @Override
    public Class<Hyperparameters> hyperparameterType() {
        return Hyperparameters.class;
    }

    @Override
    public Hyperparameters defaults(String env) {
        return defaults();
    }

    /** The networks: {@code "policy"}, contexts (a float vector) to logits. */
    @Override
    public Networks networks(Hyperparameters h, Space observations, Space actions) {
        if (observations.storageType() != ElementType.FLOAT32 || observations.shape().length != 1) {
            throw new IllegalArgumentException("banditnet takes contexts that are float vectors, not " + observations);
        }
        return policyNetworks(h, observations.size(), Layers.discreteActions(actions, name()));
    }

    /**
     * The decisions of the run's dataset, then {@link #sweep} in the run's networks with
     * {@code budget / lambdas} steps per lambda, each step one update of the run.
     */
    @Override
    public void train(Hyperparameters h, Run run) {
        int lambdas = h.lambdas().length;
        UsageException.require(run.budget() % lambdas == 0, "--steps " + run.budget() + ": banditnet splits its steps"
                + " evenly between its " + lambdas + " lambdas; give a multiple of " + lambdas);
        Path data = run.dataset().directories().get(0);
        String column = BanditLogs.behaviourColumn(run.dataset(), data, LogImport.PROBS);
        LoggedDecisions decisions = BanditLogs.read(run.dataset(), data, column);
        long[] done = {0};
        Choice choice = sweep(decisions, h, (int) (run.budget() / lambdas), run.seed(), run.networks(), null,
                (lambda, step, loss) -> {
                    run.log("loss", loss);
                    run.log("lambda", lambda);
                    if (++done[0] < run.budget()) {
                        run.endUpdate();
                    }
                });
        // the last update ends after the choice, so that the last metrics row holds it
        run.log("chosen_lambda", choice.lambda());
        run.log("held_out_snips", choice.heldOutSnips());
        run.endUpdate();
    }

    @Override
    public Actor greedyActor(Hyperparameters h, Networks networks, Space actions) {
        return new CategoricalActor(networks.get("policy"), Layers.discreteActions(actions, name()), 0, true);
    }

    /** Defaults that learn ContextualBandit-v0's policies from 100k decisions in about a minute ({@value #DEFAULT_STEPS} steps per lambda). */
    public static Hyperparameters defaults() {
        return new Hyperparameters(512, 3e-3f, 1f, new int[] {64}, new double[] {0.4, 0.6, 0.8}, 0.2);
    }

    /** The networks: {@code "policy"}, contexts of {@code contextSize} features to logits. */
    public static Networks policyNetworks(Hyperparameters h, int contextSize, int numActions) {
        Networks nets = new Networks();
        nets.add("policy", Mlp.of(numActions, true, h.hidden()), new Shape(1, contextSize));
        return nets;
    }

    /** The result: the chosen policy's networks (the caller closes them), its lambda and held-out SNIPS. */
    public record Result(Networks networks, double lambda, double heldOutSnips) {
    }

    /**
     * Learns a policy from {@code data} with {@code steps} gradient steps per lambda, in networks
     * built after seeding DJL's generator with {@code seed}; the caller owns (closes) the returned
     * networks.
     */
    public static Result train(LoggedDecisions data, Hyperparameters h, int steps, long seed, PrintWriter log) {
        Engine.getInstance().setRandomSeed((int) seed);
        Networks nets = policyNetworks(h, data.contextSize(), data.log().actions());
        try {
            Choice c = sweep(data, h, steps, seed, nets, log, null);
            return new Result(nets, c.lambda(), c.heldOutSnips());
        } catch (RuntimeException e) {
            nets.close();
            throw e;
        }
    }

    /** The lambda {@link #sweep} chose and its held-out SNIPS value. */
    public record Choice(double lambda, double heldOutSnips) {
    }

    /**
     * The lambda sweep in {@code nets} ({@link #policyNetworks}, not owned): every lambda starts from the
     * weights {@code nets} holds on entry, with an Adam of its own, for {@code steps} gradient
     * steps; on return {@code nets} holds the weights of the lambda with the best held-out SNIPS.
     *
     * @param log  where progress lines go, or {@code null}
     * @param hook called after every step, or {@code null}
     */
    public static Choice sweep(LoggedDecisions data, Hyperparameters h, int steps, long seed, Networks nets,
                               PrintWriter log, StepHook hook) {
        if (steps < 1) {
            throw new IllegalArgumentException("banditnet: need at least one step per lambda, got " + steps);
        }
        BanditLog bandit = data.log();
        int n = bandit.size();
        int d = data.contextSize();
        float[] contexts = data.contexts();
        // the held-out rows, chosen by the seed alone
        int[] order = shuffled(n, new SplittableRandom(seed));
        int held = Math.max(1, (int) Math.round(n * h.holdout()));
        int[] validation = Arrays.copyOfRange(order, 0, held);
        int[] training = Arrays.copyOfRange(order, held, n);
        if (training.length == 0) {
            throw new IllegalArgumentException("banditnet: " + n + " decisions leave none to train on after holding out "
                    + held);
        }
        Block policy = nets.get("policy");
        List<Parameter> parameters = nets.trainable();
        float[][] initial = snapshot(parameters);
        float[][] bestWeights = null;
        Choice best = null;
        for (double lambda : h.lambdas()) {
            restore(parameters, initial);
            ParameterStore store = new ParameterStore(nets.manager(), false);
            GradientStep adam = new GradientStep(nets, h.lr(), null, 1e-8f, h.maxGradNorm());
            SplittableRandom rng = new SplittableRandom(seed + 1);
            int batch = Math.min(h.batchSize(), training.length);
            float[] x = new float[batch * d];
            int[] a = new int[batch];
            float[] coefficient = new float[batch];
            for (int step = 1; step <= steps; step++) {
                for (int b = 0; b < batch; b++) {
                    int i = training[rng.nextInt(training.length)];
                    System.arraycopy(contexts, i * d, x, b * d, d);
                    a[b] = bandit.action(i);
                    coefficient[b] = (float) ((bandit.reward(i) - lambda) / bandit.propensity(i));  // (r - lambda) / p
                }
                float loss;
                try (NDManager m = nets.manager().newSubManager()) {
                    NDArray s = m.create(FloatBuffer.wrap(x), new Shape(batch, d));
                    NDArray taken = m.create(a, new Shape(batch));
                    NDArray c = m.create(FloatBuffer.wrap(coefficient), new Shape(batch));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = policy.forward(store, new NDList(s), true).singletonOrThrow();
                        NDArray pi = Categorical.logProb(logits, taken).exp();          // pi(a_i | x_i)
                        NDArray l = pi.mul(c).mean().neg();
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    adam.step();
                }
                if (log != null && (step % 500 == 0 || step == steps)) {
                    log.printf("banditnet lambda %.2f step %d/%d: translated IPS loss %.4f%n", lambda, step, steps, loss);
                    log.flush();
                }
                if (hook != null) {
                    hook.afterStep(lambda, step, loss);
                }
            }
            double score = heldOutSnips(bandit, data, validation, policy, nets.manager());
            if (log != null) {
                log.printf("banditnet lambda %.2f: held-out SNIPS %.4f%n", lambda, score);
                log.flush();
            }
            if (best == null || score > best.heldOutSnips()) {
                best = new Choice(lambda, score);
                bestWeights = snapshot(parameters);
            }
        }
        restore(parameters, bestWeights);
        return best;
    }

    private static float[][] snapshot(List<Parameter> parameters) {
        float[][] values = new float[parameters.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = parameters.get(i).getArray().toFloatArray();
        }
        return values;
    }

    private static void restore(List<Parameter> parameters, float[][] values) {
        for (int i = 0; i < values.length; i++) {
            parameters.get(i).getArray().set(FloatBuffer.wrap(values[i]));
        }
    }

    /** SNIPS of the policy on the validation rows. */
    private static double heldOutSnips(BanditLog bandit, LoggedDecisions data, int[] rows, Block policy,
                                       NDManager manager) {
        int d = data.contextSize();
        int k = bandit.actions();
        float[] x = new float[rows.length * d];
        int[] action = new int[rows.length];
        double[] reward = new double[rows.length];
        double[] propensity = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(data.contexts(), rows[r] * d, x, r * d, d);
            action[r] = bandit.action(rows[r]);
            reward[r] = bandit.reward(rows[r]);
            propensity[r] = bandit.propensity(rows[r]);
        }
        double[] pi = new double[rows.length * k];
        ActionDistribution.fromLogitsBlock(policy, d, manager).probabilities(x, rows.length, pi);
        BanditLog held = BanditLog.of(k, action, reward, propensity);
        return BanditEstimator.snips().value(BanditEvaluation.of(held, ActionTable.wrap(k, normalised(pi, k))));
    }

    /** Rows renormalised in double precision (the float32 softmax sums to 1 within ~1e-7). */
    static double[] normalised(double[] pi, int k) {
        for (int r = 0; r < pi.length / k; r++) {
            double sum = 0;
            for (int a = 0; a < k; a++) {
                sum += pi[r * k + a];
            }
            for (int a = 0; a < k; a++) {
                pi[r * k + a] /= sum;
            }
        }
        return pi;
    }

    private static int[] shuffled(int n, SplittableRandom random) {
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
        return order;
    }
}
