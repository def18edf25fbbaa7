package org.rlplay.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.rlplay.env.space.Space;

/** The algorithms the command line knows, by {@code --algo} name. Immutable. */
public final class Algorithms {
    private static final List<Algorithm<?>> ALL = List.of(new A2c(), new DoubleDqn(), new Ppo(), new RecurrentA2c(), new PpoContinuous(),
            new Sac());

    private Algorithms() {
    }

    /** Every algorithm, in the order the help lists them. */
    public static List<Algorithm<?>> all() {
        return ALL;
    }

    /**
     * The algorithm called {@code name} (of two with that name, the first registered: the one for
     * discrete actions).
     *
     * @throws IllegalArgumentException naming {@code --algo} and listing the known names
     */
    public static Algorithm<?> get(String name) {
        for (Algorithm<?> a : ALL) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("--algo: unknown algorithm '" + name + "'; known: " + names());
    }

    /**
     * The algorithm called {@code name} for an env with the given action space: where two algorithms
     * share the name (ppo for discrete and for continuous actions), the one whose
     * {@link Algorithm#continuousActions()} fits a float {@code Box} space or not; the action space is
     * asked for only then.
     *
     * @throws IllegalArgumentException naming {@code --algo} and listing the known names
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
        Space space = actions.get();
        boolean continuous = !space.isDiscrete();
        for (Algorithm<?> a : named) {
            if (a.continuousActions() == continuous) {
                return a;
            }
        }
        return named.get(0);
    }

    /** The known names, comma-separated, each once. */
    public static String names() {
        StringBuilder b = new StringBuilder();
        List<String> seen = new ArrayList<>();
        for (Algorithm<?> a : ALL) {
            if (!seen.contains(a.name())) {
                seen.add(a.name());
                b.append(b.length() == 0 ? "" : ", ").append(a.name());
            }
        }
        return b.toString();
    }
}
