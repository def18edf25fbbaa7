package org.rlplay.kafka;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.SplittableRandom;
import org.rlplay.actor.Actor;
import org.rlplay.algos.policy.CategoricalActor;
import org.rlplay.algos.policy.Mlp;
import org.rlplay.env.VecEnv;
import org.rlplay.env.space.Discrete;

/**
 * The tests' CartPole policy: a 4-32-2 tanh {@link Mlp} whose parameters are drawn from a seeded
 * generator (not DJL's initialiser), so a collector process and the test JVM build the same network.
 */
final class TestNets {
    /** The seed of the network every collector of the tests starts with. */
    static final long NET_SEED = 7;

    private TestNets() {
    }

    /** An initialised 4-32-2 MLP in {@code manager}, parameters uniform in [-0.5, 0.5) from {@code seed}. */
    static Block mlp(NDManager manager, long seed) {
        Block net = Mlp.of(2, true, 32);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        SplittableRandom rng = new SplittableRandom(seed);
        for (Parameter p : net.getParameters().values()) {
            NDArray a = p.getArray();
            float[] v = new float[Math.toIntExact(a.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextDouble() - 0.5);
            }
            a.set(new NDIndex("..."), manager.create(v, a.getShape()));
        }
        return net;
    }

    /** The collectors' replica: the seeded MLP and a sampling {@link CategoricalActor} seeded with the collector's seed. */
    static Replica replica(VecEnv envs, long seed) {
        NDManager manager = NDManager.newBaseManager();
        Block net = mlp(manager, NET_SEED);
        int actions = ((Discrete) envs.actionSpace()).n();
        return new Replica(new CategoricalActor(net, actions, seed, false), net, manager);
    }

    /** {@code actor} slowed down by {@code millis} per real step (results unchanged), so test collectors do not flood a loaded machine. */
    static Actor throttled(Actor actor, long millis) {
        return (in, hx, virtual, out) -> {
            if (!virtual) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return actor.step(in, hx, virtual, out);
        };
    }
}
