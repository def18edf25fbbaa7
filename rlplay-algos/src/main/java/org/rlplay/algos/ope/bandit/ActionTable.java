package org.rlplay.algos.ope.bandit;

/**
 * One number per logged decision and action: an n x K table, row i for decision i, column a for
 * action a. Holds a policy's action distribution per row ({@code pi(a | x_i)}) or a reward model's
 * predictions ({@code q(x_i, a)}). Stored row-major in one {@code double[]} of n * K elements, so
 * 10 M rows over a few actions stay one array (n * K must stay below 2^31).
 *
 * <p>{@link #of} copies; {@link #wrap} reads the caller's array without copying, for tables too
 * large to hold twice; the caller must not change that array afterwards. Either way the table is
 * read-only and safe to share between threads. Checks of the values (sums, ranges) are made where
 * a table is used ({@link BanditLog#withBehaviour}, {@link BanditEvaluation}), naming the row.
 */
public final class ActionTable {
    private final int rows;
    private final int actions;
    private final double[] values;

    private ActionTable(int rows, int actions, double[] values) {
        this.rows = rows;
        this.actions = actions;
        this.values = values;
    }

    /**
     * A copy of {@code rows[i][a]}.
     *
     * @throws IllegalArgumentException if there are no columns or the rows differ in length
     */
    public static ActionTable of(double[][] rows) {
        int actions = rows.length == 0 ? 1 : rows[0].length;
        if (actions < 1) {
            throw new IllegalArgumentException("an action table needs at least one action (row 0 is empty)");
        }
        double[] values = new double[Math.multiplyExact(rows.length, actions)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != actions) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " actions, row 0 has " + actions);
            }
            System.arraycopy(rows[i], 0, values, i * actions, actions);
        }
        return new ActionTable(rows.length, actions, values);
    }

    /**
     * A table over {@code rowMajor}: element {@code i * actions + a} is row i, action a. Not copied.
     *
     * @throws IllegalArgumentException if {@code actions < 1} or the length is not a multiple of it
     */
    public static ActionTable wrap(int actions, double[] rowMajor) {
        if (actions < 1) {
            throw new IllegalArgumentException("an action table needs at least one action, got " + actions);
        }
        if (rowMajor.length % actions != 0) {
            throw new IllegalArgumentException(rowMajor.length + " values are not rows of " + actions + " actions");
        }
        return new ActionTable(rowMajor.length / actions, actions, rowMajor);
    }

    /** Number of rows (logged decisions). */
    public int rows() {
        return rows;
    }

    /** Number of actions K (columns). */
    public int actions() {
        return actions;
    }

    /** The value of row {@code row}, action {@code action}. */
    public double get(int row, int action) {
        return values[row * actions + action];
    }

    /** The backing row-major array, for the package's loops; never handed out. */
    double[] values() {
        return values;
    }
}
