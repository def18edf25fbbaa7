package org.rlplay.examples;

import static org.rlplay.examples.train.Hyperparameters.require;
import static org.rlplay.examples.train.Hyperparameters.requireWidths;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.rlplay.actor.Actor;
import org.rlplay.algos.loss.Categorical;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.algos.policy.ObservationEncoder;
import org.rlplay.algos.state.ResumableRandom;
import org.rlplay.env.space.Space;
import org.rlplay.examples.Algorithm;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.record.TransitionSampler;

/**
 * Behaviour cloning from a recorded dataset, without touching an env: a policy network is fitted
 * to the logged (state, action) pairs by maximum likelihood. An offline algorithm
 * ({@code train --data DIR --algo bc}); its budget ({@code --steps}) counts updates.
 *
 * <pre>
 * policy pi(a|x): a tanh MLP giving logits
 * repeat steps times:
 *     (s, a) = a uniform batch of the dataset's transitions
 *     L      = -mean(log pi(a | s))
 *     theta  = Adam(theta, clip(grad L))
 * act greedily: argmax_a pi(a|x)
 * </pre>
 * Acting greedily strips the behaviour policy's exploration noise, so the clone usually does at
 * least as well as the noisy policy that recorded the data.
 */
public final class BehaviourCloning implements Algorithm<BehaviourCloning.Hyperparameters> {

    /**
     * @param batchSize   transitions per update
     * @param lr          Adam learning rate
     * @param maxGradNorm global gradient-norm clip
     * @param hidden      hidden widths of the MLP
     */
    public record Hyperparameters(int batchSize, float lr, float maxGradNorm, int[] hidden) {
        public Hyperparameters {
            require("bc", batchSize >= 1, "batchSize must be >= 1");
            require("bc", lr > 0 && maxGradNorm > 0, "lr and maxGradNorm must be > 0");
            requireWidths("bc", hidden);
        }
    }

    @Override
    public String name() {
        return "bc";
    }

    @Override
    public boolean offline() {
        return true;
    }

    /** 2,000 updates clone CartPole behaviour within seconds. */
    @Override
    public long defaultSteps() {
        return 2_000;
    }

    @Override
    public Class<Hyperparameters> hyperparameterType() {
        return Hyperparameters.class;
    }

    @Override
    public Hyperparameters defaults(String env) {
        return new Hyperparameters(256, 1e-3f, 1f, new int[] {64, 64});
    }

    /** The networks: {@code "policy"}, observations to logits. */
    @Override
    public Networks networks(Hyperparameters h, Space observations, Space actions) {
        Networks nets = new Networks();
        nets.add("policy", Mlp.of(observations, Layers.discreteActions(actions, name()), true, h.hidden()),
                ObservationEncoder.inputShape(observations, 1));
        return nets;
    }

    @Override
    public void train(Hyperparameters h, Run run) {
        TransitionSampler sampler = TransitionSampler.load(run.dataset());
        Block policy = run.networks().get("policy");
        ParameterStore parameters = new ParameterStore(run.networks().manager(), false);
        GradientStep adam = run.adam(h.lr(), 1e-8f, h.maxGradNorm());
        TransitionBatch batch = sampler.newBatch(h.batchSize());
        ResumableRandom rng = run.keep("sampler", new ResumableRandom(run.seed()));
        do {
            sampler.sample(rng, batch);
            try (NDManager m = run.networks().manager().newSubManager()) {
                NDArray s = batch.obs(m);
                NDArray a = batch.act(m);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = policy.forward(parameters, new NDList(s), true).singletonOrThrow();
                    NDArray loss = Categorical.logProb(logits, a).mean().neg();
                    gc.backward(loss);
                    run.log("loss", loss.getFloat());
                }
                run.log("grad_norm", adam.step());
            }
        } while (run.endUpdate());
    }

    @Override
    public Actor greedyActor(Hyperparameters h, Networks networks, Space actions) {
        return new CategoricalActor(networks.get("policy"), Layers.discreteActions(actions, name()), 0, true);
    }
}
