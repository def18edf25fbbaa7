package org.rlplay.examples;

import static org.rlplay.examples.train.Hyperparameters.require;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.rlplay.actor.Actor;
import org.rlplay.algos.loss.ClippedSurrogate;
import org.rlplay.algos.loss.Gaussian;
import org.rlplay.algos.loss.PolicyGradient;
import org.rlplay.algos.loss.Scale;
import org.rlplay.algos.policy.GaussianActor;
import org.rlplay.algos.policy.GaussianPolicy;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.algos.policy.RunningNorm;
import org.rlplay.algos.returns.NdReturns;
import org.rlplay.algos.returns.Trajectory;
import org.rlplay.env.space.Box;
import org.rlplay.env.space.Space;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;

/**
 * Proximal policy optimisation for {@code Box} actions (Schulman et al. 2017), after CleanRL's
 * {@code ppo_continuous_action.py}: a diagonal Gaussian policy with a state-independent learnt
 * log-std, observation and reward normalisation, and actions clipped to the box. The
 * {@code --algo ppo} the command line runs when the env's actions are continuous.
 *
 * <pre>
 * policy pi(u|x) = N(mu(norm(x)), exp(log_std)); the env gets clip(u, low, high)
 * critic V(norm(x)); norm: running mean and variance of the observations, clipped to [-10, 10]
 * for each fragment of T steps from N envs, collected by pi_old:
 *     r~     = clip(r / sqrt(var(R) + 1e-8), -10, 10)   R: per env discounted return, R = gamma * R * (1 - terminated) + r
 *     logp_old = the actor's logProb of its unclipped draw u (info "sample")
 *     v = V(obs[0..T]);  A = GAE(r~, ...);  G = A + v[0..T-1]
 *     repeat for K epochs, over a fresh shuffle of the T*N samples in minibatches b:
 *         ratio  = exp(log pi(u|x) - logp_old)
 *         L_clip = -mean(min(ratio * A_b, clip(ratio, 1 - eps, 1 + eps) * A_b))      A_b standardised per minibatch
 *         L_v    = 0.5 * mean(max((V(x) - G)^2, (v_old + clip(V(x) - v_old, -eps, eps) - G)^2))
 *         L      = L_clip - c_e * mean(H(pi(.|x))) + c_v * L_v
 *         theta  = Adam(theta, clip(grad L))
 *     update norm with obs[0..T-1]                      (after the update: the fragment was collected with the old statistics)
 * </pre>
 * The reward statistics live in memory only (a resumed run starts them afresh); the observation
 * statistics are parameters of the policy and are checkpointed with it.
 */
public final class PpoContinuous implements Algorithm<PpoContinuous.Hyperparameters> {

    /**
     * The hyperparameters (CleanRL's defaults for MuJoCo, except where {@link #defaults} says).
     *
     * @param numEnvs      N, envs stepped together
     * @param length       T, env steps per env between updates
     * @param lr           Adam learning rate
     * @param annealLr     decay the learning rate linearly to 0 over the budget
     * @param gamma        discount
     * @param lambda       GAE lambda
     * @param epochs       K, passes over each fragment
     * @param minibatches  minibatches per pass (T*N must be divisible by it)
     * @param clip         the ratio clip eps (also the value clip)
     * @param clipValue    clip the value loss as well
     * @param entCoef      entropy bonus weight c_e
     * @param vfCoef       value loss weight c_v
     * @param maxGradNorm  global gradient-norm clip
     * @param targetKl     stop the epochs of a fragment once the approximate KL exceeds it; 0 for never
     * @param normReward   scale rewards by the running standard deviation of the discounted return
     * @param initLogStd   the initial log-std of the policy
     * @param hidden       hidden widths of both MLPs
     */
    public record Hyperparameters(int numEnvs, int length, float lr, boolean annealLr, float gamma, float lambda,
                                  int epochs, int minibatches, float clip, boolean clipValue, float entCoef,
                                  float vfCoef, float maxGradNorm, float targetKl, boolean normReward,
                                  float initLogStd, int[] hidden) {
        public Hyperparameters {
            require("ppo", numEnvs >= 1 && length >= 1, "numEnvs and length must be >= 1");
            require("ppo", epochs >= 1 && minibatches >= 1, "epochs and minibatches must be >= 1");
            require("ppo", (numEnvs * length) % minibatches == 0, "numEnvs * length must be divisible by minibatches");
            require("ppo", lr > 0, "lr must be > 0");
            require("ppo", gamma >= 0 && gamma <= 1 && lambda >= 0 && lambda <= 1, "gamma and lambda must be in [0, 1]");
            require("ppo", clip > 0 && clip < 1, "clip must be in (0, 1)");
            require("ppo", entCoef >= 0 && vfCoef >= 0 && maxGradNorm > 0 && targetKl >= 0,
                    "entCoef, vfCoef, targetKl must be >= 0, maxGradNorm > 0");
            require("ppo", Float.isFinite(initLogStd), "initLogStd must be finite");
            require("ppo", hidden.length >= 1 && Arrays.stream(hidden).allMatch(w -> w >= 1), "hidden widths must be >= 1");
        }
    }

    /**
     * CleanRL's defaults (one env, T = 2048, 32 minibatches, 10 epochs, lr 3e-4); for Pendulum-v1
     * the settings of RL Baselines3 Zoo (4 envs, T = 1024, gamma 0.9, lr 1e-3), with which a
     * swing-up is learnt in about 10^5 steps instead of 10^6.
     */
    @Override
    public Hyperparameters defaults(String env) {
        if (env.endsWith("Pendulum-v1")) {
            return new Hyperparameters(4, 1024, 1e-3f, true, 0.9f, 0.95f, 10, 32, 0.2f, true, 0f, 0.5f, 0.5f, 0f, true,
                    0f, new int[] {64, 64});
        }
        return new Hyperparameters(1, 2048, 3e-4f, true, 0.99f, 0.95f, 10, 32, 0.2f, true, 0f, 0.5f, 0.5f, 0f, true,
                0f, new int[] {64, 64});
    }

    /** 1,000,000 env-steps, CleanRL's budget for continuous control. */
    @Override
    public long defaultSteps() {
        return 1_000_000;
    }

    @Override
    public Networks networks(Hyperparameters h, Space observations, Space actions) {
        Box box = box(actions);
        Shape input = new Shape(1, observations.size());
        Networks nets = new Networks();
        SequentialBlock policy = new SequentialBlock();
        policy.add(new RunningNorm(10f));
        policy.add(GaussianPolicy.learntLogStd(Layers.smallOutputLayer(Mlp.of(box.size(), true, h.hidden()), 0.01f),
                box.size(), h.initLogStd()));
        nets.add("policy", policy, input);
        nets.add("value", Mlp.of(1, true, h.hidden()), input);
        return nets;
    }

    @Override
    public void train(Hyperparameters h, Run run) {
        Block policy = run.networks().get("policy");
        RunningNorm norm = (RunningNorm) policy.getChildren().valueAt(0);   // the policy's first block
        Block value = run.networks().get("value");
        Box box = box(run.actionSpace());
        ParameterStore parameters = new ParameterStore(run.networks().manager(), false);
        GradientStep adam = run.adam(h.lr(), 1e-5f, h.maxGradNorm());
        SplittableRandom shuffle = new SplittableRandom(run.seed());
        RewardScale rewardScale = new RewardScale(h.numEnvs(), h.gamma());
        int batch = h.numEnvs() * h.length();
        int minibatch = batch / h.minibatches();

        try (Rollout rollout = run.rollout(h.numEnvs(), h.length(), behaviourBlock(),
                (block, collector) -> behaviourActor(h, block, run.actionSpace(), run.seed() + collector))) {
            for (Fragment f : rollout) {
                if (h.annealLr()) {
                    adam.learningRate(h.lr() * (float) Math.max(1e-3, 1 - run.fractionDone()));
                }
                try (NDManager m = run.networks().manager().newSubManager()) {
                    // 1. normalised rewards, observations, and what the behaviour policy recorded
                    Trajectory tr = h.normReward() ? rewardScale.apply(f) : Trajectory.of(f);
                    NDArray obs = norm.forward(parameters, new NDList(f.obs(m)), false).singletonOrThrow(); // (T+1, N, obs)
                    NDArray u = f.actorInfo("sample", m).get(":-1");                  // (T, N, D): unclipped draws
                    NDArray oldLogp = f.actorInfo("logProb", m).get(":-1");           // (T, N)
                    // 2. advantages and value targets under the current critic
                    NDArray v = value.forward(parameters, new NDList(obs), false).singletonOrThrow().squeeze(-1);
                    NDArray vFinal = Layers.anyTruncated(f)
                            ? value.forward(parameters, new NDList(norm.forward(parameters, new NDList(f.finalObs(m)),
                                    false).singletonOrThrow()), false).singletonOrThrow().squeeze(-1)
                            : null;
                    NDArray adv = NdReturns.gae(tr, v, vFinal, h.gamma(), h.lambda());   // (T, N)
                    NDArray ret = adv.add(v.get(":-1"));
                    // 3. flattened to B = T*N samples
                    NDArray bObs = obs.get(":-1").reshape(batch, -1);
                    NDArray bU = u.reshape(batch, -1);
                    NDArray bLogp = oldLogp.reshape(batch);
                    NDArray bAdv = adv.reshape(batch);
                    NDArray bRet = ret.reshape(batch);
                    NDArray bVal = v.get(":-1").reshape(batch);
                    // 4. K epochs of minibatch updates
                    long[] order = new long[batch];
                    for (int i = 0; i < batch; i++) {
                        order[i] = i;
                    }
                    Block head = policy.getChildren().valueAt(1);                     // the Gaussian head, after norm
                    epochs:
                    for (int epoch = 0; epoch < h.epochs(); epoch++) {
                        shuffle(order, shuffle);
                        for (int start = 0; start < batch; start += minibatch) {
                            try (NDManager mb = m.newSubManager()) {
                                NDIndex rows = new NDIndex("{}", mb.create(Arrays.copyOfRange(order, start, start + minibatch)));
                                NDArray x = bObs.get(rows);
                                NDArray draw = bU.get(rows);
                                NDArray logpOld = bLogp.get(rows);
                                NDArray advantages = PolicyGradient.normalize(bAdv.get(rows));
                                NDArray targets = bRet.get(rows);
                                NDArray vOld = bVal.get(rows);
                                double kl;
                                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                    NDList dist = head.forward(parameters, new NDList(x), true);
                                    NDArray logp = Gaussian.logProb(dist.get(0), dist.get(1), draw);
                                    NDArray policyLoss = ClippedSurrogate.loss(logp, logpOld,
                                            advantages, h.clip());
                                    NDArray entropy = Gaussian.entropy(dist.get(1)).mean();
                                    NDArray vNew = value.forward(parameters, new NDList(x), true).singletonOrThrow().squeeze(-1);
                                    NDArray vLoss = vNew.sub(targets).square();
                                    if (h.clipValue()) {
                                        NDArray vClipped = vOld.add(vNew.sub(vOld).clip(-h.clip(), h.clip()));
                                        vLoss = vLoss.maximum(vClipped.sub(targets).square());
                                    }
                                    vLoss = Scale.by(vLoss.mean(), 0.5f);
                                    NDArray loss = policyLoss.sub(Scale.by(entropy, h.entCoef())).add(Scale.by(vLoss, h.vfCoef()));
                                    gc.backward(loss);
                                    kl = ClippedSurrogate.approxKl(logp, logpOld).getFloat();
                                    run.log("policy_loss", policyLoss.getFloat());
                                    run.log("value_loss", vLoss.getFloat());
                                    run.log("entropy", entropy.getFloat());
                                    run.log("approx_kl", kl);
                                    run.log("clip_fraction",
                                            ClippedSurrogate.clipFraction(logp, logpOld, h.clip()).getFloat());
                                }
                                run.log("grad_norm", adam.step());
                                if (h.targetKl() > 0 && kl > h.targetKl()) {
                                    break epochs;
                                }
                            }
                        }
                    }
                    // 5. the observation statistics move on only now (the fragment was normalised with the old ones)
                    norm.update(f.obs(m).get(":-1"));
                }
                rollout.publish();
                if (!run.endIteration(f)) {
                    break;
                }
            }
        }
    }

    /**
     * Gymnasium's {@code NormalizeReward}: each env's discounted return
     * {@code R = gamma * R * (1 - terminated) + r} (the flags of the same step, as Gymnasium has it)
     * feeds a running variance, and rewards are divided
     * by its standard deviation and clipped to [-10, 10]. Per fragment, on the host; training
     * loop's thread only.
     */
    private static final class RewardScale {
        private final double gamma;
        private final double[] returns;
        private double mean;
        private double var = 1;
        private double count = 1e-4;
        private float[] scaled = new float[0];

        RewardScale(int numEnvs, double gamma) {
            this.gamma = gamma;
            this.returns = new double[numEnvs];
        }

        /** The fragment's trajectory with its rewards (records 1..T) scaled, after merging its returns. */
        Trajectory apply(Fragment f) {
            int n = f.numEnvs();
            int t1 = f.length() + 1;
            float[] rew = f.rew();
            boolean[] fin = f.fin();
            boolean[] trunc = f.trunc();
            double[] r = new double[f.length() * n];
            for (int t = 1; t < t1; t++) {
                for (int j = 0; j < n; j++) {
                    int k = t * n + j;
                    returns[j] = returns[j] * gamma * (fin[k] && !trunc[k] ? 0 : 1) + rew[k];
                    r[(t - 1) * n + j] = returns[j];
                }
            }
            merge(r);
            if (scaled.length != rew.length) {
                scaled = new float[rew.length];
            }
            float std = (float) Math.sqrt(var + 1e-8);
            for (int k = n; k < rew.length; k++) {
                scaled[k] = Math.max(-10f, Math.min(10f, rew[k] / std));
            }
            return new Trajectory(f.length(), n, scaled, fin, trunc);
        }

        private void merge(double[] x) {
            double bMean = 0;
            for (double v : x) {
                bMean += v;
            }
            bMean /= x.length;
            double bVar = 0;
            for (double v : x) {
                bVar += (v - bMean) * (v - bMean);
            }
            bVar /= x.length;
            double total = count + x.length;
            double delta = bMean - mean;
            mean += delta * x.length / total;
            var = (var * count + bVar * x.length + delta * delta * count * x.length / total) / total;
            count = total;
        }
    }

    /** Fisher-Yates shuffle of {@code a} in place. */
    private static void shuffle(long[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static Box box(Space actions) {
        if (!(actions instanceof Box b) || b.isDiscrete()) {
            throw new IllegalArgumentException("--algo ppo with continuous actions needs a float Box action space, got "
                    + actions);
        }
        return b;
    }

    @Override
    public String behaviourBlock() {
        return "policy";
    }

    @Override
    public Actor behaviourActor(Hyperparameters h, Block block, Space actions, long seed) {
        return new GaussianActor(block, box(actions), false, seed, false);
    }

    @Override
    public Actor greedyActor(Hyperparameters h, Networks networks, Space actions) {
        return new GaussianActor(networks.get("policy"), box(actions), false, 0, true);
    }

    @Override
    public boolean continuousActions() {
        return true;
    }

    @Override
    public String name() {
        return "ppo";
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
