package org.rlplay.examples;

import java.util.List;
import java.util.stream.Collectors;
import org.rlplay.examples.offline.BehaviourCloning;
import org.rlplay.examples.offline.ConservativeDqn;
import org.rlplay.examples.usage.UsageException;

/** The algorithms the command line knows, by {@code --algo} name: online ones, then offline ones. Immutable. */
public final class Algorithms {
    private static final List<Algorithm<?>> ALL = List.of(new A2c(), new DoubleDqn(), new Ppo(), new RecurrentA2c(),
            new BehaviourCloning(), new ConservativeDqn());

    private Algorithms() {
    }

    /** Every algorithm, in the order the help lists them. */
    public static List<Algorithm<?>> all() {
        return ALL;
    }

    /**
     * The algorithm called {@code name}.
     *
     * @throws UsageException naming {@code --algo} and listing the known names
     */
    public static Algorithm<?> get(String name) {
        for (Algorithm<?> a : ALL) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new UsageException("--algo: unknown algorithm '" + name + "'; online: " + names(false) + "; offline"
                + " (--data): " + names(true));
    }

    /** The names of the online ({@code offline == false}) or offline algorithms, comma-separated. */
    public static String names(boolean offline) {
        return ALL.stream().filter(a -> a.offline() == offline).map(Algorithm::name).collect(Collectors.joining(", "));
    }
}
