package org.rlplay.examples;

import java.util.List;

/** The algorithms the command line knows, by {@code --algo} name. Immutable. */
public final class Algorithms {
    private static final List<Algorithm<?>> ALL = List.of(new A2c(), new DoubleDqn(), new Ppo(), new RecurrentA2c());

    private Algorithms() {
    }

    /** Every algorithm, in the order the help lists them. */
    public static List<Algorithm<?>> all() {
        return ALL;
    }

    /**
     * The algorithm called {@code name}.
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

    /** The known names, comma-separated. */
    public static String names() {
        StringBuilder b = new StringBuilder();
        for (Algorithm<?> a : ALL) {
            b.append(b.length() == 0 ? "" : ", ").append(a.name());
        }
        return b.toString();
    }
}
