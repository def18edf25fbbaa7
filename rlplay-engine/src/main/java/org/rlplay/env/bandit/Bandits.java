package org.rlplay.env.bandit;

import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.rlplay.env.Env;
import org.rlplay.env.EnvProvider;

/**
 * The synthetic contextual bandits, provided to {@link org.rlplay.env.EnvRegistry} through
 * {@link java.util.ServiceLoader}: {@code ContextualBandit-v0} is a {@link ContextualBandit} with
 * K = 5 actions, d = 8 features and M = 1000 contexts of world seed 0 (episodes of one step, no
 * time limit).
 */
public final class Bandits implements EnvProvider {
    /** The registered id. */
    public static final String ID = "ContextualBandit-v0";

    /** For {@link java.util.ServiceLoader}. */
    public Bandits() {
    }

    /** A new {@code ContextualBandit-v0}. */
    public static ContextualBandit v0() {
        return new ContextualBandit(5, 8, 1000, 0);
    }

    @Override
    public void registerAll(BiConsumer<String, Supplier<Env<?>>> registry) {
        registry.accept(ID, Bandits::v0);
    }
}
