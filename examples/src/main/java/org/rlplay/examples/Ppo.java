package org.rlplay.examples;

import static org.rlplay.examples.train.Hyperparameters.require;
import static org.rlplay.examples.train.Hyperparameters.requireWidths;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.random.RandomGenerator;
import org.rlplay.actor.Actor;
import org.rlplay.algos.loss.Categorical;
import org.rlplay.algos.loss.ClippedSurrogate;
import org.rlplay.algos.loss.PolicyGradient;
import org.rlplay.algos.loss.Scale;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.algos.policy.ObservationEncoder;
import org.rlplay.algos.returns.NdReturns;
import org.rlplay.algos.returns.Trajectory;
import org.rlplay.algos.state.ResumableRandom;
import org.rlplay.env.space.Space;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;

/**
 * Proximal policy optimisation with the clipped surrogate objective (Schulman et al. 2017,
 * "Proximal Policy Optimization Algorithms"), for {@code Discrete} actions, after CleanRL's
 * {@code ppo.py}.
 *
 * <pre>
 * policy pi(a|x) and critic V(x): separate tanh MLPs
 * for each fragment of T steps from N envs, collected by pi_old:
 *     logp_old = log pi_old(act[t+1] | obs[t])       from the logits the actor recorded
 *     v        = V(obs[0..T]);  A = GAE(...);  G = A + v[0..T-1]
 *     repeat for K epochs, over a fresh shuffle of the T*N samples in minibatches b:
 *         r      = exp(log pi(a|x) - logp_old)
 *         L_clip = -mean(min(r * A_b, clip(r, 1 - eps, 1 + eps) * A_b))     A_b standardised per minibatch
 *         L_v    = 0.5 * mean(max((V(x) - G)^2, (v_old + clip(V(x) - v_old, -eps, eps) - G)^2))
 *         L      = L_clip - c_e * mean(H(pi(.|x))) + c_v * L_v
 *         theta  = Adam(theta, clip(grad L))
 * </pre>
 */
public final class Ppo implements Algorithm<Ppo.Hyperparameters> {

    /**
     * The hyperparameters (CleanRL's defaults for classic control).
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
     * @param hidden       hidden widths of both MLPs
     */
    public record Hyperparameters(int numEnvs, int length, float lr, boolean annealLr, float gamma, float lambda,
                                  int epochs, int minibatches, float clip, boolean clipValue, float entCoef,
                                  float vfCoef, float maxGradNorm, float targetKl, int[] hidden) {
        public Hyperparameters {
            require("ppo", numEnvs >= 1 && length >= 1, "numEnvs and length must be >= 1");
            require("ppo", epochs >= 1 && minibatches >= 1, "epochs and minibatches must be >= 1");
            require("ppo", (numEnvs * length) % minibatches == 0, "numEnvs * length must be divisible by minibatches");
            require("ppo", lr > 0, "lr must be > 0");
            require("ppo", gamma >= 0 && gamma <= 1 && lambda >= 0 && lambda <= 1, "gamma and lambda must be in [0, 1]");
            require("ppo", clip > 0 && clip < 1, "clip must be in (0, 1)");
            require("ppo", entCoef >= 0 && vfCoef >= 0 && maxGradNorm > 0 && targetKl >= 0,
                    "entCoef, vfCoef, targetKl must be >= 0, maxGradNorm > 0");
            requireWidths("ppo", hidden);
        }
    }

    @Override
    public Hyperparameters defaults(String env) {
        return new Hyperparameters(4, 128, 2.5e-4f, true, 0.99f, 0.95f, 4, 4, 0.2f, true, 0.01f, 0.5f, 0.5f, 0f,
                new int[] {64, 64});
    }

    @Override
    public Networks networks(Hyperparameters h, Space observations, Space actions) {
        int numActions = Layers.discreteActions(actions, name());
        Shape input = ObservationEncoder.inputShape(observations, 1);
        Networks nets = new Networks();
        nets.add("policy", Layers.smallOutputLayer(Mlp.of(observations, numActions, true, h.hidden()), 0.01f), input);
        nets.add("value", Mlp.of(observations, 1, true, h.hidden()), input);
        return nets;
    }

    @Override
    public void train(Hyperparameters h, Run run) {
        Block policy = run.networks().get("policy");
        Block value = run.networks().get("value");
        ParameterStore parameters = new ParameterStore(run.networks().manager(), false);
        GradientStep adam = run.adam(h.lr(), h.annealLr(), 1e-5f, h.maxGradNorm());
        ResumableRandom shuffle = run.keep("shuffle", new ResumableRandom(run.seed()));
        int batch = h.numEnvs() * h.length();
        int minibatch = batch / h.minibatches();

        try (Rollout rollout = run.rollout(h.numEnvs(), h.length(), behaviourBlock(),
                (block, collector) -> behaviourActor(h, block, run.actionSpace(), run.seed() + collector))) {
            for (Fragment f : rollout) {
                try (NDManager m = run.networks().manager().newSubManager()) {
                    // 1. the fragment's T*N transitions, and the behaviour policy's log-probs of the actions taken
                    NDArray obs = f.obs(m);                                             // (T+1, N, obs)
                    NDArray act = f.act(m).get("1:");                                   // (T, N)
                    NDArray oldLogp = Categorical.logProb(f.actorInfo("logits", m).get(":-1"), act);
                    // 2. advantages and value targets under the current critic
                    NDArray v = value.forward(parameters, new NDList(obs), false).singletonOrThrow().squeeze(-1)
                            .stopGradient();
                    NDArray vFinal = Layers.anyTruncated(f)
                            ? value.forward(parameters, new NDList(f.finalObs(m)), false).singletonOrThrow().squeeze(-1)
                            : null;
                    NDArray adv = NdReturns.gae(Trajectory.of(f), v, vFinal, h.gamma(), h.lambda());   // (T, N)
                    NDArray ret = adv.add(v.get(":-1"));
                    // 3. flattened to B = T*N samples
                    NDArray bObs = obs.get(":-1").reshape(new Shape(batch).addAll(obs.getShape().slice(2)));
                    NDArray bAct = act.reshape(batch);
                    NDArray bLogp = oldLogp.reshape(batch);
                    NDArray bAdv = adv.reshape(batch);
                    NDArray bRet = ret.reshape(batch);
                    NDArray bVal = v.get(":-1").reshape(batch);
                    // 4. K epochs of minibatch updates
                    long[] order = new long[batch];
                    for (int i = 0; i < batch; i++) {
                        order[i] = i;
                    }
                    epochs:
                    for (int epoch = 0; epoch < h.epochs(); epoch++) {
                        shuffle(order, shuffle);
                        for (int start = 0; start < batch; start += minibatch) {
                            try (NDManager mb = m.newSubManager()) {
                                long[] picked = java.util.Arrays.copyOfRange(order, start, start + minibatch);
                                NDIndex rows = new NDIndex("{}", mb.create(picked));
                                NDArray x = bObs.get(rows);
                                NDArray a = bAct.get(rows);
                                NDArray logpOld = bLogp.get(rows);
                                NDArray advantages = PolicyGradient.normalize(bAdv.get(rows));
                                NDArray targets = bRet.get(rows);
                                NDArray vOld = bVal.get(rows);
                                double kl;
                                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                    NDArray logits = policy.forward(parameters, new NDList(x), true).singletonOrThrow();
                                    NDArray logp = Categorical.logProb(logits, a);
                                    NDArray policyLoss = ClippedSurrogate.loss(logp, logpOld, advantages, h.clip());
                                    NDArray entropy = PolicyGradient.meanEntropy(logits);
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
                }
                rollout.publish();
                if (!run.endIteration(f)) {
                    break;
                }
            }
        }
    }

    /** Fisher-Yates shuffle of {@code a} in place. */
    private static void shuffle(long[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Override
    public String behaviourBlock() {
        return "policy";
    }

    @Override
    public Actor behaviourActor(Hyperparameters h, Block block, Space actions, long seed) {
        return new CategoricalActor(block, Layers.discreteActions(actions, name()), seed, false);
    }

    @Override
    public Actor greedyActor(Hyperparameters h, Networks networks, Space actions) {
        return new CategoricalActor(networks.get("policy"), Layers.discreteActions(actions, name()), 0, true);
    }

    @Override
    public String name() {
        return "ppo";
    }

    @Override
    public String defaultEnv() {
        return "CartPole-v1";
    }

    @Override
    public Class<Hyperparameters> hyperparameterType() {
        return Hyperparameters.class;
    }
}
