package org.rlplay.env.classic;

import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.rlplay.env.Env;
import org.rlplay.env.EnvProvider;
import org.rlplay.env.TimeLimit;

/**
 * Gymnasium's classic-control ids with their registered time limits, provided to
 * {@link org.rlplay.env.EnvRegistry} through {@link java.util.ServiceLoader}.
 */
public final class ClassicControl implements EnvProvider {

    /** For {@link java.util.ServiceLoader}. */
    public ClassicControl() {
    }

    @Override
    public void registerAll(BiConsumer<String, Supplier<Env<?>>> registry) {
        registry.accept("CartPole-v1", () -> new TimeLimit<>(new CartPole(), 500));
        registry.accept("MountainCar-v0", () -> new TimeLimit<>(new MountainCar(), 200));
        registry.accept("Acrobot-v1", () -> new TimeLimit<>(new Acrobot(), 500));
        registry.accept("Pendulum-v1", () -> new TimeLimit<>(new Pendulum(), 200));
        registry.accept("MountainCarContinuous-v0", () -> new TimeLimit<>(new MountainCarContinuous(), 999));
    }
}
