package org.rlplay.examples.offline;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.PrintWriter;
import java.util.SplittableRandom;
import org.rlplay.algos.loss.Categorical;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.record.Dataset;
import org.rlplay.record.TransitionSampler;

/**
 * Behaviour cloning from a recorded dataset, without touching an env: a policy network is fitted
 * to the logged (state, action) pairs by maximum likelihood.
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
 * least as well as the noisy policy that recorded the data. Runs on the caller's thread.
 */
public final class BehaviourCloning {
    /** The {@code train --data} name. */
    public static final String NAME = "bc";

    /**
     * @param batchSize   transitions per gradient step
     * @param steps       gradient steps
     * @param lr          Adam learning rate
     * @param maxGradNorm global gradient-norm clip
     * @param hidden      hidden widths of the MLP
     */
    public record Hyperparameters(int batchSize, int steps, float lr, float maxGradNorm, int[] hidden) {
        public Hyperparameters {
            if (batchSize < 1 || steps < 1 || !(lr > 0) || !(maxGradNorm > 0) || hidden.length == 0) {
                throw new IllegalArgumentException("bc hyperparameters: need batchSize, steps >= 1, lr, maxGradNorm > 0"
                        + " and at least one hidden layer");
            }
        }
    }

    private BehaviourCloning() {
    }

    /** Defaults that clone CartPole behaviour within seconds. */
    public static Hyperparameters defaults() {
        return new Hyperparameters(256, 2000, 1e-3f, 1f, new int[] {64, 64});
    }

    /** The networks: {@code "policy"}, observations to logits. */
    public static Networks networks(Hyperparameters h, int obsSize, int numActions) {
        Networks nets = new Networks();
        nets.add("policy", Mlp.of(numActions, true, h.hidden()), new Shape(1, obsSize));
        return nets;
    }

    /** Trains a policy on {@code data}; the caller owns (closes) the returned networks. */
    public static Networks train(Dataset data, Hyperparameters h, long seed, PrintWriter log) {
        int numActions = Layers.discreteActions(data.spec().actionSpace(), NAME);
        TransitionSampler sampler = TransitionSampler.load(data);
        Engine.getInstance().setRandomSeed((int) seed);
        Networks nets = networks(h, data.spec().observationSpace().size(), numActions);
        Block policy = nets.get("policy");
        ParameterStore parameters = new ParameterStore(nets.manager(), false);
        GradientStep adam = new GradientStep(nets, h.lr(), 1e-8f, h.maxGradNorm(), 0);
        TransitionBatch batch = sampler.newBatch(h.batchSize());
        SplittableRandom rng = new SplittableRandom(seed);
        for (int step = 1; step <= h.steps(); step++) {
            sampler.sample(rng, batch);
            try (NDManager m = nets.manager().newSubManager()) {
                NDArray s = batch.obs(m);
                NDArray a = batch.act(m);
                float loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = policy.forward(parameters, new NDList(s), true).singletonOrThrow();
                    NDArray l = Categorical.logProb(logits, a).mean().neg();
                    gc.backward(l);
                    loss = l.getFloat();
                }
                adam.step();
                if (log != null && (step % 500 == 0 || step == h.steps())) {
                    log.printf("bc step %d/%d: loss %.4f%n", step, h.steps(), loss);
                    log.flush();
                }
            }
        }
        return nets;
    }
}
