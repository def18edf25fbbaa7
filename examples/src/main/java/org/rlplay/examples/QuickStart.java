package org.rlplay.examples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import org.rlplay.algos.loss.PolicyGradient;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.algos.returns.NdReturns;
import org.rlplay.algos.returns.Trajectory;
import org.rlplay.env.EnvRegistry;
import org.rlplay.fragment.Fragment;
import org.rlplay.rollout.EpisodeWindow;
import org.rlplay.rollout.Rollout;
import org.rlplay.rollout.RolloutConfig;
import org.rlplay.rollout.Rollouts;

/**
 * The README's training loop, compiled and tested: A2C with GAE on native CartPole-v1 in one
 * method, with nothing but the engine, the algos building blocks and DJL. The full-featured
 * version (schedules, clipping, checkpoints, plots) is {@link A2c}.
 */
public final class QuickStart {
    private QuickStart() {
    }

    /** {@code java ... QuickStart [envSteps [seed]]}: trains and prints the mean return of the last 100 episodes. */
    public static void main(String[] args) {
        long steps = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        System.out.printf("mean return over the last 100 episodes: %.1f%n", train(steps, seed));
    }

    /** Trains for about {@code envSteps} env steps and returns the mean return of the last 100 episodes. */
    public static double train(long envSteps, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        try (NDManager root = NDManager.newBaseManager()) {
            Block policy = trainable(Mlp.of(2, true, 64, 64), root);
            Block value = trainable(Mlp.of(1, true, 64, 64), root);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            ParameterStore ps = new ParameterStore(root, false);
            EpisodeWindow last100 = new EpisodeWindow(100);

            try (Rollout rollout = Rollouts.same(EnvRegistry.makeVec("CartPole-v1", 8),
                    new CategoricalActor(policy, 2, seed, false), RolloutConfig.builder().length(32).seed(seed).build())) {
                for (Fragment f : rollout) {                                   // T+1 records x N envs
                    try (NDManager m = root.newSubManager();
                         GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray obs = f.obs(m);                                // (T+1, N, 4): x_0 .. x_T
                        NDArray act = f.act(m).get("1:");                      // (T, N): a_t taken in x_t
                        NDArray v = value.forward(ps, new NDList(obs), true).singletonOrThrow().squeeze(-1);
                        NDArray vEnd = value.forward(ps, new NDList(f.finalObs(m)), false).singletonOrThrow().squeeze(-1);
                        NDArray adv = NdReturns.gae(Trajectory.of(f), v, vEnd, 0.99f, 0.95f); // no gradient
                        NDArray logits = policy.forward(ps, new NDList(obs.get(":-1")), true).singletonOrThrow();
                        PolicyGradient.A2cLoss loss = PolicyGradient.a2c(logits, act, v.get(":-1"),
                                PolicyGradient.normalize(adv), adv.add(v.get(":-1").stopGradient()), 0.5f, 0f);
                        gc.backward(loss.total());
                    }
                    update(adam, policy, value);
                    last100.addAll(f.episodes());
                    if (rollout.envSteps() >= envSteps) {
                        break;
                    }
                }
            }
            return last100.meanReturn();
        }
    }

    private static Block trainable(Block block, NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        block.getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(true));
        return block;
    }

    /** One Adam step over every parameter; closes the gradients it fetches. */
    private static void update(Optimizer optimizer, Block... blocks) {
        for (Block block : List.of(blocks)) {
            for (Parameter p : block.getParameters().values()) {
                try (NDArray grad = p.getArray().getGradient()) {
                    optimizer.update(p.getId(), p.getArray(), grad);
                }
            }
        }
    }
}
