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
import org.rlplay.algos.loss.Dqn;
import org.rlplay.algos.loss.Regression;
import org.rlplay.algos.loss.Scale;
import org.rlplay.algos.loss.TargetNetworks;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.record.Dataset;
import org.rlplay.record.TransitionSampler;

/**
 * Offline double DQN with a conservative Q-learning term (Kumar et al. 2020, "Conservative
 * Q-Learning for Offline Reinforcement Learning", the CQL(H) variant), trained from a recorded
 * dataset without touching an env.
 *
 * <pre>
 * online Q(x, .) and target Q'(x, .): MLPs
 * repeat steps times:
 *     (s, a, r, s', done) = a uniform batch of the dataset's transitions (s' = final obs at episode ends)
 *     y     = r + gamma * (1 - done) * Q'(s', argmax_a' Q(s', a'))      double-DQN target, no gradient
 *     L_td  = huber(Q(s, a), y)
 *     L_cql = mean(logsumexp_a' Q(s, a') - Q(s, a))                     = mean(-log softmax(Q(s, .))[a])
 *     L     = L_td + alpha * L_cql
 *     theta = Adam(theta, clip(grad L));  every targetEvery steps: Q' = Q
 * act greedily: argmax_a Q(x, a)
 * </pre>
 * The CQL term pushes down the Q-values of actions the dataset never took in a state, which plain
 * offline DQN would overestimate. Runs on the caller's thread.
 */
public final class ConservativeDqn {
    /** The {@code train --data} name. */
    public static final String NAME = "cql";

    /**
     * @param batchSize   transitions per gradient step
     * @param steps       gradient steps
     * @param lr          Adam learning rate
     * @param gamma       discount
     * @param alpha       weight of the conservative term (0: plain offline double DQN)
     * @param targetEvery gradient steps between target-network copies
     * @param maxGradNorm global gradient-norm clip
     * @param hidden      hidden widths of the MLPs
     */
    public record Hyperparameters(int batchSize, int steps, float lr, float gamma, float alpha, int targetEvery,
                                  float maxGradNorm, int[] hidden) {
        public Hyperparameters {
            if (batchSize < 1 || steps < 1 || targetEvery < 1 || !(lr > 0) || !(maxGradNorm > 0) || hidden.length == 0
                    || !(gamma >= 0 && gamma <= 1) || !(alpha >= 0)) {
                throw new IllegalArgumentException("cql hyperparameters: need batchSize, steps, targetEvery >= 1,"
                        + " lr, maxGradNorm > 0, gamma in [0, 1], alpha >= 0 and at least one hidden layer");
            }
        }
    }

    private ConservativeDqn() {
    }

    /** Defaults for CartPole-sized datasets. */
    public static Hyperparameters defaults() {
        return new Hyperparameters(256, 10_000, 5e-4f, 0.99f, 1f, 500, 10f, new int[] {64, 64});
    }

    /** The networks: {@code "q"} (trained) and {@code "target"} (frozen copy). */
    public static Networks networks(Hyperparameters h, int obsSize, int numActions) {
        Networks nets = new Networks();
        Shape input = new Shape(1, obsSize);
        Block q = nets.add("q", Mlp.of(numActions, false, h.hidden()), input);
        Block target = nets.addFrozen("target", Mlp.of(numActions, false, h.hidden()), input);
        TargetNetworks.hardUpdate(q, target);
        return nets;
    }

    /** Trains Q on {@code data}; the caller owns (closes) the returned networks. */
    public static Networks train(Dataset data, Hyperparameters h, long seed, PrintWriter log) {
        int numActions = Layers.discreteActions(data.spec().actionSpace(), NAME);
        TransitionSampler sampler = TransitionSampler.load(data);
        Engine.getInstance().setRandomSeed((int) seed);
        Networks nets = networks(h, data.spec().observationSpace().size(), numActions);
        Block q = nets.get("q");
        Block target = nets.get("target");
        ParameterStore parameters = new ParameterStore(nets.manager(), false);
        GradientStep adam = new GradientStep(nets, h.lr(), 1e-8f, h.maxGradNorm(), 0);
        TransitionBatch batch = sampler.newBatch(h.batchSize());
        SplittableRandom rng = new SplittableRandom(seed);
        for (int step = 1; step <= h.steps(); step++) {
            sampler.sample(rng, batch);
            try (NDManager m = nets.manager().newSubManager()) {
                NDArray s = batch.obs(m);
                NDArray a = batch.act(m);
                NDArray next = batch.nextObs(m);
                NDArray nextQ = q.forward(parameters, new NDList(next), false).singletonOrThrow();
                NDArray nextQTarget = target.forward(parameters, new NDList(next), false).singletonOrThrow();
                NDArray y = Dqn.doubleTargets(batch.rew(m), batch.done(m), nextQ, nextQTarget, h.gamma());
                float td;
                float cql;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray qs = q.forward(parameters, new NDList(s), true).singletonOrThrow();
                    NDArray tdLoss = Regression.huber(Dqn.chosen(qs, a), y, 1f);
                    NDArray cqlLoss = Categorical.logProb(qs, a).mean().neg();
                    gc.backward(tdLoss.add(Scale.by(cqlLoss, h.alpha())));
                    td = tdLoss.getFloat();
                    cql = cqlLoss.getFloat();
                }
                adam.step();
                if (step % h.targetEvery() == 0) {
                    TargetNetworks.hardUpdate(q, target);
                }
                if (log != null && (step % 1000 == 0 || step == h.steps())) {
                    log.printf("cql step %d/%d: td loss %.4f, conservative term %.4f%n", step, h.steps(), td, cql);
                    log.flush();
                }
            }
        }
        return nets;
    }
}
