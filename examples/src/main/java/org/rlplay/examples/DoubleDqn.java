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
import java.util.ArrayList;
import java.util.List;
import org.rlplay.actor.Actor;
import org.rlplay.algos.loss.Dqn;
import org.rlplay.algos.loss.Regression;
import org.rlplay.algos.loss.TargetNetworks;
import org.rlplay.algos.policy.EpsilonGreedyActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.algos.policy.ObservationEncoder;
import org.rlplay.algos.replay.ReplayBuffer;
import org.rlplay.algos.state.ResumableLong;
import org.rlplay.algos.state.ResumableRandom;
import org.rlplay.env.space.Space;
import org.rlplay.examples.train.GradientStep;
import org.rlplay.examples.train.Layers;
import org.rlplay.examples.train.Networks;
import org.rlplay.examples.train.Run;
import org.rlplay.fragment.Fragment;
import org.rlplay.fragment.TransitionBatch;
import org.rlplay.rollout.Rollout;

/**
 * Double DQN (van Hasselt, Guez and Silver 2016, "Deep Reinforcement Learning with Double
 * Q-learning") with uniform experience replay and a hard-updated target network, for
 * {@code Discrete} actions, after CleanRL's {@code dqn.py}.
 *
 * <pre>
 * online Q(x, .) and target Q'(x, .): ReLU MLPs initialised as PyTorch does, Q' = Q at the start
 * for each fragment of T steps from N envs, collected epsilon-greedily from Q:
 *     D     = D + transitions (s, a, r, s', done) of the fragment     done: terminated, not truncated
 *     eps   = linear from eps_start to eps_end over the first exploration_fraction of the budget
 *     once learning has started, G times (learning rate decaying linearly to 0 over the budget):
 *         sample a minibatch from D
 *         y     = r + gamma * (1 - done) * Q'(s', argmax_a' Q(s', a'))
 *         L     = 0.5 * mean((Q(s, a) - y)^2)
 *         theta = Adam(theta, grad L)
 *     every C env-steps: Q' = Q
 * </pre>
 * Checkpoints keep the replay buffer, its sampler and the schedule counters, so a resumed run
 * continues exactly.
 */
public final class DoubleDqn implements Algorithm<DoubleDqn.Hyperparameters> {

    /**
     * The hyperparameters (CleanRL's defaults for classic control).
     *
     * @param numEnvs             N, envs stepped together
     * @param length              T, env steps per env between updates (CleanRL's train frequency)
     * @param gradientSteps       G, minibatch updates per fragment
     * @param lr                  Adam learning rate
     * @param annealLr            decay the learning rate linearly to 0 over the budget
     * @param gamma               discount
     * @param bufferSize          replay capacity, in transitions
     * @param batchSize           minibatch size
     * @param learningStarts      env-steps collected before the first update
     * @param targetUpdate        C, env-steps between target-network copies
     * @param epsStart            initial exploration rate
     * @param epsEnd              final exploration rate
     * @param explorationFraction fraction of the budget over which epsilon decays
     * @param maxGradNorm         global gradient-norm clip ({@code Infinity} for none)
     * @param hidden              hidden widths of the Q-network
     */
    public record Hyperparameters(int numEnvs, int length, int gradientSteps, float lr, boolean annealLr, float gamma,
                                  int bufferSize,
                                  int batchSize, long learningStarts, long targetUpdate, float epsStart, float epsEnd,
                                  float explorationFraction, float maxGradNorm, int[] hidden) {
        public Hyperparameters {
            require("ddqn", numEnvs >= 1 && length >= 1 && gradientSteps >= 1, "numEnvs, length, gradientSteps must be >= 1");
            require("ddqn", lr > 0, "lr must be > 0");
            require("ddqn", gamma >= 0 && gamma <= 1, "gamma must be in [0, 1]");
            require("ddqn", bufferSize >= 1 && batchSize >= 1, "bufferSize and batchSize must be >= 1");
            require("ddqn", learningStarts >= 0 && targetUpdate >= 1, "learningStarts must be >= 0, targetUpdate >= 1");
            require("ddqn", epsStart >= 0 && epsStart <= 1 && epsEnd >= 0 && epsEnd <= 1, "epsStart and epsEnd must be in [0, 1]");
            require("ddqn", explorationFraction > 0 && explorationFraction <= 1, "explorationFraction must be in (0, 1]");
            require("ddqn", maxGradNorm > 0, "maxGradNorm must be > 0");
            requireWidths("ddqn", hidden);
        }
    }

    @Override
    public Hyperparameters defaults(String env) {
        return new Hyperparameters(1, 10, 1, 2.5e-4f, true, 0.99f, 10_000, 128, 10_000, 500, 1f, 0.05f, 0.5f,
                Float.POSITIVE_INFINITY, new int[] {120, 84});
    }

    @Override
    public Networks networks(Hyperparameters h, Space observations, Space actions) {
        int numActions = Layers.discreteActions(actions, name());
        Shape input = ObservationEncoder.inputShape(observations, 1);
        Networks nets = new Networks();
        Block q = nets.add("q", Layers.torchLinearInit(Mlp.of(observations, numActions, false, h.hidden())), input);
        Block target = nets.addFrozen("target", Layers.torchLinearInit(Mlp.of(observations, numActions, false,
                h.hidden())), input);
        TargetNetworks.hardUpdate(q, target);
        return nets;
    }

    @Override
    public void train(Hyperparameters h, Run run) {
        Block q = run.networks().get("q");
        Block target = run.networks().get("target");
        int numActions = Layers.discreteActions(run.actionSpace(), name());
        ParameterStore parameters = new ParameterStore(run.networks().manager(), false);
        GradientStep adam = run.adam(h.lr(), h.annealLr(), 1e-8f, h.maxGradNorm());
        ReplayBuffer replay = run.keep("replay", new ReplayBuffer(run.observationSpace(), run.actionSpace(), h.bufferSize()));
        TransitionBatch batch = replay.newBatch(h.batchSize());
        ResumableRandom sampler = run.keep("sampler", new ResumableRandom(run.seed()));
        long startSteps = run.keep("start-steps", new ResumableLong(run.envSteps())).get();
        ResumableLong lastTargetUpdate = run.keep("last-target-update", new ResumableLong(startSteps));
        List<EpsilonGreedyActor> actors = new ArrayList<>();

        try (Rollout rollout = run.rollout(h.numEnvs(), h.length(), "q", (block, collector) -> {
            EpsilonGreedyActor actor = new EpsilonGreedyActor(block, numActions, run.seed() + collector, epsilon(h, run));
            actors.add(actor);
            return actor;
        })) {
            for (Fragment f : rollout) {
                replay.add(f);
                double eps = epsilon(h, run);
                actors.forEach(a -> a.epsilon(eps));
                if (run.envSteps() - startSteps >= h.learningStarts()) {
                    for (int g = 0; g < h.gradientSteps(); g++) {
                        replay.sample(sampler, batch);
                        try (NDManager m = run.networks().manager().newSubManager()) {
                            NDArray s = batch.obs(m);
                            NDArray a = batch.act(m);
                            NDArray nextS = batch.nextObs(m);
                            NDArray nextQ = q.forward(parameters, new NDList(nextS), false).singletonOrThrow();
                            NDArray nextQTarget = target.forward(parameters, new NDList(nextS), false).singletonOrThrow();
                            NDArray y = Dqn.doubleTargets(batch.rew(m), batch.done(m), nextQ, nextQTarget, h.gamma());
                            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                                NDArray qsa = Dqn.chosen(q.forward(parameters, new NDList(s), true).singletonOrThrow(), a);
                                NDArray loss = Regression.halfSquaredError(qsa, y);
                                gc.backward(loss);
                                run.log("td_loss", loss.getFloat());
                                run.log("q_value", qsa.mean().getFloat());
                            }
                            adam.step();
                        }
                    }
                    if (run.envSteps() - lastTargetUpdate.get() >= h.targetUpdate()) {
                        TargetNetworks.hardUpdate(q, target);
                        lastTargetUpdate.set(run.envSteps());
                    }
                    rollout.publish();
                }
                run.log("epsilon", eps);
                if (!run.endIteration(f)) {
                    break;
                }
            }
        }
    }

    /** Linear decay from epsStart to epsEnd over the first explorationFraction of the budget. */
    private static double epsilon(Hyperparameters h, Run run) {
        double progress = Math.min(1, run.fractionDone() / h.explorationFraction());
        return h.epsStart() + progress * (h.epsEnd() - h.epsStart());
    }

    @Override
    public Actor greedyActor(Hyperparameters h, Networks networks, Space actions) {
        return new EpsilonGreedyActor(networks.get("q"), Layers.discreteActions(actions, name()), 0, 0);
    }

    @Override
    public String name() {
        return "ddqn";
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
