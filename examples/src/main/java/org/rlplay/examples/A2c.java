package org.rlplay.examples;

import static org.rlplay.examples.train.Hyperparameters.require;
import static org.rlplay.examples.train.Hyperparameters.requireWidths;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.rlplay.actor.Actor;
import org.rlplay.algos.loss.PolicyGradient;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.algos.policy.ObservationEncoder;
import org.rlplay.algos.returns.NdReturns;
import org.rlplay.algos.returns.Trajectory;
import org.rlplay.env.space.Space;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;

/**
 * Advantage actor-critic (A2C, the synchronous variant of Mnih et al. 2016, "Asynchronous Methods
 * for Deep Reinforcement Learning") with GAE(lambda) advantages, for {@code Discrete} actions.
 *
 * <pre>
 * policy pi(a|x) and critic V(x): separate tanh MLPs
 * for each fragment of T steps from N envs, collected by pi:
 *     v     = V(obs[0..T])                          record T is the bootstrap (virtual) step
 *     A     = GAE(rew, fin, trunc, v, V(finalObs))  (T, N); a truncated episode bootstraps from V(finalObs)
 *     G     = A + v[0..T-1]                         value targets
 *     L     = -mean(log pi(act[t+1] | obs[t]) * A)
 *             + c_v * 0.5 * mean((V(obs[t]) - G)^2)
 *             - c_e * mean(H(pi(. | obs[t])))
 *     theta = Adam(theta, clip(grad L))
 * </pre>
 * The same fragment feeds the returns and the loss: in {@code same} mode the policy that collected
 * it is the one being trained, so no importance correction is needed.
 */
public final class A2c implements Algorithm<A2c.Hyperparameters> {

    /**
     * The hyperparameters.
     *
     * @param numEnvs     N, envs stepped together
     * @param length      T, env steps per env between updates
     * @param lr          Adam learning rate
     * @param annealLr    decay the learning rate linearly to 0 over the budget
     * @param gamma       discount
     * @param lambda      GAE lambda (1: Monte-Carlo advantages, 0: one-step TD)
     * @param entCoef     entropy bonus weight c_e
     * @param vfCoef      value loss weight c_v
     * @param maxGradNorm global gradient-norm clip
     * @param normAdv     standardise the advantages of each fragment
     * @param hidden      hidden widths of both MLPs
     */
    public record Hyperparameters(int numEnvs, int length, float lr, boolean annealLr, float gamma, float lambda,
                                  float entCoef, float vfCoef, float maxGradNorm, boolean normAdv, int[] hidden) {
        public Hyperparameters {
            require("a2c", numEnvs >= 1, "numEnvs must be >= 1");
            require("a2c", length >= 1, "length must be >= 1");
            require("a2c", lr > 0, "lr must be > 0");
            require("a2c", gamma >= 0 && gamma <= 1, "gamma must be in [0, 1]");
            require("a2c", lambda >= 0 && lambda <= 1, "lambda must be in [0, 1]");
            require("a2c", entCoef >= 0 && vfCoef >= 0 && maxGradNorm > 0, "entCoef, vfCoef must be >= 0, maxGradNorm > 0");
            requireWidths("a2c", hidden);
        }
    }

    @Override
    public Hyperparameters defaults(String env) {
        return new Hyperparameters(8, 16, 1e-3f, true, 0.99f, 0.95f, 0.0f, 0.5f, 0.5f, true, new int[] {64, 64});
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

        try (Rollout rollout = run.rollout(h.numEnvs(), h.length(), behaviourBlock(),
                (block, collector) -> behaviourActor(h, block, run.actionSpace(), run.seed() + collector))) {
            for (Fragment f : rollout) {
                try (NDManager m = run.networks().manager().newSubManager()) {
                    NDArray obs = f.obs(m);                          // (T+1, N, obs): x_0 .. x_T
                    NDArray act = f.act(m).get("1:");                // (T, N): a_t, taken in x_t
                    NDArray finalObs = Layers.anyTruncated(f) ? f.finalObs(m) : null;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray v = value.forward(parameters, new NDList(obs), true).singletonOrThrow().squeeze(-1);
                        NDArray vFinal = finalObs == null ? null
                                : value.forward(parameters, new NDList(finalObs), false).singletonOrThrow().squeeze(-1);
                        Trajectory tr = Trajectory.of(f);
                        NDArray adv = NdReturns.gae(tr, v, vFinal, h.gamma(), h.lambda());   // (T, N), no gradient
                        NDArray targets = adv.add(v.get(":-1").stopGradient());
                        if (h.normAdv()) {
                            adv = PolicyGradient.normalize(adv);
                        }
                        NDArray logits = policy.forward(parameters, new NDList(obs.get(":-1")), true).singletonOrThrow();
                        PolicyGradient.A2cLoss loss = PolicyGradient.a2c(logits, act, v.get(":-1"), adv, targets,
                                h.vfCoef(), h.entCoef());
                        gc.backward(loss.total());
                        run.log("policy_loss", loss.policy().getFloat());
                        run.log("value_loss", loss.value().getFloat());
                        run.log("entropy", loss.entropy().getFloat());
                    }
                    run.log("grad_norm", adam.step());
                }
                rollout.publish();
                if (!run.endIteration(f)) {
                    break;
                }
            }
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
        return "a2c";
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
