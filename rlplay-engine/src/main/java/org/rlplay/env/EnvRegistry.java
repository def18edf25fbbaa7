package org.rlplay.env;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Java-native environments by Gymnasium id ({@code "CartPole-v1"}, ...). The envs of every
 * {@link EnvProvider} on the class path (the classic-control envs among them) are registered up
 * front; users may add their own. Thread-safe.
 */
public final class EnvRegistry {
    private static final Map<String, Supplier<Env<?>>> FACTORIES = new ConcurrentHashMap<>();

    static {
        for (EnvProvider provider : ServiceLoader.load(EnvProvider.class, EnvRegistry.class.getClassLoader())) {
            provider.registerAll(EnvRegistry::register);
        }
    }

    private EnvRegistry() {
    }

    /** Registers (or replaces) a factory for {@code id}. */
    public static void register(String id, Supplier<Env<?>> factory) {
        FACTORIES.put(id, factory);
    }

    /** True when {@code id} is registered. */
    public static boolean contains(String id) {
        return FACTORIES.containsKey(id);
    }

    /** The registered ids, sorted. */
    public static Set<String> ids() {
        return new TreeMap<>(FACTORIES).keySet();
    }

    /**
     * A new env for {@code id}, wrapped in its time limit where Gymnasium registers one.
     *
     * @throws IllegalArgumentException for an unknown id, listing the known ones
     */
    public static Env<?> make(String id) {
        Supplier<Env<?>> factory = FACTORIES.get(id);
        if (factory == null) {
            throw new IllegalArgumentException("unknown env id '" + id + "'; known ids: " + ids());
        }
        return factory.get();
    }

    /** A {@link SerialVecEnv} of {@code numEnvs} envs for {@code id}. */
    public static SerialVecEnv makeVec(String id, int numEnvs) {
        if (!FACTORIES.containsKey(id)) {
            make(id);
        }
        return SerialVecEnv.of(numEnvs, () -> make(id));
    }
}
