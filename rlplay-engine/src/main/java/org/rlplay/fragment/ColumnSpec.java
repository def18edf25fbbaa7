package org.rlplay.fragment;

import java.util.Arrays;
import java.util.Objects;
import org.rlplay.env.space.ElementType;
import org.rlplay.env.space.Space;

/**
 * One column of a {@link Fragment}: its name, element type, the shape of one env's value, and
 * whether it has a value per record (T+1 rows) or per transition (T rows). The fixed columns of a
 * fragment, in this order, are:
 * <table>
 * <caption>the fixed columns ({@link FragmentSpec#columns()})</caption>
 * <tr><th>name</th><th>type</th><th>shape per env</th><th>rows</th></tr>
 * <tr><td>{@value #STEPNO}</td><td>int32</td><td>()</td><td>T+1</td></tr>
 * <tr><td>{@value #OBS}</td><td>the observation space's {@link Space#storageType()}</td><td>its shape</td><td>T+1</td></tr>
 * <tr><td>{@value #ACT}</td><td>int32 if the action space {@link Space#isDiscrete()}, else float32</td><td>its shape</td><td>T+1</td></tr>
 * <tr><td>{@value #REW}</td><td>float32</td><td>()</td><td>T+1</td></tr>
 * <tr><td>{@value #FIN}</td><td>bool</td><td>()</td><td>T+1</td></tr>
 * <tr><td>{@value #TRUNC}</td><td>bool</td><td>()</td><td>T+1</td></tr>
 * <tr><td>{@value #FINAL_OBS} (if kept)</td><td>as {@code obs}</td><td>as {@code obs}</td><td>T+1</td></tr>
 * <tr><td>{@value #ENV_INFO}</td><td>float32</td><td>(K)</td><td>T</td></tr>
 * </table>
 * Actor-info columns follow them, one per array the actor reports, per record.
 *
 * @param name      the column's name, unique within a fragment
 * @param type      the element type
 * @param shape     the shape of one env's value ({@code []} for a scalar)
 * @param perRecord true for T+1 rows (one per record), false for T rows (one per transition t -&gt; t+1)
 */
public record ColumnSpec(String name, ElementType type, int[] shape, boolean perRecord) {
    public static final String STEPNO = "stepno";
    public static final String OBS = "obs";
    public static final String ACT = "act";
    public static final String REW = "rew";
    public static final String FIN = "fin";
    public static final String TRUNC = "trunc";
    public static final String FINAL_OBS = "finalObs";
    public static final String ENV_INFO = "envInfo";

    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        Space.sizeOf(shape);
    }

    /** Elements of one env's value: the product of {@link #shape()}. */
    public int width() {
        return Space.sizeOf(shape);
    }

    /** Rows of this column in a fragment of length T. */
    public int rows(int length) {
        return perRecord ? length + 1 : length;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** True for the columns every fragment has (not actor info). */
    public boolean isFixed() {
        return isFixedName(name);
    }

    /** True if {@code name} is the name of a fixed column (actor info may not use it). */
    public static boolean isFixedName(String name) {
        switch (name) {
            case STEPNO: case OBS: case ACT: case REW: case FIN: case TRUNC: case FINAL_OBS: case ENV_INFO:
                return true;
            default:
                return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnSpec c && name.equals(c.name) && type == c.type && perRecord == c.perRecord
                && Arrays.equals(shape, c.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, perRecord) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ": " + type.numpyName() + Arrays.toString(shape) + (perRecord ? " per record" : " per transition");
    }
}
