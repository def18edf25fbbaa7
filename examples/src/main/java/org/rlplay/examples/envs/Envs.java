package org.rlplay.examples.envs;

import org.rlplay.env.Env;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.env.classic.CartPole;
import org.rlplay.env.TimeLimit;
import org.rlplay.env.space.Space;
import org.rlplay.examples.usage.UsageException;
import org.rlplay.gym.GymEnvSpec;
import org.rlplay.gym.GymEnvs;

/**
 * Where the command line's {@code --env} ids (and {@code --kwarg}s, see {@link EnvSpec}) lead: the one dispatch point between native Java envs
 * (any id of {@link EnvRegistry}, plus the example ids registered here) and Gymnasium envs
 * ({@code gym:<id>}, served by the Python bridge).
 *
 * <p>Example ids registered on first use:
 * <ul>
 * <li>{@value #CARTPOLE_NO_VELOCITY}: {@code CartPole-v1} (500-step limit) with the velocities hidden,
 *     observation {@code [x, theta]}; a partially observed task for recurrent actors.</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class Envs {
    /** CartPole-v1 observed through {@code [x, theta]} only. */
    public static final String CARTPOLE_NO_VELOCITY = "CartPoleNoVelocity-v1";
    /** Prefix of ids served by the Gymnasium bridge. */
    public static final String GYM_PREFIX = GymEnvs.GYM_PREFIX;

    static {
        EnvRegistry.register(CARTPOLE_NO_VELOCITY, () -> new TimeLimit(new ObservationMask(new CartPole(), 0, 2), 500));
    }

    private Envs() {
    }

    /**
     * A batch of {@code numEnvs} envs of {@code env}, owned by the caller (a rollout takes it over).
     *
     * @throws UsageException naming {@code --env} for an unknown native id
     * @throws org.rlplay.gym.GymBridgeException if the bridge cannot make a Gymnasium env
     */
    public static VecEnv open(EnvSpec env, int numEnvs) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException("number of envs must be >= 1, got " + numEnvs);
        }
        if (env.isGym()) {
            return GymEnvs.make(GymEnvSpec.builder(env.gymId()).numEnvs(numEnvs).kwargs(env.kwargs()).build());
        }
        return EnvRegistry.makeVec(nativeId(env.id()), numEnvs);
    }

    /** The observation and action spaces of {@code env}, read from a probe env that is closed again. */
    public static Space[] spaces(EnvSpec env) {
        if (env.isGym()) {
            GymEnvs.Spaces spaces = GymEnvs.spaces(env.gymId(), env.kwargs());
            return new Space[] {spaces.observation(), spaces.action()};
        }
        try (Env probe = EnvRegistry.make(nativeId(env.id()))) {
            return new Space[] {probe.observationSpace(), probe.actionSpace()};
        }
    }

    private static String nativeId(String id) {
        if (!EnvRegistry.contains(id)) {
            throw new UsageException("--env: unknown env id '" + id + "'; native ids: " + EnvRegistry.ids()
                    + ", Gymnasium ids: gym:<id>");
        }
        return id;
    }
}
