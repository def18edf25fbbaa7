package org.rlplay.examples;

import static org.rlplay.examples.train.Hyperparameters.require;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rlplay.actor.Actor;
import org.rlplay.algos.loss.Gaussian;
import org.rlplay.algos.loss.Regression;
import org.rlplay.algos.loss.Scale;
import org.rlplay.algos.loss.TargetNetworks;
import org.rlplay.algos.policy.EnsembleMlp;
import org.rlplay.algos.policy.GaussianActor;
import org.rlplay.algos.policy.GaussianPolicy;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.algos.replay.ReplayBuffer;
import org.rlplay.algos.state.Resumable;
import org.rlplay.algos.state.ResumableLong;
import org.rlplay.algos.state.ResumableRandom;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Space;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.rollout.EpisodeWindow;
import org.rlplay.rollout.Rollout;

/**
 * Soft actor-critic (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and Applications") with
 * twin Q networks, Polyak-averaged targets and an automatically tuned entropy temperature, for
 * {@code Box} actions, after CleanRL's {@code sac_continuous_action.py}.
 *
 * <pre>
 * actor pi(.|x): a ReLU MLP giving mean and log-std (squashed into [-5, 2]) of u ~ N; a = bias + scale * tanh(u)
 * critics Q1, Q2 (x, a) and targets Q1', Q2': ReLU MLPs (one two-member ensemble each), Q' = Q at the start
 * alpha = exp(log_alpha)
 * for each fragment of T steps from N envs (uniform random actions, each held for R steps, until learning
 * starts; then drawn from pi):
 *     D = D + transitions (s, a, r, s', done) of the fragment   s' = finalObs where an episode was truncated,
 *                                                                done only where it terminated
 *     once learning has started, G times:
 *         sample a minibatch from D
 *         a' ~ pi(.|s'), y = r + gamma * (1 - done) * (min(Q1'(s', a'), Q2'(s', a')) - alpha * log pi(a'|s'))
 *         L_Q   = 0.5 * mean((Q1(s, a) - y)^2) + 0.5 * mean((Q2(s, a) - y)^2);       theta_Q = Adam(theta_Q, grad L_Q)
 *         every F-th update, F times:                                                (TD3's delayed policy update)
 *             a~ ~ pi(.|s) (reparameterised), L_pi = mean(alpha * log pi(a~|s) - min(Q1(s, a~), Q2(s, a~)))
 *             theta_pi = Adam(theta_pi, grad L_pi)
 *             L_alpha = -mean(exp(log_alpha) * (log pi(a~|s) + H_target)),  H_target = -dim(A)
 *             log_alpha = Adam(log_alpha, grad L_alpha)
 *         Q' = tau * Q + (1 - tau) * Q'
 * </pre>
 * {@code log pi(a|s)} is the density of the rescaled action: with the draw {@code u = mean + std * eps},
 * {@code log N(u) = sum(-eps^2 / 2 - logStd) - D/2 log(2 pi)}, less tanh's change of variables
 * ({@link Gaussian#tanhLogJacobian}) and the box's scale ({@link Gaussian#logScale}). The temperature
 * starts at {@code alpha} (CleanRL's autotuning starts at 1) and its step reuses the actor step's
 * samples (CleanRL draws them again after the actor update). The replay buffer and the temperature
 * live in memory only: a resumed run starts with an empty buffer and the initial {@code alpha}, and
 * waits for {@code learningStarts} new transitions before learning again.
 */
public final class Sac implements Algorithm<Sac.Hyperparameters> {
    private static final float LOG_STD_MIN = -5f;
    private static final float LOG_STD_MAX = 2f;
    /** What the loop logs: the losses, the critics' values, the entropy estimate, alpha, and the mean return of the last 20 episodes. */
    private static final String[] METRICS = {"q_loss", "q_value", "actor_loss", "entropy", "alpha", "mean_return_20"};

    /**
     * The hyperparameters (CleanRL's defaults, except where noted in {@link #defaults}).
     *
     * @param numEnvs         N, envs stepped together
     * @param length          T, env steps per env between updates
     * @param gradientSteps   G, updates per fragment (T * N keeps one update per env step)
     * @param gamma           discount
     * @param tau             Polyak step of the target critics
     * @param bufferSize      replay capacity, in transitions
     * @param batchSize       minibatch size
     * @param learningStarts  env-steps of uniform random actions before the first update
     * @param warmupRepeat    each of those random actions is held for this many steps (1: independent draws)
     * @param policyLr        Adam learning rate of the actor
     * @param qLr             Adam learning rate of the critics
     * @param alphaLr         Adam learning rate of log(alpha)
     * @param policyFrequency F: the actor and alpha take F steps every F-th update
     * @param autotune        tune alpha towards the target entropy; otherwise alpha stays {@code alpha}
     * @param alpha           the initial (autotune) or fixed temperature
     * @param hidden          hidden widths of the actor and of each critic
     */
    public record Hyperparameters(int numEnvs, int length, int gradientSteps, float gamma, float tau, int bufferSize,
                                  int batchSize, long learningStarts, int warmupRepeat, float policyLr, float qLr, float alphaLr,
                                  int policyFrequency, boolean autotune, float alpha, int[] hidden) {
        public Hyperparameters {
            require("sac", numEnvs >= 1 && length >= 1 && gradientSteps >= 1, "numEnvs, length, gradientSteps must be >= 1");
            require("sac", gamma >= 0 && gamma <= 1, "gamma must be in [0, 1]");
            require("sac", tau > 0 && tau <= 1, "tau must be in (0, 1]");
            require("sac", bufferSize >= 1 && batchSize >= 1, "bufferSize and batchSize must be >= 1");
            require("sac", learningStarts >= 0 && warmupRepeat >= 1, "learningStarts must be >= 0, warmupRepeat >= 1");
            require("sac", policyLr > 0 && qLr > 0 && alphaLr > 0, "policyLr, qLr and alphaLr must be > 0");
            require("sac", policyFrequency >= 1, "policyFrequency must be >= 1");
            require("sac", alpha > 0, "alpha must be > 0");
            require("sac", hidden.length >= 1 && java.util.Arrays.stream(hidden).allMatch(w -> w >= 1), "hidden widths must be >= 1");
        }
    }

    /**
     * CleanRL's defaults (one update per env step, here four after every four steps of one env, which
     * halves the engine's and the actor's per-fragment work), except: learning after 1,000 random
     * steps instead of 5,000; for the classic control tasks hidden layers of 64 instead of 256 (about
     * a fifteenth of the arithmetic per update; they need no more); the temperature starting at 0.2.
     * MountainCarContinuous-v0 explores: 5,000 warm-up steps whose random forces are held for 25
     * steps each (bang-bang pushes that reach the flag in most warm-up episodes, where independent
     * draws never do).
     */
    @Override
    public Hyperparameters defaults(String env) {
        boolean classic = env.endsWith("Pendulum-v1") || env.endsWith("MountainCarContinuous-v0");
        int[] hidden = classic ? new int[] {64, 64} : new int[] {256, 256};
        boolean mountainCar = env.endsWith("MountainCarContinuous-v0");
        return new Hyperparameters(1, 4, 4, 0.99f, 0.005f, 1_000_000, 256, mountainCar ? 5_000 : 1_000,
                mountainCar ? 25 : 1, 3e-4f, 1e-3f, 1e-3f, 2, true, 0.2f, hidden);
    }

    /** 30,000 env-steps: Pendulum-v1 is solved well within them. */
    @Override
    public long defaultSteps() {
        return 30_000;
    }

    @Override
    public Networks networks(Hyperparameters h, Space observations, Space actions) {
        Box box = box(actions);
        int dims = box.size();
        Shape obs = new Shape(1, observations.size());
        Shape obsAct = new Shape(1, observations.size() + dims);     // the critics see [x, a]
        Networks nets = new Networks();
        nets.add("actor", GaussianPolicy.stateDependent(Layers.torchLinearInit(Mlp.of(2 * dims, false, h.hidden())), dims,
                LOG_STD_MIN, LOG_STD_MAX), obs);
        Block critics = nets.add("critics", new EnsembleMlp(2, 1, h.hidden()), obsAct);
        Block targets = nets.addFrozen("targets", new EnsembleMlp(2, 1, h.hidden()), obsAct);
        TargetNetworks.hardUpdate(critics, targets);
        return nets;
    }

    @Override
    public void train(Hyperparameters h, Run run) {
        Networks nets = run.networks();
        Block actor = nets.get("actor");
        Block critics = nets.get("critics");                 // Q1 and Q2 as one ensemble: (x, a) -> (2, B)
        Block targets = nets.get("targets");
        Box box = box(run.actionSpace());
        int dims = box.size();
        float[] bias = new float[dims];
        float[] scale = new float[dims];
        for (int i = 0; i < dims; i++) {
            bias[i] = (box.high(i) + box.low(i)) / 2;
            scale[i] = (box.high(i) - box.low(i)) / 2;
        }
        float logScale = Gaussian.logScale(scale);
        float targetEntropy = -dims;
        ParameterStore parameters = new ParameterStore(nets.manager(), false);
        GradientStep actorAdam = run.keep("actor-optimizer",
                new GradientStep(trainable(actor), h.policyLr(), null, 1e-8f, Float.POSITIVE_INFINITY));
        GradientStep qAdam = run.keep("critic-optimizer",
                new GradientStep(trainable(critics), h.qLr(), null, 1e-8f, Float.POSITIVE_INFINITY));
        Temperature alpha = run.keep("temperature", new Temperature(h.alpha(), h.alphaLr()));
        ReplayBuffer replay = run.keep("replay", new ReplayBuffer(run.observationSpace(), box, h.bufferSize()));
        TransitionBatch batch = replay.newBatch(h.batchSize());
        ResumableRandom sampler = run.keep("sampler", new ResumableRandom(run.seed()));
        EpisodeWindow last20 = new EpisodeWindow(20);
        long startSteps = run.keep("start-steps", new ResumableLong(run.envSteps())).get();
        long updates = 0;
        List<GaussianActor> actors = new ArrayList<>();
        for (String metric : METRICS) {
            run.log(metric, Double.NaN);       // the metrics file's first row fixes its columns; NaN until learning
        }

        try (Rollout rollout = run.rollout(h.numEnvs(), h.length(), "actor", (block, collector) -> {
            GaussianActor a = new GaussianActor(block, box, true, run.seed() + collector, false);
            a.uniform(h.learningStarts() > 0);
            a.uniformRepeat(h.warmupRepeat());
            actors.add(a);
            return a;
        }); NDManager constants = nets.manager().newSubManager()) {
            NDArray biasArray = constants.create(bias, new Shape(1, dims));
            NDArray scaleArray = constants.create(scale, new Shape(1, dims));
            for (Fragment f : rollout) {
                replay.add(f);
                last20.addAll(f.episodes());
                boolean learning = run.envSteps() - startSteps >= h.learningStarts();
                if (learning) {
                    actors.forEach(a -> a.uniform(false));
                    for (int g = 0; g < h.gradientSteps(); g++) {
                        replay.sample(sampler, batch);
                        updates++;
                        boolean log = updates % 100 == 0;
                        try (NDManager m = nets.manager().newSubManager()) {
                            NDArray s = batch.obs(m);
                            NDArray a = batch.act(m);
                            NDArray nextS = batch.nextObs(m);
                            // 1. soft Bellman targets under the target critics (no gradient)
                            Sample next = sample(actor, parameters, nextS, biasArray, scaleArray, logScale, false);
                            NDArray nextQ = q(targets, parameters, nextS, next.action(), false).min(new int[] {0});
                            NDArray softValue = nextQ.sub(Scale.by(next.logProb(), alpha.value()));
                            NDArray notDone = batch.done(m).neg().add(1f);
                            NDArray y = batch.rew(m).add(Scale.by(notDone.mul(softValue), h.gamma()));
                            // 2. the critics
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                NDArray qa = q(critics, parameters, s, a, true);                  // (2, B)
                                NDArray qLoss = Scale.by(Regression.halfSquaredError(qa, y.broadcast(qa.getShape())), 2f);
                                gc.backward(qLoss);
                                if (log) {
                                    run.log("q_loss", qLoss.getFloat());
                                    run.log("q_value", qa.mean().getFloat());
                                }
                            }
                            qAdam.step();
                            // 3. the actor and the temperature, F steps every F-th update
                            if (updates % h.policyFrequency() == 0) {
                                for (int k = 0; k < h.policyFrequency(); k++) {
                                    float meanLogProb;
                                    critics.freezeParameters(true);     // L_pi moves the actor only: no gradients for the critics
                                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                        Sample pi = sample(actor, parameters, s, biasArray, scaleArray, logScale, true);
                                        NDArray qPi = q(critics, parameters, s, pi.action(), true).min(new int[] {0});
                                        NDArray actorLoss = Scale.by(pi.logProb(), alpha.value()).sub(qPi).mean();
                                        gc.backward(actorLoss);
                                        meanLogProb = pi.logProb().mean().getFloat();
                                        if (log && k == 0) {
                                            run.log("actor_loss", actorLoss.getFloat());
                                        }
                                    } finally {
                                        critics.freezeParameters(false);
                                    }
                                    actorAdam.step();
                                    if (h.autotune()) {
                                        alpha.step(meanLogProb + targetEntropy);
                                    }
                                    if (log && k == 0) {
                                        run.log("entropy", -meanLogProb);
                                        run.log("alpha", alpha.value());
                                    }
                                }
                            }
                        }
                        // 4. the target critics
                        TargetNetworks.polyakUpdate(critics, targets, h.tau());
                    }
                    rollout.publish();
                }
                if (last20.size() == 20) {
                    run.log("mean_return_20", last20.meanReturn());
                }
                if (!run.endIteration(f)) {
                    break;
                }
            }
        }
    }

    /** A reparameterised draw from pi(.|x): the action in the box and its log-density, (B, dims) and (B). */
    private record Sample(NDArray action, NDArray logProb) {
    }

    private static Sample sample(Block actor, ParameterStore parameters, NDArray x, NDArray bias, NDArray scale,
                                 float logScale, boolean training) {
        NDList dist = actor.forward(parameters, new NDList(x), training);
        NDArray mean = dist.get(0);
        NDArray logStd = dist.get(1);
        NDArray eps = x.getManager().randomNormal(mean.getShape());
        NDArray u = mean.add(logStd.exp().mul(eps));
        NDArray action = u.tanh().mul(scale).add(bias);
        // log N(u; mean, std) with (u - mean) / std = eps, then tanh's and the box's change of variables
        int dims = (int) mean.getShape().get(1);
        NDArray logN = Scale.by(eps.square(), -0.5f).sub(logStd).sum(new int[] {1}).sub(dims * Gaussian.HALF_LOG_TWO_PI);
        NDArray logProb = logN.sub(Gaussian.tanhLogJacobian(u)).sub(logScale);
        return new Sample(action, logProb);
    }

    /** Q1(x, a) and Q2(x, a) as (2, B). */
    private static NDArray q(Block critic, ParameterStore parameters, NDArray x, NDArray a, boolean training) {
        return critic.forward(parameters, new NDList(NDArrays.concat(new NDList(x, a), 1)), training)
                .singletonOrThrow().squeeze(-1);
    }

    /**
     * The entropy temperature {@code alpha = exp(log_alpha)}, one scalar, tuned by Adam on the host
     * (PyTorch's defaults: betas 0.9, 0.999, eps 1e-8): the gradient of
     * {@code L_alpha = -exp(log_alpha) * mean(log pi + H_target)} with respect to {@code log_alpha}
     * is {@code -exp(log_alpha) * mean(log pi + H_target)}.
     */
    private static final class Temperature implements Resumable {
        private final float lr;
        private double logAlpha;
        private double m;
        private double v;
        private long t;

        Temperature(float initial, float lr) {
            this.logAlpha = Math.log(initial);
            this.lr = lr;
        }

        float value() {
            return (float) Math.exp(logAlpha);
        }

        /** One Adam step on L_alpha, given {@code mean(log pi) + H_target} of the actor step's samples. */
        void step(double meanLogProbPlusTarget) {
            double grad = -Math.exp(logAlpha) * meanLogProbPlusTarget;
            t++;
            m = 0.9 * m + 0.1 * grad;
            v = 0.999 * v + 0.001 * grad * grad;
            double mHat = m / (1 - Math.pow(0.9, t));
            double vHat = v / (1 - Math.pow(0.999, t));
            logAlpha -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
        }

        @Override
        public void saveState(DataOutput out) throws IOException {
            out.writeDouble(logAlpha);
            out.writeDouble(m);
            out.writeDouble(v);
            out.writeLong(t);
        }

        @Override
        public void restoreState(DataInput in) throws IOException {
            logAlpha = in.readDouble();
            m = in.readDouble();
            v = in.readDouble();
            t = in.readLong();
        }
    }

    private static List<Parameter> trainable(Block... blocks) {
        List<Parameter> out = new ArrayList<>();
        for (Block b : blocks) {
            b.getParameters().forEach(p -> {
                if (p.getValue().requiresGradient()) {
                    out.add(p.getValue());
                }
            });
        }
        return out;
    }

    private static Box box(Space actions) {
        if (!(actions instanceof Box b) || b.isDiscrete()) {
            throw new IllegalArgumentException("--algo sac needs a float Box action space, got " + actions);
        }
        for (int i = 0; i < b.size(); i++) {
            if (!Float.isFinite(b.low(i)) || !Float.isFinite(b.high(i)) || !(b.high(i) > b.low(i))) {
                throw new IllegalArgumentException("--algo sac squashes actions into the action space's bounds,"
                        + " which must be finite: got " + actions);
            }
        }
        return b;
    }

    @Override
    public boolean continuousActions() {
        return true;
    }

    @Override
    public Actor greedyActor(Hyperparameters h, Networks networks, Space actions) {
        return new GaussianActor(networks.get("actor"), box(actions), true, 0, true);
    }

    @Override
    public String name() {
        return "sac";
    }

    @Override
    public String defaultEnv() {
        return "Pendulum-v1";
    }

    @Override
    public Class<Hyperparameters> hyperparameterType() {
        return Hyperparameters.class;
    }
}
