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
import org.rlplay.algos.loss.Categorical;
import org.rlplay.algos.loss.Dqn;
import org.rlplay.algos.loss.Regression;
import org.rlplay.algos.loss.Scale;
import org.rlplay.algos.loss.TargetNetworks;
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
 * Offline double DQN with a conservative Q-learning term (Kumar et al. 2020, "Conservative
 * Q-Learning for Offline Reinforcement Learning", the CQL(H) variant), trained from a recorded
 * dataset without touching an env. An offline algorithm ({@code train --data DIR --algo cql}); its
 * budget ({@code --steps}) counts updates.
 *
 * <pre>
 * online Q(x, .) and target Q'(x, .): MLPs
 * repeat steps times:
 *     (s, a, r, s', done) = a uniform batch of the dataset's transitions (s' = final obs at episode ends)
 *     y     = r + gamma * (1 - done) * Q'(s', argmax_a' Q(s', a'))      double-DQN target, no gradient
 *     L_td  = huber(Q(s, a), y)
 *     L_cql = mean(logsumexp_a' Q(s, a') - Q(s, a))                     = mean(-log softmax(Q(s, .))[a])
 *     L     = L_td + alpha * L_cql
 *     theta = Adam(theta, clip(grad L));  every targetEvery updates: Q' = Q
 * act greedily: argmax_a Q(x, a)
 * </pre>
 * The CQL term pushes down the Q-values of actions the dataset never took in a state, which plain
 * offline DQN would overestimate.
 */
public final class ConservativeDqn implements Algorithm<ConservativeDqn.Hyperparameters> {

    /**
     * @param batchSize   transitions per update
     * @param lr          Adam learning rate
     * @param gamma       discount
     * @param alpha       weight of the conservative term (0: plain offline double DQN)
     * @param targetEvery updates between target-network copies
     * @param maxGradNorm global gradient-norm clip
     * @param hidden      hidden widths of the MLPs
     */
    public record Hyperparameters(int batchSize, float lr, float gamma, float alpha, int targetEvery,
                                  float maxGradNorm, int[] hidden) {
        public Hyperparameters {
            require("cql", batchSize >= 1 && targetEvery >= 1, "batchSize and targetEvery must be >= 1");
            require("cql", lr > 0 && maxGradNorm > 0, "lr and maxGradNorm must be > 0");
            require("cql", gamma >= 0 && gamma <= 1, "gamma must be in [0, 1]");
            require("cql", alpha >= 0, "alpha must be >= 0");
            requireWidths("cql", hidden);
        }
    }

    @Override
    public String name() {
        return "cql";
    }

    @Override
    public boolean offline() {
        return true;
    }

    /** 10,000 updates for CartPole-sized datasets. */
    @Override
    public long defaultSteps() {
        return 10_000;
    }

    @Override
    public Class<Hyperparameters> hyperparameterType() {
        return Hyperparameters.class;
    }

    @Override
    public Hyperparameters defaults(String env) {
        return new Hyperparameters(256, 5e-4f, 0.99f, 1f, 500, 10f, new int[] {64, 64});
    }

    /** The networks: {@code "q"} (trained) and {@code "target"} (frozen copy). */
    @Override
    public Networks networks(Hyperparameters h, Space observations, Space actions) {
        int numActions = Layers.discreteActions(actions, name());
        Shape input = ObservationEncoder.inputShape(observations, 1);
        Networks nets = new Networks();
        Block q = nets.add("q", Mlp.of(observations, numActions, false, h.hidden()), input);
        Block target = nets.addFrozen("target", Mlp.of(observations, numActions, false, h.hidden()), input);
        TargetNetworks.hardUpdate(q, target);
        return nets;
    }

    @Override
    public void train(Hyperparameters h, Run run) {
        TransitionSampler sampler = TransitionSampler.load(run.dataset());
        Block q = run.networks().get("q");
        Block target = run.networks().get("target");
        ParameterStore parameters = new ParameterStore(run.networks().manager(), false);
        GradientStep adam = run.adam(h.lr(), 1e-8f, h.maxGradNorm());
        TransitionBatch batch = sampler.newBatch(h.batchSize());
        ResumableRandom rng = run.keep("sampler", new ResumableRandom(run.seed()));
        do {
            sampler.sample(rng, batch);
            try (NDManager m = run.networks().manager().newSubManager()) {
                NDArray s = batch.obs(m);
                NDArray a = batch.act(m);
                NDArray next = batch.nextObs(m);
                NDArray nextQ = q.forward(parameters, new NDList(next), false).singletonOrThrow();
                NDArray nextQTarget = target.forward(parameters, new NDList(next), false).singletonOrThrow();
                NDArray y = Dqn.doubleTargets(batch.rew(m), batch.done(m), nextQ, nextQTarget, h.gamma());
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray qs = q.forward(parameters, new NDList(s), true).singletonOrThrow();
                    NDArray tdLoss = Regression.huber(Dqn.chosen(qs, a), y, 1f);
                    NDArray cqlLoss = Categorical.logProb(qs, a).mean().neg();
                    gc.backward(tdLoss.add(Scale.by(cqlLoss, h.alpha())));
                    run.log("td_loss", tdLoss.getFloat());
                    run.log("cql_loss", cqlLoss.getFloat());
                }
                run.log("grad_norm", adam.step());
            }
            if (adam.steps() % h.targetEvery() == 0) {
                TargetNetworks.hardUpdate(q, target);
            }
        } while (run.endUpdate());
    }

    @Override
    public Actor greedyActor(Hyperparameters h, Networks networks, Space actions) {
        return new CategoricalActor(networks.get("q"), Layers.discreteActions(actions, name()), 0, true);
    }
}
