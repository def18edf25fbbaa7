package org.rlplay.examples;

import static org.rlplay.examples.train.Hyperparameters.require;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.rlplay.actor.Actor;
import org.rlplay.algos.loss.PolicyGradient;
import org.rlplay.algos.policy.LstmActorCritic;
import org.rlplay.algos.policy.ObservationEncoder;
import org.rlplay.algos.policy.RecurrentCategoricalActor;
import org.rlplay.algos.returns.NdReturns;
import org.rlplay.algos.returns.Trajectory;
import org.rlplay.env.space.Space;
import org.rlplay.examples.envs.Envs;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.Rollout;

/**
 * Recurrent A2C: {@link A2c} with an LSTM actor-critic (separate actor and critic LSTMs, see
 * {@link LstmActorCritic}) whose state travels through the engine as hx, trained by unrolling each
 * fragment from the hx stored with it (truncated backpropagation through time over T+1 steps). Its default env, {@value Envs#CARTPOLE_NO_VELOCITY}, shows the
 * actor only the cart position and pole angle, so balancing needs memory of past observations.
 *
 * <pre>
 * update the observation normaliser with obs[0..T-1]
 * (h, c) = hx stored with the fragment (zero at start-up)
 * for t = 0 .. T:
 *     if t &gt; 0 and fin[t]: (h, c) = 0                      the engine reset hx there too
 *     if trunc[t]: vFinal[t] = V(finalObs[t], (h, c))       bootstrap of a truncated episode
 *     logits[t], v[t], (h, c) = Net(obs[t], (h, c))
 * A = GAE(rew, fin, trunc, v, vFinal);  G = A + v[0..T-1]
 * L = -mean(log pi(act[t+1] | .) * A) + c_v * 0.5 * mean((v[t] - G)^2) - c_e * mean(H(pi))
 * theta = Adam(theta, clip(grad L))
 * </pre>
 * With {@code memory=false} the actor and the learner zero the state before every step: the same
 * network, algorithm and budget without memory, the control experiment for the partially observed
 * task.
 */
public final class RecurrentA2c implements Algorithm<RecurrentA2c.Hyperparameters> {

    /**
     * The hyperparameters.
     *
     * @param numEnvs     N, envs stepped together
     * @param length      T, env steps per env between updates (and the unroll length)
     * @param lr          Adam learning rate
     * @param annealLr    decay the learning rate linearly to 0 over the budget
     * @param gamma       discount
     * @param lambda      GAE lambda
     * @param entCoef     entropy bonus weight c_e
     * @param vfCoef      value loss weight c_v
     * @param maxGradNorm global gradient-norm clip
     * @param normAdv     standardise the advantages of each fragment
     * @param normObs     normalise observations with running statistics
     * @param memory      carry the LSTM state across steps (false: zero it before every step)
     * @param encoder     width of the encoder layer
     * @param hidden      size of the LSTM state
     */
    public record Hyperparameters(int numEnvs, int length, float lr, boolean annealLr, float gamma, float lambda,
                                  float entCoef, float vfCoef, float maxGradNorm, boolean normAdv, boolean normObs,
                                  boolean memory, int encoder, int hidden) {
        public Hyperparameters {
            require("a2c-lstm", numEnvs >= 1 && length >= 1, "numEnvs and length must be >= 1");
            require("a2c-lstm", lr > 0, "lr must be > 0");
            require("a2c-lstm", gamma >= 0 && gamma <= 1 && lambda >= 0 && lambda <= 1, "gamma and lambda must be in [0, 1]");
            require("a2c-lstm", entCoef >= 0 && vfCoef >= 0 && maxGradNorm > 0, "entCoef, vfCoef must be >= 0, maxGradNorm > 0");
            require("a2c-lstm", encoder >= 1 && hidden >= 1, "encoder and hidden must be >= 1");
        }
    }

    @Override
    public Hyperparameters defaults(String env) {
        return new Hyperparameters(8, 8, 1e-3f, true, 0.99f, 0.95f, 0.0f, 0.5f, 0.5f, true, true, true, 64, 64);
    }

    @Override
    public Networks networks(Hyperparameters h, Space observations, Space actions) {
        Networks nets = new Networks();
        nets.add("net", new LstmActorCritic(observations, Layers.discreteActions(actions, name()), h.encoder(),
                h.hidden()), ObservationEncoder.inputShape(observations, 1));
        return nets;
    }

    @Override
    public void train(Hyperparameters h, Run run) {
        LstmActorCritic net = (LstmActorCritic) run.networks().get("net");
        int numActions = Layers.discreteActions(run.actionSpace(), name());
        ParameterStore parameters = new ParameterStore(run.networks().manager(), false);
        GradientStep adam = run.adam(h.lr(), h.annealLr(), 1e-5f, h.maxGradNorm());
        int n = h.numEnvs();
        int length = h.length();
        float[] finalValues = new float[(length + 1) * n];

        try (Rollout rollout = run.rollout(n, length, "net", (block, collector) -> {
            Actor actor = new RecurrentCategoricalActor((LstmActorCritic) block, numActions, run.seed() + collector, false);
            if (h.memory()) {
                return actor;
            }
            return (records, hx, virtual, out) -> {
                actor.step(records, null, virtual, out);    // from the initial state at every step: no memory
                return null;
            };
        })) {
            for (Fragment f : rollout) {
                try (NDManager m = run.networks().manager().newSubManager()) {
                    NDArray obs = f.obs(m);                                                  // (T+1, N, obs)
                    if (h.normObs()) {
                        net.normalizer().update(net.encoder().encode(obs.get(":-1")));
                    }
                    NDArray act = f.act(m).get("1:");                                        // (T, N)
                    NDArray keep = f.fin(m).logicalNot().toType(DataType.FLOAT32, false)
                            .reshape(length + 1, 1, n, 1);                                   // 0 where hx was reset
                    NDArray finalObs = Layers.anyTruncated(f) ? f.finalObs(m) : null;
                    NDList state = f.hx() != null && h.memory() ? copy(f.hx(), m) : net.initialState(m, n);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDList logits = new NDList(length + 1);
                        NDList values = new NDList(length + 1);
                        java.util.Arrays.fill(finalValues, 0f);
                        for (int t = 0; t <= length; t++) {
                            if (t > 0) {
                                if (!h.memory()) {
                                    state = net.initialState(m, n);
                                }
                                if (finalObs != null && anyTruncatedAt(f, t)) {
                                    NDArray vEnd = net.forward(parameters, new NDList(finalObs.get(t), state.get(0),
                                            state.get(1)), false).get(1);
                                    keepTruncated(f, t, vEnd.toFloatArray(), finalValues);
                                }
                                NDArray k = keep.get(t);
                                state = new NDList(state.get(0).mul(k), state.get(1).mul(k));
                            }
                            NDList out = net.forward(parameters, new NDList(obs.get(t), state.get(0), state.get(1)), true);
                            logits.add(out.get(0));
                            values.add(out.get(1));
                            state = new NDList(out.get(2), out.get(3));
                        }
                        NDArray v = NDArrays.stack(values);                                  // (T+1, N)
                        NDArray vFinal = finalObs == null ? null : m.create(finalValues, new Shape(length + 1, n));
                        NDArray adv = NdReturns.gae(Trajectory.of(f), v, vFinal, h.gamma(), h.lambda());
                        NDArray targets = adv.add(v.get(":-1").stopGradient());
                        if (h.normAdv()) {
                            adv = PolicyGradient.normalize(adv);
                        }
                        NDArray allLogits = NDArrays.stack(logits).get(":-1");               // (T, N, A)
                        PolicyGradient.A2cLoss loss = PolicyGradient.a2c(allLogits, act, v.get(":-1"), adv, targets,
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

    /** The fragment's stored hx, copied into {@code m} (the fragment keeps its own). */
    private static NDList copy(NDList hx, NDManager m) {
        NDList out = new NDList(hx.size());
        for (NDArray a : hx) {
            NDArray d = a.duplicate();
            d.attach(m);
            out.add(d);
        }
        return out;
    }

    private static boolean anyTruncatedAt(Fragment f, int t) {
        for (int j = 0; j < f.numEnvs(); j++) {
            if (f.trunc(t, j)) {
                return true;
            }
        }
        return false;
    }

    /** Writes {@code v[j]} into {@code finalValues[t, j]} for every env j truncated at record t. */
    private static void keepTruncated(Fragment f, int t, float[] v, float[] finalValues) {
        for (int j = 0; j < f.numEnvs(); j++) {
            if (f.trunc(t, j)) {
                finalValues[f.index(t, j)] = v[j];
            }
        }
    }

    @Override
    public Actor greedyActor(Hyperparameters h, Networks networks, Space actions) {
        return new RecurrentCategoricalActor((LstmActorCritic) networks.get("net"),
                Layers.discreteActions(actions, name()), 0, true);
    }

    @Override
    public String name() {
        return "a2c-lstm";
    }

    @Override
    public String defaultEnv() {
        return Envs.CARTPOLE_NO_VELOCITY;
    }

    @Override
    public Class<Hyperparameters> hyperparameterType() {
        return Hyperparameters.class;
    }
}
