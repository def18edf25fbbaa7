package org.rlplay.algos.ope;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether the log can support the target policy: where the target puts probability on actions the
 * behaviour never takes, no logged reward tells anything about them, importance weighting silently
 * drops that mass (IPS is then biased towards 0), and only the reward model (DM, the DM part of DR)
 * speaks for them.
 *
 * <p>What is checked depends on what was logged ({@link Basis}):
 * <ul>
 *   <li>{@link Basis#BEHAVIOUR_DISTRIBUTION}: with the behaviour's whole distribution logged, the
 *   unsupported mass of row i is {@code sum_{a : mu(a | x_i) = 0} pi(a | x_i)}: exact, per context.</li>
 *   <li>{@link Basis#LOGGED_ACTIONS}: with only the propensity of the logged action, support in a
 *   given context cannot be decided (an action taken for some contexts may never be taken for
 *   others). What is checked is the log as a whole: the unsupported mass of row i is the target's
 *   probability of the actions that appear in no row of the log. That finds a target that uses
 *   actions the behaviour never took; it misses support that is missing only in some contexts.</li>
 * </ul>
 *
 * @param basis            what the check rests on
 * @param rowsAffected     rows whose unsupported mass is &gt; 0
 * @param unsupportedMass  the mean over rows of the unsupported mass, in [0, 1]
 * @param actions          the actions (ascending) to which the target gives probability where they
 *                         are unsupported
 */
public record Support(Basis basis, int rowsAffected, double unsupportedMass, List<Integer> actions) {
    /** The mean unsupported mass above which {@link #warns()} is true. */
    public static final double WARN_ABOVE = 1e-6;

    /** What a support check rests on. */
    public enum Basis {
        /** The behaviour's logged distribution, row by row. */
        BEHAVIOUR_DISTRIBUTION,
        /** The set of actions that appear in the log (no logged distribution). */
        LOGGED_ACTIONS
    }

    public Support {
        actions = List.copyOf(actions);
    }

    /** Whether the mean unsupported mass exceeds {@link #WARN_ABOVE}. */
    public boolean warns() {
        return unsupportedMass > WARN_ABOVE;
    }

    /** A one-line warning when {@link #warns()}, else the empty string. */
    public String warning() {
        if (!warns()) {
            return "";
        }
        String which = actions.size() <= 10 ? actions.stream().map(String::valueOf).collect(Collectors.joining(", "))
                : actions.subList(0, 10).stream().map(String::valueOf).collect(Collectors.joining(", "))
                        + " and " + (actions.size() - 10) + " more";
        String where = basis == Basis.BEHAVIOUR_DISTRIBUTION
                ? "actions the behaviour gives probability 0 there"
                : "actions that no row of the log took (per-context support is unchecked: the behaviour's "
                        + "distribution was not logged)";
        return String.format("the target puts mean probability %.4g (on %d rows) on %s (%s): importance-weighted "
                + "estimates ignore that mass", unsupportedMass, rowsAffected, where, which);
    }
}
