package org.rlplay.env;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A source of Java-native envs for {@link EnvRegistry}, found with {@link java.util.ServiceLoader}:
 * list the implementing class in {@code META-INF/services/org.rlplay.env.EnvProvider}. Implementations
 * have a public no-argument constructor and are called once, when the registry is first used.
 */
public interface EnvProvider {

    /** Passes each id and its factory (the env wrapped in its time limit, if it has one) to {@code registry}. */
    void registerAll(BiConsumer<String, Supplier<Env<?>>> registry);
}
