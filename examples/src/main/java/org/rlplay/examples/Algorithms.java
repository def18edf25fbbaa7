package org.rlplay.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.rlplay.env.space.Space;
import org.rlplay.examples.BehaviourCloning;
import org.rlplay.examples.ConservativeDqn;
import org.rlplay.examples.usage.UsageException;

/** The algorithms the command line knows, by {@code --algo} name: online ones, then offline ones. Immutable. */
public final class Algorithms {
    private static final List<Algorithm<?>> ALL = List.of(new A2c(), new DoubleDqn(), new Ppo(), new RecurrentA2c(),
            new PpoContinuous(), new Sac(), new BehaviourCloning(), new ConservativeDqn(),
            new BanditNet());

    private Algorithms() {
    }

    /** Every algorithm, in the order the help lists them. */
    public static List<Algorithm<?>> all() {
        return ALL;
    }

    /**
     * The algorithm called {@code name} (the first of that name).
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

    /**
     * The algorithm called {@code name} for an env with the given action space: where two algorithms
     * share the name (ppo for discrete and for continuous actions), the one whose
     * {@link Algorithm#continuousActions()} fits a float {@code Box} space or not; the action space is
     * asked for only then.
     *
     * @throws UsageException naming {@code --algo} and listing the known names
     */
    public static Algorithm<?> get(String name, Supplier<Space> actions) {
        List<Algorithm<?>> named = new ArrayList<>();
        for (Algorithm<?> a : ALL) {
            if (a.name().equals(name)) {
                named.add(a);
            }
        }
        if (named.size() <= 1) {
            return get(name);
        }
        boolean continuous = !actions.get().isDiscrete();
        for (Algorithm<?> a : named) {
            if (a.continuousActions() == continuous) {
                return a;
            }
        }
        return named.get(0);
    }

    /** The names of the online ({@code offline == false}) or offline algorithms, comma-separated, each once. */
    public static String names(boolean offline) {
        return ALL.stream().filter(a -> a.offline() == offline).map(Algorithm::name).distinct()
                .collect(Collectors.joining(", "));
    }
}
