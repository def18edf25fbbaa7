package org.rlplay.examples.envs;

import org.rlplay.env.Env;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.env.classic.CartPole;
import org.rlplay.env.TimeLimit;
import org.rlplay.env.space.Space;
import org.rlplay.gym.GymEnvs;

/**
 * Where the command line's {@code --env} ids lead: the one dispatch point between native Java envs
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
     * A batch of {@code numEnvs} envs for {@code id}, owned by the caller (a rollout takes it over).
     *
     * @throws IllegalArgumentException naming {@code --env} for an unknown id or one this build
     *     cannot serve
     */
    public static VecEnv open(String id, int numEnvs) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException("number of envs must be >= 1, got " + numEnvs);
        }
        if (GymEnvs.isGymId(id)) {
            return GymEnvs.fromId(id, numEnvs);
        }
        return EnvRegistry.makeVec(nativeId(id), numEnvs);
    }

    /** The observation and action spaces of {@code id}, read from a probe env that is closed again. */
    public static Space[] spaces(String id) {
        if (GymEnvs.isGymId(id)) {
            GymEnvs.Spaces spaces = GymEnvs.spaces(id.substring(GYM_PREFIX.length()));
            return new Space[] {spaces.observation(), spaces.action()};
        }
        try (Env probe = EnvRegistry.make(nativeId(id))) {
            return new Space[] {probe.observationSpace(), probe.actionSpace()};
        }
    }

    private static String nativeId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("--env: an env id is required, e.g. CartPole-v1");
        }
        if (!EnvRegistry.contains(id)) {
            throw new IllegalArgumentException("--env: unknown env id '" + id + "'; native ids: " + EnvRegistry.ids()
                    + ", Gymnasium ids: gym:<id>");
        }
        return id;
    }
}
