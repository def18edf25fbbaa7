package org.rlplay.gym;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.rlplay.env.EnvRegistry;
import org.rlplay.env.VecEnv;
import org.rlplay.env.space.Space;

/**
 * Entry point of the Gymnasium bridge: batches of Gymnasium envs as {@link VecEnv}s.
 *
 * <pre>{@code
 * try (VecEnv envs = GymEnvs.make("CartPole-v1", 8)) {
 *     BatchStep out = BatchStep.of(envs);
 *     envs.reset(seeds, out);
 *     ...
 * }
 * }</pre>
 *
 * <p>Every call that creates a batch starts one Python child process (so give each collector
 * thread its own batch); the first call in a JVM also finds or sets up Python, see
 * {@link PythonRuntime}. Thread-safe.
 */
public final class GymEnvs {
    /** Prefix that marks a Gymnasium id in {@link #fromId}, e.g. {@code "gym:Acrobot-v1"}. */
    public static final String GYM_PREFIX = "gym:";

    private static final Map<String, Spaces> SPACES = new ConcurrentHashMap<>();
    private static final Gson KWARGS = new GsonBuilder().serializeNulls().serializeSpecialFloatingPointValues().create();

    private GymEnvs() {
    }

    /** {@code numEnvs} copies of {@code gymnasium.make(envId)}. */
    public static GymVecEnv make(String envId, int numEnvs) {
        return make(GymEnvSpec.builder(envId).numEnvs(numEnvs).build());
    }

    /** {@code numEnvs} copies of {@code gymnasium.make(envId, **kwargs)}. */
    public static GymVecEnv make(String envId, int numEnvs, Map<String, ?> kwargs) {
        return make(GymEnvSpec.builder(envId).numEnvs(numEnvs).kwargs(kwargs).build());
    }

    /**
     * The batch described by {@code spec}.
     *
     * @throws GymBridgeException if Python cannot be set up or started, or Gymnasium refuses the id or
     *                            the kwargs (the message carries Gymnasium's)
     */
    public static GymVecEnv make(GymEnvSpec spec) {
        return GymVecEnv.start(spec);
    }

    /**
     * The observation and action spaces of {@code gymnasium.make(envId)}, read once per JVM from a
     * one-env batch that is closed again (later calls answer from a cache).
     */
    public static Spaces spaces(String envId) {
        return spaces(envId, Map.of());
    }

    /**
     * The observation and action spaces of {@code gymnasium.make(envId, **kwargs)} (kwargs may change
     * them, e.g. FrozenLake's {@code map_name}), read once per JVM and kwargs from a one-env batch
     * that is closed again.
     */
    public static Spaces spaces(String envId, Map<String, ?> kwargs) {
        GymEnvSpec spec = GymEnvSpec.builder(envId).kwargs(kwargs).build();
        return SPACES.computeIfAbsent(envId + " " + KWARGS.toJson(spec.kwargs()), key -> {
            try (GymVecEnv probe = make(spec)) {
                return new Spaces(probe.observationSpace(), probe.actionSpace());
            }
        });
    }

    /** The spaces of one Gymnasium env as the bridge reports them. */
    public record Spaces(Space observation, Space action) {
    }

    /** True when {@code id} names a Gymnasium env for {@link #fromId}. */
    public static boolean isGymId(String id) {
        return id.startsWith(GYM_PREFIX);
    }

    /**
     * A batch for an id as users type it on the command line: {@code "gym:<Gymnasium id>"} goes
     * through the bridge, anything else is a Java-native env from {@link EnvRegistry}.
     */
    public static VecEnv fromId(String id, int numEnvs) {
        if (isGymId(id)) {
            return make(id.substring(GYM_PREFIX.length()), numEnvs);
        }
        return EnvRegistry.makeVec(id, numEnvs);
    }
}
